import { DomainError } from '../errors/domain-error';
import { parseInstant } from './parse-instant';

export const DAY_MS = 86_400_000;

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
  return /^\d{4}-\d{2}-\d{2}$/.test(text.trim()) ? new Date(end.getTime() + DAY_MS) : new Date(end.getTime() + 1);
}

/** The last instant before an exclusive bound, for reporting a range back (`...T23:59:59Z`). */
export function lastInstantBefore(exclusive: Date): Date {
  return new Date(exclusive.getTime() - 1);
}
