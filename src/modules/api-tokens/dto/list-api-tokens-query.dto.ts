import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean } from 'class-validator';
import { PaginationQueryDto, ToInteger } from '../../../common/pagination/pagination-query.dto';
import { IsId, Optional, ToBoolean } from '../../../common/validation/validators';

export class ListApiTokensQueryDto extends PaginationQueryDto {
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
