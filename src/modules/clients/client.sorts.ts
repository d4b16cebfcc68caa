import { listSorts, type SortFields } from '../../common/pagination/list-order';
import type { ClientEntity } from './client.entity';

/** The fields the list can be ordered by. */
export const CLIENT_SORT: SortFields<ClientEntity> = {
  name: { column: 'c.name', type: 'string', value: (c) => c.name },
  status: { column: 'c.status', type: 'string', value: (c) => c.status },
  created_at: { column: 'c.created_at', type: 'timestamp', value: (c) => c.createdAt },
  updated_at: { column: 'c.updated_at', type: 'timestamp', value: (c) => c.updatedAt },
  id: { column: 'c.id', type: 'integer', value: (c) => c.id },
};

/** By name, then id. */
export const CLIENT_SORTS = listSorts('clients', CLIENT_SORT, 'name,id');
