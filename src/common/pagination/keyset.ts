import type { ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import type { OrderKey } from './list-order';

/** An SQL condition and its named parameters. */
export interface Condition {
  sql: string;
  parameters: Record<string, unknown>;
}

/** ORDER BY the keys; a nullable key says where its nulls go, so both databases agree. */
export function orderByKeys<T extends ObjectLiteral>(
  qb: SelectQueryBuilder<T>,
  keys: ReadonlyArray<OrderKey<unknown>>,
): SelectQueryBuilder<T> {
  keys.forEach((key, i) => {
    const nulls = key.nullable ? (key.direction === 'ASC' ? 'NULLS LAST' : 'NULLS FIRST') : undefined;
    if (i === 0) qb.orderBy(key.column, key.direction, nulls);
    else qb.addOrderBy(key.column, key.direction, nulls);
  });
  return qb;
}

const TRUE = '1 = 1';
const FALSE = '1 = 0';

/**
 * The rows after the position `values` (one SQL parameter per key) in the order of `keys`.
 *
 * Written as `k1 <= :v1 AND (k1 < :v1 OR k2 < :v2)` (for `k1 DESC, k2 DESC`; nested for more keys)
 * rather than the row value `(k1, k2) < (:v1, :v2)`: the same rows, but it also serves mixed
 * directions and nullable keys, and its leading term is a plain range on the first key, which both
 * databases seek in an index whose columns follow the order (EXPLAIN: PostgreSQL `Index Cond:
 * start_time <= ...` with the ties filtered, SQLite `SEARCH ... (start_time<?)`). So the page after
 * a cursor costs what the first page costs, whatever its depth.
 *
 * When every key goes one way it is the row value `(k1, k2) < (:v1, :v2)` instead: both databases
 * seek the whole position in the index, so a long run of ties on k1 (thousands of entries of one
 * project) is not filtered row by row. Descending, a nullable key fits too (a null is the largest
 * value, already passed, and a row comparison meeting one is not true); ascending it does not.
 */
export function keysetCondition(
  keys: ReadonlyArray<OrderKey<unknown>>,
  values: readonly unknown[],
  prefix = 'keyset',
): Condition {
  const parameters: Record<string, unknown> = {};
  const direction = keys[0].direction;
  const rowValue =
    keys.length > 1 &&
    keys.every((k, i) => k.direction === direction && values[i] !== null && (direction === 'DESC' || !k.nullable));
  if (rowValue) {
    keys.forEach((_key, i) => (parameters[`${prefix}_${i}`] = values[i]));
    const columns = keys.map((k) => k.column).join(', ');
    const names = keys.map((_key, i) => `:${prefix}_${i}`).join(', ');
    return { sql: `((${columns}) ${direction === 'DESC' ? '<' : '>'} (${names}))`, parameters };
  }
  const terms = keys.map((key, i) => {
    const name = `${prefix}_${i}`;
    if (values[i] !== null) parameters[name] = values[i];
    return bounds(key, values[i] === null ? null : `:${name}`);
  });
  // From the last key outwards: rows after on key i, or level on it and after on the keys that follow.
  let sql = terms[terms.length - 1].after;
  for (let i = terms.length - 2; i >= 0; i--) sql = and(terms[i].atOrAfter, or(terms[i].after, sql));
  return { sql: `(${sql})`, parameters };
}

/** A key's terms against one value (`null`: the row had none): strictly after it, and after or level. */
function bounds(key: OrderKey<unknown>, value: string | null): { after: string; atOrAfter: string } {
  const c = key.column;
  const ascending = key.direction === 'ASC';
  // Nulls are the largest value: last ascending, first descending.
  if (value === null) {
    return ascending ? { after: FALSE, atOrAfter: `${c} IS NULL` } : { after: `${c} IS NOT NULL`, atOrAfter: TRUE };
  }
  if (!ascending) return { after: `${c} < ${value}`, atOrAfter: `${c} <= ${value}` };
  if (!key.nullable) return { after: `${c} > ${value}`, atOrAfter: `${c} >= ${value}` };
  return { after: `(${c} > ${value} OR ${c} IS NULL)`, atOrAfter: `(${c} >= ${value} OR ${c} IS NULL)` };
}

function and(a: string, b: string): string {
  if (a === FALSE || b === FALSE) return FALSE;
  if (a === TRUE) return b;
  if (b === TRUE) return a;
  return `${a} AND ${b}`;
}

function or(a: string, b: string): string {
  if (a === TRUE || b === TRUE) return TRUE;
  if (a === FALSE) return b;
  if (b === FALSE) return a;
  return `(${a} OR ${b})`;
}
