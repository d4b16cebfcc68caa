import { DomainError } from '../errors/domain-error';

/** How an order key's value travels in a cursor and binds as an SQL parameter. */
export type KeyType = 'integer' | 'number' | 'string' | 'timestamp' | 'date' | 'boolean';

/** A field a list can be ordered by. */
export interface SortField<Row> {
  /** The SQL expression in the list's query, e.g. `e.start_time`. */
  column: string;
  type: KeyType;
  /**
   * Nulls sort as the largest value (last ascending, first descending: PostgreSQL's default), on
   * both databases, because the ORDER BY and the keyset condition both say so explicitly.
   */
  nullable?: boolean;
  /** The field's value in a fetched row (a Date for timestamps). */
  value(row: Row): unknown;
}

/** The fields a list can be ordered by; `id`, unique, is the last tie-break of every order. */
export type SortFields<Row> = Readonly<Record<string, SortField<Row>>> & { readonly id: SortField<Row> };

export type Direction = 'ASC' | 'DESC';

export interface OrderKey<Row> extends SortField<Row> {
  field: string;
  direction: Direction;
}

/** A total order of one list: what its ORDER BY, keyset condition and cursors are made of. */
export interface ListOrder<Row> {
  /** The list's name, carried by its cursors (a cursor of another list is refused). */
  list: string;
  keys: ReadonlyArray<OrderKey<Row>>;
  /** The canonical sort (`-start_time,-id`), carried by cursors (one of another sort is refused). */
  signature: string;
}

/**
 * The order `spec` names: a comma list of fields, `-` before a field for descending
 * (`-start_time,project_id`). `id` ends every order, so no two rows tie and pages never repeat or
 * skip a row; when `spec` leaves it out it is appended in the direction of the last field. An
 * unknown or repeated field is a validation error on `sort`.
 */
export function listOrder<Row>(list: string, fields: SortFields<Row>, spec: string): ListOrder<Row> {
  const keys: Array<OrderKey<Row>> = [];
  const problems: string[] = [];
  for (const part of spec.split(',').map((p) => p.trim())) {
    const descending = part.startsWith('-');
    const field = descending ? part.slice(1) : part;
    if (!Object.hasOwn(fields, field)) {
      problems.push(`Unknown sort field '${field}'; one of ${Object.keys(fields).join(', ')}.`);
    } else if (keys.some((k) => k.field === field)) {
      problems.push(`Sort field '${field}' is repeated.`);
    } else {
      keys.push({ ...fields[field], field, direction: descending ? 'DESC' : 'ASC' });
    }
  }
  if (problems.length > 0) throw DomainError.validation({ sort: problems });
  if (!keys.some((k) => k.field === 'id')) {
    keys.push({ ...fields.id, field: 'id', direction: keys.length ? keys[keys.length - 1].direction : 'ASC' });
  }
  // Keys after the unique id never decide anything.
  const decisive = keys.slice(0, keys.findIndex((k) => k.field === 'id') + 1);
  return {
    list,
    keys: decisive,
    signature: decisive.map((k) => `${k.direction === 'DESC' ? '-' : ''}${k.field}`).join(','),
  };
}

/** A list's sortable fields and its documented default order. */
export interface ListSorts<Row> {
  list: string;
  /** The field names `sort` may use, in the order the docs list them. */
  fields: readonly string[];
  /** The default `sort` (`-start_time,-id`). */
  defaultSort: string;
  /** The order a request's `sort` names; without one, the default. */
  order(sort: string | undefined): ListOrder<Row>;
}

/** The sorts of one list: `defaultSort` when a request names none, else what `sort` names. */
export function listSorts<Row>(list: string, fields: SortFields<Row>, defaultSort: string): ListSorts<Row> {
  const fallback = listOrder(list, fields, defaultSort);
  return {
    list,
    fields: Object.keys(fields),
    defaultSort,
    order: (sort) => (sort === undefined ? fallback : listOrder(list, fields, sort)),
  };
}
