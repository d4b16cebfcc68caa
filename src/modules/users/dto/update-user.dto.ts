import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsEmail, IsIn, IsString, MaxLength } from 'class-validator';
import { IsTimeZone, Optional, OptionalNullable, Trim } from '../../../common/validation/validators';

/** Partial update; the username and id can never change. */
export class UpdateUserDto {
  @ApiPropertyOptional({ type: 'string', nullable: true })
  @OptionalNullable()
  @Trim()
  @IsEmail({}, { message: 'email must be an email address' })
  @MaxLength(255)
  email?: string | null;

  @ApiPropertyOptional({ type: 'string', nullable: true })
  @OptionalNullable()
  @Trim()
  @IsString()
  @MaxLength(200)
  full_name?: string | null;

  @ApiPropertyOptional({ enum: ['admin', 'user'] })
  @Optional()
  @IsIn(['admin', 'user'])
  role?: 'admin' | 'user';

  @ApiPropertyOptional({ description: 'false deactivates the user: every token of theirs stops working at once' })
  @Optional()
  @IsBoolean()
  is_active?: boolean;

  @ApiPropertyOptional({ example: 'Europe/Berlin' })
  @Optional()
  @IsTimeZone()
  timezone?: string;
}
