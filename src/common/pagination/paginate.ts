import type { ObjectLiteral, SelectQueryBuilder } from 'typeorm';
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
}

export type Paginated<K extends string, T> = { [key in K]: T[] } & { pagination: Pagination };

export interface PageWindow {
  page: number;
  perPage: number;
  offset: number;
  limit: number;
}

/** Offset/limit for a query; `per_page` above the maximum is clamped, not refused. */
export function pageWindow(query: Pick<PaginationQueryDto, 'page' | 'per_page'>): PageWindow {
  const perPage = Math.min(query.per_page, MAX_PER_PAGE);
  return { page: query.page, perPage, offset: (query.page - 1) * perPage, limit: perPage };
}

/**
 * The page window as plain OFFSET/LIMIT on the SQL. Only for queries whose joins are all
 * many-to-one (so a row is an entity): TypeORM's skip/take would add a DISTINCT-ids query for nothing.
 */
export function inWindow<T extends ObjectLiteral>(
  qb: SelectQueryBuilder<T>,
  window: PageWindow,
): SelectQueryBuilder<T> {
  return qb.offset(window.offset).limit(window.limit);
}

export function paginationOf(window: PageWindow, total: number): Pagination {
  const pages = total === 0 ? 0 : Math.ceil(total / window.perPage);
  const hasNext = window.page < pages;
  const hasPrev = window.page > 1;
  return {
    page: window.page,
    per_page: window.perPage,
    total,
    pages,
    has_next: hasNext,
    has_prev: hasPrev,
    next_page: hasNext ? window.page + 1 : null,
    prev_page: hasPrev ? window.page - 1 : null,
  };
}

/** The list envelope: `{ <resource>: [...], pagination: {...} }`. */
export function paginate<K extends string, T>(key: K, items: T[], total: number, window: PageWindow): Paginated<K, T> {
  return { [key]: items, pagination: paginationOf(window, total) } as Paginated<K, T>;
}
