import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsInt, Min } from 'class-validator';
import { PaginationQueryDto, ToInteger } from '../../../common/pagination/pagination-query.dto';
import { Optional, ToBoolean } from '../../../common/validation/validators';

export class ListApiTokensQueryDto extends PaginationQueryDto {
  @ApiPropertyOptional()
  @Optional()
  @ToInteger()
  @IsInt()
  @Min(1)
  user_id?: number;

  @ApiPropertyOptional()
  @Optional()
  @ToBoolean()
  @IsBoolean({ message: 'is_active must be true or false' })
  is_active?: boolean;
}
