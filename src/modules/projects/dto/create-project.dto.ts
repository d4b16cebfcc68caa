import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Optional, OptionalNullable } from '../../../common/validation/validators';
import { PROJECT_STATUSES, type ProjectStatus } from '../project.entity';
import { ProjectFields } from './project-fields';

export class CreateProjectDto {
  @ApiProperty({ example: 'New Project' })
  @ProjectFields.name()
  name: string;

  @ApiPropertyOptional({ type: 'string', nullable: true, example: 'Project description' })
  @OptionalNullable()
  @ProjectFields.description()
  description?: string | null;

  @ApiPropertyOptional({ type: 'integer', nullable: true, example: 5, description: 'Must name an existing client' })
  @OptionalNullable()
  @ProjectFields.clientId()
  client_id?: number | null;

  @ApiPropertyOptional({ type: 'string', nullable: true, example: 'WEB', description: 'Stored upper-cased; unique' })
  @OptionalNullable()
  @ProjectFields.code()
  code?: string | null;

  @ApiPropertyOptional({ default: true })
  @Optional()
  @ProjectFields.billable()
  billable?: boolean;

  @ApiPropertyOptional({ type: 'number', nullable: true, example: 75.0 })
  @OptionalNullable()
  @ProjectFields.amount()
  hourly_rate?: number | null;

  @ApiPropertyOptional({ type: 'number', nullable: true, example: 100 })
  @OptionalNullable()
  @ProjectFields.hours()
  estimated_hours?: number | null;

  @ApiPropertyOptional({ type: 'number', nullable: true, example: 12000 })
  @OptionalNullable()
  @ProjectFields.amount()
  budget_amount?: number | null;

  @ApiPropertyOptional({ type: 'string', nullable: true, example: '#3b82f6' })
  @OptionalNullable()
  @ProjectFields.color()
  color?: string | null;

  @ApiPropertyOptional({ enum: PROJECT_STATUSES, default: 'active' })
  @Optional()
  @ProjectFields.status()
  status?: ProjectStatus;
}
