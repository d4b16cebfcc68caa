import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsString, MaxLength } from 'class-validator';
import { PaginationQueryDto } from '../../../common/pagination/pagination-query.dto';
import { Optional, Trim } from '../../../common/validation/validators';
import { CLIENT_STATUSES } from '../client.entity';

export class ListClientsQueryDto extends PaginationQueryDto {
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
