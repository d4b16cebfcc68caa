import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Optional, OptionalNullable } from '../../../common/validation/validators';
import { TASK_PRIORITIES, TASK_STATUSES, type TaskPriority, type TaskStatus } from '../task.entity';
import { TaskFields } from './task-fields';

export class CreateTaskDto {
  @ApiProperty({ example: 'Implement login feature' })
  @TaskFields.name()
  name: string;

  @ApiPropertyOptional({ type: 'string', nullable: true, example: 'Add user authentication' })
  @OptionalNullable()
  @TaskFields.description()
  description?: string | null;

  @ApiProperty({ example: 1 })
  @TaskFields.projectId()
  project_id: number;

  @ApiPropertyOptional({ enum: TASK_STATUSES, default: 'todo' })
  @Optional()
  @TaskFields.status()
  status?: TaskStatus;

  @ApiPropertyOptional({
    oneOf: [
      { type: 'string', enum: [...TASK_PRIORITIES] },
      { type: 'integer', minimum: 1, maximum: 4 },
    ],
    default: 'medium',
    description: '1 low, 2 medium, 3 high, 4 urgent',
  })
  @Optional()
  @TaskFields.priority()
  priority?: TaskPriority;

  @ApiPropertyOptional({ type: 'integer', nullable: true, description: 'User id' })
  @OptionalNullable()
  @TaskFields.assignedTo()
  assigned_to?: number | null;

  @ApiPropertyOptional({ type: 'string', example: '2026-12-31', nullable: true })
  @OptionalNullable()
  @TaskFields.dueDate()
  due_date?: string | null;

  @ApiPropertyOptional({ type: 'number', nullable: true })
  @OptionalNullable()
  @TaskFields.hours()
  estimated_hours?: number | null;
}
