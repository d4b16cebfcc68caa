import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Optional, OptionalNullable } from '../../../common/validation/validators';
import { TimeEntryFields } from '../../time-entries/dto/time-entry-fields';

export class StartTimerDto {
  @ApiProperty({ example: 1 })
  @TimeEntryFields.id()
  project_id: number;

  @ApiPropertyOptional({ example: 5, description: 'Must belong to the project' })
  @OptionalNullable()
  @TimeEntryFields.id()
  task_id?: number | null;

  @ApiPropertyOptional()
  @OptionalNullable()
  @TimeEntryFields.notes()
  notes?: string | null;

  @ApiPropertyOptional({ default: true })
  @Optional()
  @TimeEntryFields.flag()
  billable?: boolean;

  @ApiPropertyOptional({ example: 'development' })
  @OptionalNullable()
  @TimeEntryFields.tags()
  tags?: string | null;
}
