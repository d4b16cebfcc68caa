import { ApiPropertyOptional } from '@nestjs/swagger';
import { Optional, OptionalNullable } from '../../../common/validation/validators';
import { PROJECT_STATUSES, type ProjectStatus } from '../project.entity';
import { ProjectFields } from './project-fields';

/** PUT and PATCH alike: only the fields sent change; `null` clears an optional field. */
export class UpdateProjectDto {
  @ApiPropertyOptional({ example: 'Updated Project' })
  @Optional()
  @ProjectFields.name()
  name?: string;

  @ApiPropertyOptional({ type: 'string', nullable: true })
  @OptionalNullable()
  @ProjectFields.description()
  description?: string | null;

  @ApiPropertyOptional({ type: 'integer', nullable: true })
  @OptionalNullable()
  @ProjectFields.clientId()
  client_id?: number | null;

  @ApiPropertyOptional({ type: 'string', nullable: true })
  @OptionalNullable()
  @ProjectFields.code()
  code?: string | null;

  @ApiPropertyOptional()
  @Optional()
  @ProjectFields.billable()
  billable?: boolean;

  @ApiPropertyOptional({ type: 'number', nullable: true })
  @OptionalNullable()
  @ProjectFields.amount()
  hourly_rate?: number | null;

  @ApiPropertyOptional({ type: 'number', nullable: true })
  @OptionalNullable()
  @ProjectFields.hours()
  estimated_hours?: number | null;

  @ApiPropertyOptional({ type: 'number', nullable: true })
  @OptionalNullable()
  @ProjectFields.amount()
  budget_amount?: number | null;

  @ApiPropertyOptional({ type: 'string', nullable: true })
  @OptionalNullable()
  @ProjectFields.color()
  color?: string | null;

  @ApiPropertyOptional({
    enum: PROJECT_STATUSES,
    description: '"archived" sets archived_at; leaving it clears archived_at',
  })
  @Optional()
  @ProjectFields.status()
  status?: ProjectStatus;
}
