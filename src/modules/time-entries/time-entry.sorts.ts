import { listSorts, type SortFields } from '../../common/pagination/list-order';
import type { TimeEntryEntity } from './time-entry.entity';

/**
 * The fields the list can be ordered by, when `running` entries (no end, no duration yet) may be
 * among the rows. Each is index-backed for one user's entries (`user_id`, field, `id`) and for an
 * admin's list over everyone's (field, `id`): the page, and the page after a cursor, read a range
 * of an index instead of sorting the table.
 */
function timeEntrySort(running: boolean): SortFields<TimeEntryEntity> {
  return {
    start_time: { column: 'e.start_time', type: 'timestamp', value: (e) => e.startTime },
    end_time: { column: 'e.end_time', type: 'timestamp', nullable: running, value: (e) => e.endTime },
    duration_seconds: {
      column: 'e.duration_seconds',
      type: 'integer',
      nullable: running,
      value: (e) => e.durationSeconds,
    },
    project_id: { column: 'e.project_id', type: 'integer', nullable: true, value: (e) => e.projectId },
    id: { column: 'e.id', type: 'integer', value: (e) => e.id },
  };
}

/**
 * Completed entries (the default list): every one has an end and a duration, so the
 * keyset after a cursor on them is a plain range of the index (ascending, a nullable key's
 * `OR ... IS NULL` would make PostgreSQL filter every row before the cursor instead).
 * Newest first by default: a user's list reads idx_time_entries_user_start_id backwards, an
 * admin's idx_time_entries_start_id.
 */
export const TIME_ENTRY_SORTS = listSorts('time_entries', timeEntrySort(false), '-start_time,-id');

/** With running entries (`include_active`): no end or duration yet, which sorts as the largest value. */
export const TIME_ENTRY_SORTS_WITH_RUNNING = listSorts('time_entries', timeEntrySort(true), '-start_time,-id');
