import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsString, MaxLength } from 'class-validator';
import { PaginationQueryDto, ToInteger } from '../../../common/pagination/pagination-query.dto';
import { SortQuery } from '../../../common/pagination/sort-query';
import { IsId, Optional, Trim } from '../../../common/validation/validators';
import { TASK_STATUSES, type TaskStatus } from '../task.entity';
import { TASK_SORTS } from '../task.sorts';
import { UpdatedSinceQuery } from '../../../common/time/updated-since';

export class ListTasksQueryDto extends PaginationQueryDto {
  @UpdatedSinceQuery()
  updated_since?: string;

  @SortQuery(TASK_SORTS, 'due_date,-priority')
  sort?: string;

  @ApiPropertyOptional({ type: 'integer' })
  @Optional()
  @ToInteger()
  @IsId()
  project_id?: number;

  @ApiPropertyOptional({ enum: TASK_STATUSES })
  @Optional()
  @IsIn(TASK_STATUSES)
  status?: TaskStatus;

  @ApiPropertyOptional({ type: 'integer', description: 'User id' })
  @Optional()
  @ToInteger()
  @IsId()
  assigned_to?: number;

  @ApiPropertyOptional({ description: 'Name contains (case-insensitive)' })
  @Optional()
  @Trim()
  @IsString()
  @MaxLength(100)
  q?: string;
}
