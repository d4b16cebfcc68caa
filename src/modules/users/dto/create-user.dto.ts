import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsEmail, IsIn, IsString, Matches, MaxLength } from 'class-validator';
import { IsTimeZone, Optional, OptionalNullable, Trim } from '../../../common/validation/validators';

export class CreateUserDto {
  @ApiProperty({ example: 'alice', description: 'Stored lower-cased; 2-80 of [a-z0-9_.-]' })
  @Trim()
  @IsString()
  @Matches(/^[A-Za-z0-9_.-]{2,80}$/, { message: 'username must be 2-80 letters, digits, "_", "." or "-"' })
  username: string;

  @ApiPropertyOptional({ example: 'alice@example.com' })
  @OptionalNullable()
  @Trim()
  @IsEmail({}, { message: 'email must be an email address' })
  @MaxLength(255)
  email?: string;

  @ApiPropertyOptional({ example: 'Alice Example' })
  @OptionalNullable()
  @Trim()
  @IsString()
  @MaxLength(200)
  full_name?: string;

  @ApiPropertyOptional({ enum: ['admin', 'user'], default: 'user' })
  @Optional()
  @IsIn(['admin', 'user'])
  role?: 'admin' | 'user';

  @ApiPropertyOptional({ default: true })
  @Optional()
  @IsBoolean()
  is_active?: boolean;

  @ApiPropertyOptional({ example: 'Europe/Berlin', default: 'UTC' })
  @Optional()
  @IsTimeZone()
  timezone?: string;
}
