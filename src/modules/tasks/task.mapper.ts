import { toIsoUtc, toIsoUtcOrNull } from '../../common/time/iso';
import type { TaskResponseDto } from './dto/task-response.dto';
import { TASK_PRIORITIES, type TaskEntity, type TaskPriority } from './task.entity';

export function priorityName(rank: number): TaskPriority {
  return TASK_PRIORITIES[Math.min(Math.max(rank, 1), 4) - 1];
}

export function priorityRank(priority: TaskPriority): number {
  return TASK_PRIORITIES.indexOf(priority) + 1;
}

/** `total_hours`: hours of the task's completed time entries (from one aggregate query). */
export function toTaskResponse(task: TaskEntity, totalHours = 0): TaskResponseDto {
  return {
    id: task.id,
    project_id: task.projectId,
    project: task.project?.name ?? null,
    name: task.name,
    description: task.description,
    status: task.status,
    priority: priorityName(task.priority),
    assigned_to: task.assignedTo,
    due_date: task.dueDate,
    estimated_hours: task.estimatedHours,
    total_hours: totalHours,
    created_at: toIsoUtc(task.createdAt),
    updated_at: toIsoUtc(task.updatedAt),
    completed_at: toIsoUtcOrNull(task.completedAt),
  };
}
