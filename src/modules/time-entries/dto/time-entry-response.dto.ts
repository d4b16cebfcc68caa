import { ApiProperty } from '@nestjs/swagger';
import { TIME_ENTRY_SOURCES, type TimeEntrySource } from '../time-entry.entity';

export class TimeEntryResponseDto {
  @ApiProperty() id: number;
  @ApiProperty() user_id: number;
  @ApiProperty({ description: 'Username' }) user: string;
  @ApiProperty({ type: 'integer', nullable: true }) project_id: number | null;
  @ApiProperty({ type: 'string', nullable: true }) project: string | null;
  @ApiProperty({ type: 'integer', nullable: true }) client_id: number | null;
  @ApiProperty({ type: 'string', nullable: true }) client: string | null;
  @ApiProperty({ type: 'integer', nullable: true }) task_id: number | null;
  @ApiProperty({ type: 'string', nullable: true }) task: string | null;
  @ApiProperty({ example: '2024-01-15T09:00:00Z' }) start_time: string;
  @ApiProperty({ type: 'string', nullable: true }) end_time: string | null;
  @ApiProperty({ description: 'Running entries: elapsed so far' }) duration_seconds: number;
  @ApiProperty({ example: 8 }) duration_hours: number;
  @ApiProperty({ example: '08:00:00' }) duration_formatted: string;
  @ApiProperty({ type: 'string', nullable: true }) notes: string | null;
  @ApiProperty({ type: 'string', nullable: true, example: 'development,frontend' }) tags: string | null;
  @ApiProperty({ type: [String] }) tag_list: string[];
  @ApiProperty({ enum: TIME_ENTRY_SOURCES }) source: TimeEntrySource;
  @ApiProperty() billable: boolean;
  @ApiProperty() paid: boolean;
  @ApiProperty({ type: 'string', nullable: true }) invoice_number: string | null;
  @ApiProperty({ description: 'Running (no end_time)' }) is_active: boolean;
  @ApiProperty() created_at: string;
  @ApiProperty() updated_at: string;
}

export class TimeEntryEnvelopeDto {
  @ApiProperty({ required: false }) message?: string;
  @ApiProperty({ type: TimeEntryResponseDto }) time_entry: TimeEntryResponseDto;
}
