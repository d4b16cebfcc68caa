import { listSorts, type SortFields } from '../../common/pagination/list-order';
import type { ApiTokenEntity } from './api-token.entity';

/** The fields the list can be ordered by. */
export const API_TOKEN_SORT: SortFields<ApiTokenEntity> = {
  name: { column: 't.name', type: 'string', value: (t) => t.name },
  created_at: { column: 't.created_at', type: 'timestamp', value: (t) => t.createdAt },
  expires_at: { column: 't.expires_at', type: 'timestamp', nullable: true, value: (t) => t.expiresAt },
  last_used_at: { column: 't.last_used_at', type: 'timestamp', nullable: true, value: (t) => t.lastUsedAt },
  id: { column: 't.id', type: 'integer', value: (t) => t.id },
};

/** Newest first. */
export const API_TOKEN_SORTS = listSorts('api_tokens', API_TOKEN_SORT, '-created_at,-id');
