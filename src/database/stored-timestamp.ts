/** A timestamp column as the driver returns it in a raw row: a Date from pg, text from SQLite. */
export type StoredTimestamp = Date | string;

const HAS_ZONE = /(?:[zZ]|[+-]\d\d:?\d\d)$/;

/**
 * The instant of a raw timestamp. SQLite holds the UTC text TypeORM writes
 * (`2024-01-15 09:00:00.000`, no zone); text that names its zone is read as written.
 */
export function fromStoredTimestamp(value: StoredTimestamp): Date {
  if (value instanceof Date) return value;
  const iso = value.replace(' ', 'T');
  return new Date(HAS_ZONE.test(iso) ? iso : `${iso}Z`);
}

/** The text TypeORM writes for a timestamp in SQLite: UTC, `2024-01-15 09:00:00.000`. */
export function toSqliteTimestamp(date: Date): string {
  return date.toISOString().replace('T', ' ').replace('Z', '');
}
