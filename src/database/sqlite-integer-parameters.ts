import type { DataSource, ObjectLiteral } from 'typeorm';

type Escape = (sql: string, parameters: ObjectLiteral) => [string, unknown[]];

/** SQLite's INTEGER is 64-bit: integers inside it bind as INTEGER, as their literal would read. */
const INTEGER_LIMIT = 2 ** 63;

/** A REAL to bind: the driver inlines every JS number, but passes other values through to bind. */
class BoundReal {
  constructor(readonly value: number) {}
}

/** A number as a bound value: an INTEGER (BigInt) or a REAL; NaN and ±Infinity never. */
const bindable = (key: string, value: unknown): unknown => {
  if (typeof value !== 'number') return value;
  if (!Number.isFinite(value)) throw new TypeError(`SQL parameter ${key} is ${value}, not a finite number`);
  return Number.isInteger(value) && Math.abs(value) < INTEGER_LIMIT ? BigInt(value) : new BoundReal(value);
};

/**
 * TypeORM's SQLite driver writes number parameters into the SQL text (`WHERE "id" = 42`), so every
 * id makes a statement of its own: better-sqlite3 parses and plans each one, and TypeORM's FIFO
 * statement cache churns until even the fixed statements are prepared again and again. Numbers are
 * bound instead: integers as BigInt, which better-sqlite3 binds as SQLite INTEGERs, exactly the value
 * the inlined literal was (a JS number would bind as REAL); other numbers as REALs, as their literal
 * was. A non-finite number is refused: inlined, `NaN` read as a column name and `Infinity` too.
 * PostgreSQL always binds its parameters.
 */
export function bindSqliteIntegers(dataSource: DataSource): void {
  if (dataSource.options.type !== 'better-sqlite3') return;
  const driver = dataSource.driver as unknown as { escapeQueryWithParameters: Escape };
  const escape = driver.escapeQueryWithParameters.bind(driver);
  driver.escapeQueryWithParameters = (sql, parameters) => {
    if (!parameters) return escape(sql, parameters);
    const bound: ObjectLiteral = {};
    for (const [key, value] of Object.entries(parameters)) {
      bound[key] = Array.isArray(value) ? value.map((item) => bindable(key, item)) : bindable(key, value);
    }
    const [text, values] = escape(sql, bound);
    return [text, values.map((value) => (value instanceof BoundReal ? value.value : value))];
  };
}
