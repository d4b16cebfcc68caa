import { entityTag } from '../../common/http/conditional';
import { toIsoUtc, toIsoUtcOrNull } from '../../common/time/iso';
import type { ChangeRecord } from '../changes/change-log';
import type { ChangeAction } from '../changes/change.entity';
import type { TimeEntryResponseDto } from './dto/time-entry-response.dto';
import type { TimeEntryEntity } from './time-entry.entity';

export function tagList(tags: string | null): string[] {
  return tags
    ? tags
        .split(',')
        .map((t) => t.trim())
        .filter(Boolean)
    : [];
}

/** Trimmed, de-duplicated, comma-joined; null when empty. */
export function normaliseTags(tags: string | string[] | null | undefined): string | null {
  const list = [...new Set((Array.isArray(tags) ? tags : tagList(tags ?? null)).map((t) => t.trim()).filter(Boolean))];
  return list.length ? list.join(',') : null;
}

export function formatDuration(seconds: number): string {
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  return [h, m, s].map((n) => String(n).padStart(2, '0')).join(':');
}

export const roundHours = (seconds: number) => Math.round((seconds / 3600) * 100) / 100;

/** Whole seconds between start and end (never negative). */
export function durationBetween(start: Date, end: Date): number {
  return Math.max(0, Math.floor((end.getTime() - start.getTime()) / 1000));
}

/** Worked time (contract §12): the span's whole seconds minus the break, never negative. */
export function workedSeconds(start: Date, end: Date, breakSeconds: number): number {
  return Math.max(0, durationBetween(start, end) - breakSeconds);
}

/**
 * What the entry's ETag hashes: its GET body, except that a running entry's duration, which grows
 * every second while `start_time` and `is_active` already say it, is left out. Otherwise a client
 * could never edit a running entry with the tag it read a second ago.
 */
export function timeEntryTagSource(entry: TimeEntryEntity): { time_entry: unknown } {
  const body = toTimeEntryResponse(entry);
  if (!body.is_active) return { time_entry: body };
  return { time_entry: { ...body, duration_seconds: null, duration_hours: null, duration_formatted: null } };
}

export function timeEntryTag(entry: TimeEntryEntity): string {
  return entityTag(timeEntryTagSource(entry));
}

export function toTimeEntryResponse(entry: TimeEntryEntity, now = new Date()): TimeEntryResponseDto {
  // A running entry has worked until now, a paused one until its pause.
  const seconds = entry.endTime
    ? (entry.durationSeconds ?? workedSeconds(entry.startTime, entry.endTime, entry.breakSeconds))
    : workedSeconds(entry.startTime, entry.pausedAt ?? now, entry.breakSeconds);
  return {
    id: entry.id,
    user_id: entry.userId,
    user: entry.user?.username ?? '',
    project_id: entry.projectId,
    project: entry.project?.name ?? null,
    client_id: entry.clientId,
    client: entry.client?.name ?? null,
    task_id: entry.taskId,
    task: entry.task?.name ?? null,
    start_time: toIsoUtc(entry.startTime),
    end_time: toIsoUtcOrNull(entry.endTime),
    duration_seconds: seconds,
    duration_hours: roundHours(seconds),
    duration_formatted: formatDuration(seconds),
    break_seconds: entry.breakSeconds,
    paused: entry.pausedAt !== null,
    paused_at: toIsoUtcOrNull(entry.pausedAt),
    notes: entry.notes,
    tags: entry.tags,
    tag_list: tagList(entry.tags),
    source: entry.source,
    billable: entry.billable,
    paid: entry.paid,
    invoice_number: entry.invoiceNumber,
    is_active: entry.endTime === null,
    created_at: toIsoUtc(entry.createdAt),
    updated_at: toIsoUtc(entry.updatedAt),
  };
}

/**
 * The changes feed's record of a write to `entry` (ChangeLog): its GET body (`data` when the caller
 * has mapped it already), null once deleted, shown to its owner and admins.
 */
export function timeEntryChange(
  entry: TimeEntryEntity,
  action: ChangeAction,
  data?: TimeEntryResponseDto,
): ChangeRecord {
  return {
    type: 'time_entry',
    id: entry.id,
    action,
    data: action === 'deleted' ? null : (data ?? toTimeEntryResponse(entry)),
    ownerId: entry.userId,
  };
}
