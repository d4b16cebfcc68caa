import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Optional, OptionalNullable } from '../../../common/validation/validators';
import { TimeEntryFields } from './time-entry-fields';

export class CreateTimeEntryDto {
  @ApiPropertyOptional({
    type: 'integer',
    nullable: true,
    example: 1,
    description: 'project_id or client_id is required',
  })
  @OptionalNullable()
  @TimeEntryFields.id()
  project_id?: number | null;

  @ApiPropertyOptional({ type: 'integer', nullable: true, description: "Defaults to the project's client" })
  @OptionalNullable()
  @TimeEntryFields.id()
  client_id?: number | null;

  @ApiPropertyOptional({ type: 'integer', nullable: true, example: 5, description: 'Must belong to the project' })
  @OptionalNullable()
  @TimeEntryFields.id()
  task_id?: number | null;

  @ApiProperty({ example: '2024-01-15T09:00:00Z', description: 'Naive values are read in APP_TIMEZONE' })
  @TimeEntryFields.dateTime()
  start_time: string;

  @ApiPropertyOptional({
    type: 'string',
    nullable: true,
    example: '2024-01-15T17:00:00Z',
    description: 'Omit to start a running entry (timer)',
  })
  @OptionalNullable()
  @TimeEntryFields.dateTime()
  end_time?: string | null;

  @ApiPropertyOptional({
    type: 'integer',
    default: 0,
    example: 1800,
    description: 'Seconds of break inside the span, less than it; duration_seconds is the span minus the break',
  })
  @Optional()
  @TimeEntryFields.breakSeconds()
  break_seconds?: number;

  @ApiPropertyOptional({ type: 'string', nullable: true, example: 'Worked on feature X' })
  @OptionalNullable()
  @TimeEntryFields.notes()
  notes?: string | null;

  @ApiPropertyOptional({
    type: 'string',
    nullable: true,
    example: 'development,frontend',
    description: 'Comma-separated',
  })
  @OptionalNullable()
  @TimeEntryFields.tags()
  tags?: string | null;

  @ApiPropertyOptional({ default: true })
  @Optional()
  @TimeEntryFields.flag()
  billable?: boolean;

  @ApiPropertyOptional({ default: false })
  @Optional()
  @TimeEntryFields.flag()
  paid?: boolean;

  @ApiPropertyOptional({ type: 'string', nullable: true })
  @OptionalNullable()
  @TimeEntryFields.invoiceNumber()
  invoice_number?: string | null;

  @ApiPropertyOptional({ type: 'integer', description: 'Admins only: book for another user' })
  @Optional()
  @TimeEntryFields.id()
  user_id?: number;
}
