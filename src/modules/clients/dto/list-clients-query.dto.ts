import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsString, MaxLength } from 'class-validator';
import { PaginationQueryDto } from '../../../common/pagination/pagination-query.dto';
import { SortQuery } from '../../../common/pagination/sort-query';
import { Optional, Trim } from '../../../common/validation/validators';
import { CLIENT_STATUSES } from '../client.entity';
import { CLIENT_SORTS } from '../client.sorts';
import { UpdatedSinceQuery } from '../../../common/time/updated-since';

export class ListClientsQueryDto extends PaginationQueryDto {
  @UpdatedSinceQuery()
  updated_since?: string;

  @SortQuery(CLIENT_SORTS, 'status,name')
  sort?: string;

  @ApiPropertyOptional({ enum: [...CLIENT_STATUSES, 'all'], default: 'all' })
  @Optional()
  @IsIn([...CLIENT_STATUSES, 'all'])
  status?: 'active' | 'inactive' | 'all';

  @ApiPropertyOptional({ description: 'Name, company or email contains (case-insensitive)' })
  @Optional()
  @Trim()
  @IsString()
  @MaxLength(100)
  q?: string;
}
