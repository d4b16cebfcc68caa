import { toIsoUtc } from '../../common/time/iso';
import { fromStoredTimestamp } from '../../database/stored-timestamp';
import type { ChangeRow } from './changes.repository';

/** One change on the wire; `cursor` is the position right after it. */
export function toChangeResponse(row: ChangeRow, cursor: string) {
  return {
    cursor,
    type: row.type,
    id: Number(row.resource_id),
    action: row.action,
    changed_at: toIsoUtc(fromStoredTimestamp(row.changed_at)),
    actor: row.actor_id === null ? null : { id: Number(row.actor_id), username: row.actor_username ?? '' },
    data: row.data === null ? null : (JSON.parse(row.data) as Record<string, unknown>),
  };
}
