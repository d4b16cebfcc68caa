import type { DataSource, ObjectLiteral } from 'typeorm';

type Escape = (sql: string, parameters: ObjectLiteral) => [string, unknown[]];

const asInteger = (value: unknown): unknown =>
  typeof value === 'number' && Number.isSafeInteger(value) ? BigInt(value) : value;

/**
 * TypeORM's SQLite driver writes number parameters into the SQL text (`WHERE "id" = 42`), so every
 * id makes a statement of its own: better-sqlite3 parses and plans each one, and TypeORM's FIFO
 * statement cache churns until even the fixed statements are prepared again and again. Integers are
 * bound instead, as BigInt: better-sqlite3 binds those as SQLite INTEGERs, exactly the value the
 * inlined literal was (a JS number would bind as REAL), and the statement text stays the same.
 * Other numbers keep TypeORM's behaviour. PostgreSQL always binds its parameters.
 */
export function bindSqliteIntegers(dataSource: DataSource): void {
  if (dataSource.options.type !== 'better-sqlite3') return;
  const driver = dataSource.driver as unknown as { escapeQueryWithParameters: Escape };
  const escape = driver.escapeQueryWithParameters.bind(driver);
  driver.escapeQueryWithParameters = (sql, parameters) => {
    if (!parameters) return escape(sql, parameters);
    const bound: ObjectLiteral = {};
    for (const [key, value] of Object.entries(parameters)) {
      bound[key] = Array.isArray(value) ? value.map(asInteger) : asInteger(value);
    }
    return escape(sql, bound);
  };
}
