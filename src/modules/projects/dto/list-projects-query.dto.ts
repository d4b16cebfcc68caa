import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsString, MaxLength } from 'class-validator';
import { PaginationQueryDto, ToInteger } from '../../../common/pagination/pagination-query.dto';
import { SortQuery } from '../../../common/pagination/sort-query';
import { IsId, Optional, Trim } from '../../../common/validation/validators';
import { PROJECT_STATUSES, type ProjectStatus } from '../project.entity';
import { PROJECT_SORTS } from '../project.sorts';
import { UpdatedSinceQuery } from '../../../common/time/updated-since';

export class ListProjectsQueryDto extends PaginationQueryDto {
  @UpdatedSinceQuery()
  updated_since?: string;

  @SortQuery(PROJECT_SORTS, '-updated_at')
  sort?: string;

  @ApiPropertyOptional({ enum: [...PROJECT_STATUSES, 'all'], description: 'Default: every status but archived' })
  @Optional()
  @IsIn([...PROJECT_STATUSES, 'all'])
  status?: ProjectStatus | 'all';

  @ApiPropertyOptional({ type: 'integer' })
  @Optional()
  @ToInteger()
  @IsId()
  client_id?: number;

  @ApiPropertyOptional({ description: 'Name contains (case-insensitive)' })
  @Optional()
  @Trim()
  @IsString()
  @MaxLength(100)
  q?: string;
}
