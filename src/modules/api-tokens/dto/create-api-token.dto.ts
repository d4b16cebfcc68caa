import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsString, MaxLength, MinLength } from 'class-validator';
import { GRANTABLE_SCOPES } from '../../../common/auth/scopes';
import { IsId, IsIntInRange, OptionalNullable, Trim } from '../../../common/validation/validators';
import { IsGrantableScopeList, IsIpAllowlist } from './scope-validators';

export class CreateApiTokenDto {
  @ApiProperty({ example: 'CI integration' })
  @Trim()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name: string;

  @ApiPropertyOptional()
  @OptionalNullable()
  @IsString()
  @MaxLength(2000)
  description?: string;

  @ApiProperty({ description: 'The user this token authenticates as' })
  @IsId()
  user_id: number;

  @ApiProperty({ type: [String], enum: GRANTABLE_SCOPES, example: ['read:projects', 'write:time_entries'] })
  @ArrayMinSize(1)
  @ArrayMaxSize(GRANTABLE_SCOPES.length)
  @IsGrantableScopeList()
  scopes: string[];

  @ApiPropertyOptional({ minimum: 1, maximum: 3650 })
  @OptionalNullable()
  @IsIntInRange(1, 3650)
  expires_in_days?: number;

  @ApiPropertyOptional({ type: [String], example: ['203.0.113.7', '10.0.0.0/8'] })
  @OptionalNullable()
  @ArrayMaxSize(100)
  @IsIpAllowlist()
  ip_allowlist?: string[];
}
