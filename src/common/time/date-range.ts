import { DomainError } from '../errors/domain-error';
import { parseInstant } from './parse-instant';

export const DAY_MS = 86_400_000;

/**
 * The last instant a stored timestamp can hold (entries stay within years 0001-9999). An end
 * filter past it is clamped: SQLite stores timestamps as text, where year 10000 sorts first.
 */
export const LAST_STORABLE_INSTANT = new Date(Date.UTC(9999, 11, 31, 23, 59, 59, 999));

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
  return new Date(Math.min(exclusive, LAST_STORABLE_INSTANT.getTime()));
}

/** The last instant before an exclusive bound, for reporting a range back (`...T23:59:59Z`). */
export function lastInstantBefore(exclusive: Date): Date {
  return new Date(exclusive.getTime() - 1);
}
