import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsEmail, IsIn, IsOptional, IsString, MaxLength, ValidateIf } from 'class-validator';
import { IsTimeZone, Trim } from '../../../common/validation/validators';

/** Partial update; the username and id can never change. */
export class UpdateUserDto {
  @ApiPropertyOptional({ type: 'string', nullable: true })
  @ValidateIf((_o, v) => v !== null)
  @IsOptional()
  @Trim()
  @IsEmail({}, { message: 'email must be an email address' })
  @MaxLength(255)
  email?: string | null;

  @ApiPropertyOptional({ type: 'string', nullable: true })
  @ValidateIf((_o, v) => v !== null)
  @IsOptional()
  @Trim()
  @IsString()
  @MaxLength(200)
  full_name?: string | null;

  @ApiPropertyOptional({ enum: ['admin', 'user'] })
  @IsOptional()
  @IsIn(['admin', 'user'])
  role?: 'admin' | 'user';

  @ApiPropertyOptional({ description: 'false deactivates the user: every token of theirs stops working at once' })
  @IsOptional()
  @IsBoolean()
  is_active?: boolean;

  @ApiPropertyOptional({ example: 'Europe/Berlin' })
  @IsOptional()
  @IsTimeZone()
  timezone?: string;
}
