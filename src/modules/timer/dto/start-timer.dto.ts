import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Optional, OptionalNullable } from '../../../common/validation/validators';
import { TimeEntryFields } from '../../time-entries/dto/time-entry-fields';

export class StartTimerDto {
  @ApiProperty({ example: 1 })
  @TimeEntryFields.id()
  project_id: number;

  @ApiPropertyOptional({ type: 'integer', nullable: true, example: 5, description: 'Must belong to the project' })
  @OptionalNullable()
  @TimeEntryFields.id()
  task_id?: number | null;

  @ApiPropertyOptional({ type: 'string', nullable: true })
  @OptionalNullable()
  @TimeEntryFields.notes()
  notes?: string | null;

  @ApiPropertyOptional({ default: true })
  @Optional()
  @TimeEntryFields.flag()
  billable?: boolean;

  @ApiPropertyOptional({ type: 'string', nullable: true, example: 'development' })
  @OptionalNullable()
  @TimeEntryFields.tags()
  tags?: string | null;
}
