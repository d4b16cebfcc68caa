import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsEmail, IsIn, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { IsTimeZone, Trim } from '../../../common/validation/validators';

export class CreateUserDto {
  @ApiProperty({ example: 'alice', description: 'Stored lower-cased; 2-80 of [a-z0-9_.-]' })
  @Trim()
  @IsString()
  @Matches(/^[A-Za-z0-9_.-]{2,80}$/, { message: 'username must be 2-80 letters, digits, "_", "." or "-"' })
  username: string;

  @ApiPropertyOptional({ example: 'alice@example.com' })
  @IsOptional()
  @Trim()
  @IsEmail({}, { message: 'email must be an email address' })
  @MaxLength(255)
  email?: string;

  @ApiPropertyOptional({ example: 'Alice Example' })
  @IsOptional()
  @Trim()
  @IsString()
  @MaxLength(200)
  full_name?: string;

  @ApiPropertyOptional({ enum: ['admin', 'user'], default: 'user' })
  @IsOptional()
  @IsIn(['admin', 'user'])
  role?: 'admin' | 'user';

  @ApiPropertyOptional({ default: true })
  @IsOptional()
  @IsBoolean()
  is_active?: boolean;

  @ApiPropertyOptional({ example: 'Europe/Berlin', default: 'UTC' })
  @IsOptional()
  @IsTimeZone()
  timezone?: string;
}
