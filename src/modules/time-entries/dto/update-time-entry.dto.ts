import { ApiPropertyOptional } from '@nestjs/swagger';
import { Optional, OptionalNullable } from '../../../common/validation/validators';
import { TimeEntryFields } from './time-entry-fields';

/** PUT and PATCH alike: only the fields sent change; `null` clears an optional field. */
export class UpdateTimeEntryDto {
  @ApiPropertyOptional({ type: 'integer', nullable: true })
  @OptionalNullable()
  @TimeEntryFields.id()
  project_id?: number | null;

  @ApiPropertyOptional({ type: 'integer', nullable: true })
  @OptionalNullable()
  @TimeEntryFields.id()
  client_id?: number | null;

  @ApiPropertyOptional({ type: 'integer', nullable: true })
  @OptionalNullable()
  @TimeEntryFields.id()
  task_id?: number | null;

  @ApiPropertyOptional()
  @Optional()
  @TimeEntryFields.dateTime()
  start_time?: string;

  @ApiPropertyOptional({ description: 'Setting it on a running entry stops it' })
  @Optional()
  @TimeEntryFields.dateTime()
  end_time?: string;

  @ApiPropertyOptional({
    type: 'integer',
    example: 1800,
    description: "Seconds of break inside the span, less than it (a paused timer's pauses so far included)",
  })
  @Optional()
  @TimeEntryFields.breakSeconds()
  break_seconds?: number;

  @ApiPropertyOptional({ example: 'Worked on feature X', type: 'string', nullable: true })
  @OptionalNullable()
  @TimeEntryFields.notes()
  notes?: string | null;

  @ApiPropertyOptional({ type: 'string', nullable: true })
  @OptionalNullable()
  @TimeEntryFields.tags()
  tags?: string | null;

  @ApiPropertyOptional()
  @Optional()
  @TimeEntryFields.flag()
  billable?: boolean;

  @ApiPropertyOptional()
  @Optional()
  @TimeEntryFields.flag()
  paid?: boolean;

  @ApiPropertyOptional({ type: 'string', nullable: true })
  @OptionalNullable()
  @TimeEntryFields.invoiceNumber()
  invoice_number?: string | null;

  @ApiPropertyOptional({ description: "Optimistic lock: the entry's updated_at as last read; 409 if it changed since" })
  @Optional()
  @TimeEntryFields.dateTime()
  if_updated_at?: string;
}
