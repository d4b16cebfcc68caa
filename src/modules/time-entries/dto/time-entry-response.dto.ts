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
  @ApiProperty({ description: 'Worked time: the span minus break_seconds (running entries: so far)' })
  duration_seconds: number;
  @ApiProperty({ example: 8 }) duration_hours: number;
  @ApiProperty({ example: '08:00:00' }) duration_formatted: string;
  @ApiProperty({ example: 0, description: 'Seconds of break inside the span (timer pauses, or set by hand)' })
  break_seconds: number;
  @ApiProperty({ description: 'A running timer that is paused' }) paused: boolean;
  @ApiProperty({ type: 'string', nullable: true, description: 'When the timer was paused' }) paused_at: string | null;
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
