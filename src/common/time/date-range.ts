import { DomainError } from '../errors/domain-error';
import { parseInstant } from './parse-instant';

export const DAY_MS = 86_400_000;

/**
 * The instants a stored timestamp can hold: years 0001 to 9999 in UTC. Beyond them SQLite would
 * store text that neither sorts nor reads back as a date (`10000-01-01 ...` sorts first).
 */
export const EARLIEST_STORABLE_MS = Date.parse('0001-01-01T00:00:00.000Z');
export const LATEST_STORABLE_MS = Date.parse('9999-12-31T23:59:59.999Z');

/** A query or body timestamp (naive values in `timeZone`); a 400 naming `field` when unreadable. */
export function instantOf(text: string, timeZone: string, field: string): Date {
  const parsed = parseInstant(text, timeZone);
  if (!parsed) throw DomainError.validation({ [field]: [`${field} must be an ISO 8601 date or date-time`] });
  return parsed.date;
}

/**
 * The exclusive upper bound of an inclusive end filter: a date-only value covers that whole day
 * (contract §1); a date-time includes that very instant.
 */
export function exclusiveEnd(text: string, timeZone: string, field: string): Date {
  const end = instantOf(text, timeZone, field);
  const exclusive = /^\d{4}-\d{2}-\d{2}$/.test(text.trim()) ? end.getTime() + DAY_MS : end.getTime() + 1;
  // An end filter past the last storable instant is clamped to it.
  return new Date(Math.min(exclusive, LATEST_STORABLE_MS));
}

/** The last instant before an exclusive bound, for reporting a range back (`...T23:59:59Z`). */
export function lastInstantBefore(exclusive: Date): Date {
  return new Date(exclusive.getTime() - 1);
}
