import type { ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import { DomainError } from '../errors/domain-error';
import { cursorParameters, decodeCursor, encodeCursor, toCursorValue } from './cursor';
import { keysetCondition, orderByKeys } from './keyset';
import type { ListOrder } from './list-order';
import type { ListCount } from './list-counter';
import { MAX_PER_PAGE, type PaginationQueryDto } from './pagination-query.dto';

export interface Pagination {
  page: number;
  per_page: number;
  total: number;
  pages: number;
  has_next: boolean;
  has_prev: boolean;
  next_page: number | null;
  prev_page: number | null;
  next_cursor: string | null;
  total_is_estimate: boolean;
}

export type Paginated<K extends string, T> = { [key in K]: T[] } & { pagination: Pagination };

/** One page of a list, as the request asked for it: by number (OFFSET) or after a cursor (keyset). */
export interface PageRequest<Row> {
  order: ListOrder<Row>;
  perPage: number;
  /** Its number: as asked, or for a cursor the page its position falls in. */
  page: number;
  /** Rows before it: the OFFSET of a numbered page, or what the cursor counted. */
  rowsBefore: number;
  /** A cursor's key values as SQL parameters, or null for a numbered page. */
  after: unknown[] | null;
}

/**
 * The page a list query asks for in `order`. `per_page` above the maximum is clamped, not refused.
 * A cursor must be one this API issued for the same list and order: anything else is a validation
 * error on `cursor` (the DTO already refused `page` with `cursor`).
 */
export function pageRequest<Row>(
  query: Pick<PaginationQueryDto, 'page' | 'per_page' | 'cursor'>,
  order: ListOrder<Row>,
): PageRequest<Row> {
  const perPage = Math.min(query.per_page, MAX_PER_PAGE);
  if (query.cursor === undefined) {
    const page = query.page ?? 1;
    return { order, perPage, page, rowsBefore: (page - 1) * perPage, after: null };
  }
  const position = decodeCursor(query.cursor);
  const invalid = (message: string) => DomainError.validation({ cursor: [message] });
  if (position === null) {
    throw invalid('cursor is not one this API issued, or was altered: pass pagination.next_cursor unchanged.');
  }
  if (position.list !== order.list) throw invalid(`cursor belongs to another list (${position.list}).`);
  if (position.sort !== order.signature) {
    throw invalid(`cursor was issued for sort ${position.sort}; this request sorts by ${order.signature}.`);
  }
  const after = cursorParameters(order, position.values);
  if (after === null) throw invalid('cursor does not fit this list: pass pagination.next_cursor unchanged.');
  const page = Math.floor(position.rowsBefore / perPage) + 1;
  return { order, perPage, page, rowsBefore: position.rowsBefore, after };
}

/**
 * Orders `qb` and narrows it to the page, plus one row that tells whether another page follows:
 * a keyset condition after a cursor (its cost does not grow with depth), OFFSET for a numbered page.
 * Only for queries whose joins are all many-to-one (so a row is an entity).
 */
export function inPage<T extends ObjectLiteral, Row>(qb: SelectQueryBuilder<T>, request: PageRequest<Row>) {
  orderByKeys(qb, request.order.keys);
  if (request.after !== null) {
    const { sql, parameters } = keysetCondition(request.order.keys, request.after);
    qb.andWhere(sql, parameters);
  } else if (request.rowsBefore > 0) {
    qb.offset(request.rowsBefore);
  }
  return qb.limit(request.perPage + 1);
}

/**
 * The list envelope `{ <resource>: [...], pagination }` from the rows `inPage` fetched (one more
 * than the page holds when another page follows) and the list's count.
 */
export function paginate<K extends string, Row, T>(
  key: K,
  request: PageRequest<Row>,
  fetched: Row[],
  count: ListCount,
  toItem: (row: Row) => T,
): Paginated<K, T> {
  const { perPage, page, rowsBefore, order } = request;
  const hasNext = fetched.length > perPage;
  const rows = hasNext ? fetched.slice(0, perPage) : fetched;
  const last = rows[rows.length - 1];
  const nextCursor = hasNext
    ? encodeCursor({
        list: order.list,
        sort: order.signature,
        values: order.keys.map((k) => toCursorValue(k, k.value(last))),
        rowsBefore: rowsBefore + rows.length,
      })
    : null;
  // An estimate never claims fewer rows than this page has shown exist.
  const seen = rowsBefore + rows.length + (hasNext ? 1 : 0);
  const total = count.estimate ? Math.max(count.total, seen) : count.total;
  const pages = Math.max(total === 0 ? 0 : Math.ceil(total / perPage), hasNext ? page + 1 : rows.length ? page : 0);
  const hasPrev = rowsBefore > 0;
  return {
    [key]: rows.map((row) => toItem(row)),
    pagination: {
      page,
      per_page: perPage,
      total,
      pages,
      has_next: hasNext,
      has_prev: hasPrev,
      next_page: hasNext ? page + 1 : null,
      prev_page: hasPrev ? Math.max(page - 1, 1) : null,
      next_cursor: nextCursor,
      total_is_estimate: count.estimate,
    },
  } as Paginated<K, T>;
}
