import { ApiProperty } from '@nestjs/swagger';
import { CLIENT_STATUSES, type ClientStatus } from '../client.entity';

export class ClientResponseDto {
  @ApiProperty() id: number;
  @ApiProperty() name: string;
  @ApiProperty({ type: 'string', nullable: true }) email: string | null;
  @ApiProperty({ type: 'string', nullable: true }) company: string | null;
  @ApiProperty({ type: 'string', nullable: true }) phone: string | null;
  @ApiProperty({ type: 'string', nullable: true }) address: string | null;
  @ApiProperty({ type: 'string', nullable: true }) contact_person: string | null;
  @ApiProperty({ type: 'string', nullable: true }) description: string | null;
  @ApiProperty({ type: 'number', nullable: true }) default_hourly_rate: number | null;
  @ApiProperty({ enum: CLIENT_STATUSES }) status: ClientStatus;
  @ApiProperty() total_projects: number;
  @ApiProperty() active_projects: number;
  @ApiProperty() created_at: string;
  @ApiProperty() updated_at: string;
}

export class ClientEnvelopeDto {
  @ApiProperty({ required: false }) message?: string;
  @ApiProperty({ type: ClientResponseDto }) client: ClientResponseDto;
}
