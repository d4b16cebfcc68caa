import type { EntityManager } from 'typeorm';
import { toSqliteTimestamp } from './stored-timestamp';

/** A column of rows sent from memory: its name in SQL, and its type on PostgreSQL. */
export interface RowsColumn {
  name: string;
  pgType: 'int' | 'timestamptz' | 'text';
}

export type RowValue = number | Date | string | null;

/** Rows per statement on SQLite: a few parameters each stays far under its 32,766 limit. */
export const SQLITE_ROWS_PER_STATEMENT = 500;

/**
 * Runs `statement` once for many rows held in memory, instead of once per row: the rows become a
 * relation named `alias` with the given columns, for an `UPDATE ... FROM <relation>`. PostgreSQL
 * takes them all as one array per column (unnest), so the text is the same for any count; SQLite
 * as a VALUES list, SQLITE_ROWS_PER_STATEMENT rows a statement. `statement` must take no other
 * parameters. Dates are bound as each database stores them (SQLite: TypeORM's UTC text).
 */
export async function withRowsRelation(
  manager: EntityManager,
  alias: string,
  columns: readonly RowsColumn[],
  rows: ReadonlyArray<readonly RowValue[]>,
  statement: (relation: string) => string,
): Promise<unknown[]> {
  if (rows.length === 0) return [];
  const names = columns.map((c) => c.name);
  if (manager.connection.options.type === 'postgres') {
    const arrays = columns.map((c, i) => `$${i + 1}::${c.pgType}[]`).join(', ');
    const parameters = columns.map((_, i) => rows.map((row) => row[i]));
    return asRows(await manager.query(statement(`unnest(${arrays}) AS ${alias}(${names.join(', ')})`), parameters));
  }
  // SQLite names a VALUES list's columns column1, column2...
  const select = names.map((name, i) => `column${i + 1} AS ${name}`).join(', ');
  const row = `(${names.map(() => '?').join(', ')})`;
  const returned: unknown[] = [];
  for (let start = 0; start < rows.length; start += SQLITE_ROWS_PER_STATEMENT) {
    const chunk = rows.slice(start, start + SQLITE_ROWS_PER_STATEMENT);
    const relation = `(SELECT ${select} FROM (VALUES ${chunk.map(() => row).join(', ')})) AS ${alias}`;
    const result: unknown = await manager.query(
      statement(relation),
      chunk.flatMap((values) => values.map(sqliteValue)),
    );
    returned.push(...asRows(result));
  }
  return returned;
}

/** The rows a statement's RETURNING clause gave (none for a plain write). */
function asRows(result: unknown): unknown[] {
  return Array.isArray(result) ? (result as unknown[]) : [];
}

/** better-sqlite3 binds a JS number as REAL, a BigInt as INTEGER; a date as the text TypeORM writes. */
function sqliteValue(value: RowValue): RowValue | bigint {
  if (value instanceof Date) return toSqliteTimestamp(value);
  return typeof value === 'number' && Number.isSafeInteger(value) ? BigInt(value) : value;
}
