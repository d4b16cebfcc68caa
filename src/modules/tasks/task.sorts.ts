import { listSorts, type SortFields } from '../../common/pagination/list-order';
import type { TaskEntity } from './task.entity';

/** The fields the list can be ordered by. */
export const TASK_SORT: SortFields<TaskEntity> = {
  priority: { column: 't.priority', type: 'integer', value: (t) => t.priority },
  due_date: { column: 't.due_date', type: 'date', nullable: true, value: (t) => t.dueDate },
  name: { column: 't.name', type: 'string', value: (t) => t.name },
  status: { column: 't.status', type: 'string', value: (t) => t.status },
  created_at: { column: 't.created_at', type: 'timestamp', value: (t) => t.createdAt },
  updated_at: { column: 't.updated_at', type: 'timestamp', value: (t) => t.updatedAt },
  id: { column: 't.id', type: 'integer', value: (t) => t.id },
};

/** Stable order: priority (urgent first), due date (none last), id. */
export const TASK_SORTS = listSorts('tasks', TASK_SORT, '-priority,due_date,id');
