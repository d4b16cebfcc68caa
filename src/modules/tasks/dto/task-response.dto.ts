import { ApiProperty } from '@nestjs/swagger';
import { TASK_PRIORITIES, TASK_STATUSES, type TaskPriority, type TaskStatus } from '../task.entity';

export class TaskResponseDto {
  @ApiProperty() id: number;
  @ApiProperty() project_id: number;
  @ApiProperty({ type: 'string', nullable: true, description: 'Project name' }) project: string | null;
  @ApiProperty() name: string;
  @ApiProperty({ type: 'string', nullable: true }) description: string | null;
  @ApiProperty({ enum: TASK_STATUSES }) status: TaskStatus;
  @ApiProperty({ enum: TASK_PRIORITIES }) priority: TaskPriority;
  @ApiProperty({ type: 'integer', nullable: true }) assigned_to: number | null;
  @ApiProperty({ type: 'string', nullable: true, example: '2026-12-31' }) due_date: string | null;
  @ApiProperty({ type: 'number', nullable: true }) estimated_hours: number | null;
  @ApiProperty() total_hours: number;
  @ApiProperty() created_at: string;
  @ApiProperty() updated_at: string;
  @ApiProperty({ type: 'string', nullable: true }) completed_at: string | null;
}

export class TaskEnvelopeDto {
  @ApiProperty({ required: false }) message?: string;
  @ApiProperty({ type: TaskResponseDto }) task: TaskResponseDto;
}
