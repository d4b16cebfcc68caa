import { ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsBoolean,
  IsInt,
  IsOptional,
  IsString,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateIf,
} from 'class-validator';
import { GRANTABLE_SCOPES } from '../../../common/auth/scopes';
import { Trim } from '../../../common/validation/validators';
import { IsGrantableScopeList, IsIpAllowlist } from './scope-validators';

/** Partial update; the owner, hash and prefix never change (rotate for a new secret). */
export class UpdateApiTokenDto {
  @ApiPropertyOptional()
  @IsOptional()
  @Trim()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name?: string;

  @ApiPropertyOptional({ type: 'string', nullable: true })
  @ValidateIf((_o, v) => v !== null)
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  description?: string | null;

  @ApiPropertyOptional({ type: [String], enum: GRANTABLE_SCOPES })
  @IsOptional()
  @ArrayMinSize(1)
  @ArrayMaxSize(GRANTABLE_SCOPES.length)
  @IsGrantableScopeList()
  scopes?: string[];

  @ApiPropertyOptional({ description: 'false revokes the token' })
  @IsOptional()
  @IsBoolean()
  is_active?: boolean;

  @ApiPropertyOptional({ type: 'integer', nullable: true, description: 'Days from now; null removes the expiry' })
  @ValidateIf((_o, v) => v !== null)
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(3650)
  expires_in_days?: number | null;

  @ApiPropertyOptional({ type: [String], nullable: true })
  @ValidateIf((_o, v) => v !== null)
  @IsOptional()
  @ArrayMaxSize(100)
  @IsIpAllowlist()
  ip_allowlist?: string[] | null;
}
