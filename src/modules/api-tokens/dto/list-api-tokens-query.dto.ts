import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean } from 'class-validator';
import { PaginationQueryDto, ToInteger } from '../../../common/pagination/pagination-query.dto';
import { SortQuery } from '../../../common/pagination/sort-query';
import { IsId, Optional, ToBoolean } from '../../../common/validation/validators';
import { API_TOKEN_SORTS } from '../api-token.sorts';

export class ListApiTokensQueryDto extends PaginationQueryDto {
  @SortQuery(API_TOKEN_SORTS, 'expires_at')
  sort?: string;

  @ApiPropertyOptional()
  @Optional()
  @ToInteger()
  @IsId()
  user_id?: number;

  @ApiPropertyOptional()
  @Optional()
  @ToBoolean()
  @IsBoolean({ message: 'is_active must be true or false' })
  is_active?: boolean;
}
