import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsString, MaxLength } from 'class-validator';
import { PaginationQueryDto } from '../../../common/pagination/pagination-query.dto';
import { SortQuery } from '../../../common/pagination/sort-query';
import { Optional, ToBoolean, Trim } from '../../../common/validation/validators';
import { USER_SORTS } from '../user.sorts';

export class ListUsersQueryDto extends PaginationQueryDto {
  @SortQuery(USER_SORTS, '-last_login_at')
  sort?: string;

  @ApiPropertyOptional({ enum: ['admin', 'user'] })
  @Optional()
  @IsIn(['admin', 'user'])
  role?: 'admin' | 'user';

  @ApiPropertyOptional()
  @Optional()
  @ToBoolean()
  @IsBoolean({ message: 'is_active must be true or false' })
  is_active?: boolean;

  @ApiPropertyOptional({ description: 'Username or full name contains (case-insensitive)' })
  @Optional()
  @Trim()
  @IsString()
  @MaxLength(100)
  q?: string;
}
