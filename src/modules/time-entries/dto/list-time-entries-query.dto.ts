import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean } from 'class-validator';
import { PaginationQueryDto, ToInteger } from '../../../common/pagination/pagination-query.dto';
import { SortQuery } from '../../../common/pagination/sort-query';
import { IsDateTimeInput, IsId, Optional, ToBoolean } from '../../../common/validation/validators';
import { TIME_ENTRY_SORTS } from '../time-entry.sorts';
import { UpdatedSinceQuery } from '../../../common/time/updated-since';

export class ListTimeEntriesQueryDto extends PaginationQueryDto {
  @UpdatedSinceQuery()
  updated_since?: string;

  @SortQuery(TIME_ENTRY_SORTS, '-duration_seconds,project_id')
  sort?: string;

  @ApiPropertyOptional({ type: 'integer' })
  @Optional()
  @ToInteger()
  @IsId()
  project_id?: number;

  @ApiPropertyOptional({ type: 'integer', description: 'Admins only; a non-admin naming another user gets 403' })
  @Optional()
  @ToInteger()
  @IsId()
  user_id?: number;

  @ApiPropertyOptional({ example: '2024-01-01', description: 'start_time on or after (date-only: 00:00)' })
  @Optional()
  @IsDateTimeInput(true)
  start_date?: string;

  @ApiPropertyOptional({ example: '2024-01-31', description: 'start_time on or before (date-only: the whole day)' })
  @Optional()
  @IsDateTimeInput(true)
  end_date?: string;

  @ApiPropertyOptional()
  @Optional()
  @ToBoolean()
  @IsBoolean({ message: 'billable must be true or false' })
  billable?: boolean;

  @ApiPropertyOptional({ default: false, description: 'Include running entries' })
  @Optional()
  @ToBoolean()
  @IsBoolean({ message: 'include_active must be true or false' })
  include_active?: boolean;
}
