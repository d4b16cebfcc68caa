import { ApiPropertyOptional } from '@nestjs/swagger';
import { ToInteger } from '../../../common/pagination/pagination-query.dto';
import { IsDateTimeInput, IsId, Optional } from '../../../common/validation/validators';

export class SummaryQueryDto {
  @ApiPropertyOptional({ example: '2024-01-01', description: 'Default: 30 days before end_date. Date-only: 00:00' })
  @Optional()
  @IsDateTimeInput(true)
  start_date?: string;

  @ApiPropertyOptional({ example: '2024-01-31', description: 'Default: now. Date-only: the whole day' })
  @Optional()
  @IsDateTimeInput(true)
  end_date?: string;

  @ApiPropertyOptional({ type: 'integer' })
  @Optional()
  @ToInteger()
  @IsId()
  project_id?: number;

  @ApiPropertyOptional({ type: 'integer', description: 'Admins only (a non-admin may name only themselves)' })
  @Optional()
  @ToInteger()
  @IsId()
  user_id?: number;
}
