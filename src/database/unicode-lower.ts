import type { DataSourceOptions } from 'typeorm';

/**
 * SQLite's LOWER() and LIKE fold ASCII letters only (`LOWER('ÄÖ')` is `'ÄÖ'`), so a search for
 * `äö` would miss `ÄÖ`. Each SQLite connection gets `unicode_lower`, JavaScript's toLowerCase: the
 * same folding the pattern gets (`containsPattern`), with no ICU build of SQLite and no extra column.
 * PostgreSQL's LOWER() already folds every script (per the database's LC_CTYPE, UTF-8 here).
 */
export const SQLITE_UNICODE_LOWER = 'unicode_lower';

export interface SqliteFunctions {
  function(name: string, options: { deterministic?: boolean }, fn: (value: unknown) => unknown): unknown;
}

export function registerUnicodeLower(sqlite: SqliteFunctions): void {
  sqlite.function(SQLITE_UNICODE_LOWER, { deterministic: true }, (value) =>
    typeof value === 'string' ? value.toLowerCase() : value,
  );
}

/** The SQL function that lower-cases any script on this kind of database. */
export function unicodeLowerFunction(type: DataSourceOptions['type']): string {
  return type === 'better-sqlite3' ? SQLITE_UNICODE_LOWER : 'LOWER';
}
