import { ApiPropertyOptional } from '@nestjs/swagger';
import { Optional, OptionalNullable } from '../../../common/validation/validators';
import { TASK_PRIORITIES, TASK_STATUSES, type TaskPriority, type TaskStatus } from '../task.entity';
import { TaskFields } from './task-fields';

/** PUT and PATCH alike: only the fields sent change; `null` clears an optional field. */
export class UpdateTaskDto {
  @ApiPropertyOptional({ example: 'Implement login feature' })
  @Optional()
  @TaskFields.name()
  name?: string;

  @ApiPropertyOptional({ type: 'string', nullable: true })
  @OptionalNullable()
  @TaskFields.description()
  description?: string | null;

  @ApiPropertyOptional({ type: 'integer' })
  @Optional()
  @TaskFields.projectId()
  project_id?: number;

  @ApiPropertyOptional({ enum: TASK_STATUSES, description: 'done sets completed_at; leaving done clears it' })
  @Optional()
  @TaskFields.status()
  status?: TaskStatus;

  @ApiPropertyOptional({
    oneOf: [
      { type: 'string', enum: [...TASK_PRIORITIES] },
      { type: 'integer', minimum: 1, maximum: 4 },
    ],
  })
  @Optional()
  @TaskFields.priority()
  priority?: TaskPriority;

  @ApiPropertyOptional({ type: 'integer', nullable: true })
  @OptionalNullable()
  @TaskFields.assignedTo()
  assigned_to?: number | null;

  @ApiPropertyOptional({ type: 'string', nullable: true })
  @OptionalNullable()
  @TaskFields.dueDate()
  due_date?: string | null;

  @ApiPropertyOptional({ type: 'number', nullable: true })
  @OptionalNullable()
  @TaskFields.hours()
  estimated_hours?: number | null;
}
