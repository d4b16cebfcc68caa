import { ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsBoolean, IsString, MaxLength, MinLength } from 'class-validator';
import { GRANTABLE_SCOPES } from '../../../common/auth/scopes';
import { IsIntInRange, Optional, OptionalNullable, Trim } from '../../../common/validation/validators';
import { IsGrantableScopeList, IsIpAllowlist } from './scope-validators';

/** Partial update; the owner, hash and prefix never change (rotate for a new secret). */
export class UpdateApiTokenDto {
  @ApiPropertyOptional({ example: 'CI integration' })
  @Optional()
  @Trim()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name?: string;

  @ApiPropertyOptional({ type: 'string', nullable: true })
  @OptionalNullable()
  @IsString()
  @MaxLength(2000)
  description?: string | null;

  @ApiPropertyOptional({ type: [String], enum: GRANTABLE_SCOPES })
  @Optional()
  @ArrayMinSize(1)
  @ArrayMaxSize(GRANTABLE_SCOPES.length)
  @IsGrantableScopeList()
  scopes?: string[];

  @ApiPropertyOptional({ description: 'false revokes the token' })
  @Optional()
  @IsBoolean()
  is_active?: boolean;

  @ApiPropertyOptional({ type: 'integer', nullable: true, description: 'Days from now; null removes the expiry' })
  @OptionalNullable()
  @IsIntInRange(1, 3650)
  expires_in_days?: number | null;

  @ApiPropertyOptional({ type: [String], nullable: true })
  @OptionalNullable()
  @ArrayMaxSize(100)
  @IsIpAllowlist()
  ip_allowlist?: string[] | null;
}
