import { listSorts, type SortFields } from '../../common/pagination/list-order';
import type { UserEntity } from './user.entity';

/** The fields the list can be ordered by. */
export const USER_SORT: SortFields<UserEntity> = {
  username: { column: 'u.username', type: 'string', value: (u) => u.username },
  created_at: { column: 'u.created_at', type: 'timestamp', value: (u) => u.createdAt },
  last_login_at: { column: 'u.last_login_at', type: 'timestamp', nullable: true, value: (u) => u.lastLoginAt },
  id: { column: 'u.id', type: 'integer', value: (u) => u.id },
};

/** By id. */
export const USER_SORTS = listSorts('users', USER_SORT, 'id');
