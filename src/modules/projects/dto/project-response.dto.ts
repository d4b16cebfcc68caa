import { ApiProperty } from '@nestjs/swagger';
import { PROJECT_STATUSES, type ProjectStatus } from '../project.entity';

export class ProjectResponseDto {
  @ApiProperty() id: number;
  @ApiProperty() name: string;
  @ApiProperty({ type: 'string', nullable: true }) description: string | null;
  @ApiProperty({ type: 'integer', nullable: true }) client_id: number | null;
  @ApiProperty({ type: 'string', nullable: true, description: 'Client name' }) client: string | null;
  @ApiProperty({ type: 'string', nullable: true }) code: string | null;
  @ApiProperty() billable: boolean;
  @ApiProperty({ type: 'number', nullable: true }) hourly_rate: number | null;
  @ApiProperty({ type: 'number', nullable: true }) estimated_hours: number | null;
  @ApiProperty({ type: 'number', nullable: true }) budget_amount: number | null;
  @ApiProperty({ type: 'string', nullable: true }) color: string | null;
  @ApiProperty({ enum: PROJECT_STATUSES }) status: ProjectStatus;
  @ApiProperty({ type: 'string', nullable: true }) archived_at: string | null;
  @ApiProperty() created_at: string;
  @ApiProperty() updated_at: string;
  @ApiProperty({ description: 'Hours of completed time entries' }) total_hours: number;
  @ApiProperty({ description: 'Hours of completed billable time entries' }) total_billable_hours: number;
}

export class ProjectEnvelopeDto {
  @ApiProperty({ required: false }) message?: string;
  @ApiProperty({ type: ProjectResponseDto }) project: ProjectResponseDto;
}
