import { quoteCellOrNull } from '../../../common/csv/spreadsheet-cell';
import { toIsoUtc } from '../../../common/time/iso';
import { formatDuration, roundHours, workedSeconds } from '../time-entry.mapper';
import type { TimeEntryEntity } from '../time-entry.entity';

/**
 * The export's columns (contract §13): the CSV import's (§6), under the names it reads, plus `id`,
 * `user` and `duration_hours`, which the import ignores. `end_time` is what an import reads back;
 * `duration` (worked time) is there for the reader and is ignored next to an end.
 */
export const EXPORT_COLUMNS = [
  'id',
  'user',
  'project_id',
  'project',
  'client_id',
  'client',
  'task_id',
  'task',
  'start_time',
  'end_time',
  'duration',
  'break',
  'duration_hours',
  'notes',
  'tags',
  'billable',
  'paid',
] as const;

/** A cell as both writers take it: text, a number, a flag, or empty. */
export type ExportCell = string | number | boolean | null;

/**
 * One completed entry as a row of EXPORT_COLUMNS. Free text (names, notes, tags) goes through
 * quoteCell, so a spreadsheet never runs it as a formula; the import takes the quote off again.
 * Times are ISO 8601 UTC text, durations `HH:MM:SS` text (what the import reads back).
 */
export function exportRow(entry: TimeEntryEntity): ExportCell[] {
  const end = entry.endTime ?? entry.startTime;
  const seconds = entry.durationSeconds ?? workedSeconds(entry.startTime, end, entry.breakSeconds);
  return [
    entry.id,
    quoteCellOrNull(entry.user?.username ?? null),
    entry.projectId,
    quoteCellOrNull(entry.project?.name ?? null),
    entry.clientId,
    quoteCellOrNull(entry.client?.name ?? null),
    entry.taskId,
    quoteCellOrNull(entry.task?.name ?? null),
    toIsoUtc(entry.startTime),
    toIsoUtc(end),
    formatDuration(seconds),
    formatDuration(entry.breakSeconds),
    roundHours(seconds),
    quoteCellOrNull(entry.notes),
    quoteCellOrNull(entry.tags),
    entry.billable,
    entry.paid,
  ];
}
