import { listSorts, type SortFields } from '../../common/pagination/list-order';
import type { ProjectEntity } from './project.entity';

/** The fields the list can be ordered by. */
export const PROJECT_SORT: SortFields<ProjectEntity> = {
  name: { column: 'p.name', type: 'string', value: (p) => p.name },
  code: { column: 'p.code', type: 'string', nullable: true, value: (p) => p.code },
  status: { column: 'p.status', type: 'string', value: (p) => p.status },
  created_at: { column: 'p.created_at', type: 'timestamp', value: (p) => p.createdAt },
  updated_at: { column: 'p.updated_at', type: 'timestamp', value: (p) => p.updatedAt },
  id: { column: 'p.id', type: 'integer', value: (p) => p.id },
};

/** By name, then id. */
export const PROJECT_SORTS = listSorts('projects', PROJECT_SORT, 'name,id');
