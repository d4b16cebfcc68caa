import { Inject, Injectable } from '@nestjs/common';
import type { ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '../../config/app-config';

/** A list's `total`: exact, or an estimate once it passes the cap. */
export interface ListCount {
  total: number;
  estimate: boolean;
}

/**
 * Counts a list's rows, reading at most `listCountCap` + 1 of them: `COUNT(*)` over the query
 * limited to that many, so a count costs the same for a user with 10k entries as for an admin over
 * 10M. Up to the cap the count is exact; past it `total` is an estimate (`total_is_estimate`):
 * PostgreSQL's planner estimate for the filtered query (from its statistics, no rows read), and on
 * SQLite, which keeps no such statistics, the cap itself (read it as "at least").
 */
@Injectable()
export class ListCounter {
  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  /** `qb`: the list's filtered query (its ORDER BY, LIMIT and selection are dropped). */
  async count<T extends ObjectLiteral>(qb: SelectQueryBuilder<T>): Promise<ListCount> {
    const cap = this.config.listCountCap;
    const rows = qb.clone().select('1', 'one').orderBy().offset(undefined).limit(undefined);
    const [sql, parameters] = rows
      .clone()
      .limit(cap + 1)
      .getQueryAndParameters();
    const counted = await qb.dataSource.query<Array<{ n: number | string }>>(
      `SELECT COUNT(*) AS n FROM (${sql}) capped`,
      parameters,
    );
    const exact = Number(counted[0].n);
    if (exact <= cap) return { total: exact, estimate: false };
    if (qb.dataSource.options.type !== 'postgres') return { total: cap, estimate: true };
    const [plain, plainParameters] = rows.getQueryAndParameters();
    const plan = await qb.dataSource.query<Array<{ 'QUERY PLAN': unknown }>>(
      `EXPLAIN (FORMAT JSON) ${plain}`,
      plainParameters,
    );
    return { total: Math.max(planRows(plan[0]['QUERY PLAN']), cap + 1), estimate: true };
  }
}

/** The top node's row estimate of an `EXPLAIN (FORMAT JSON)` result (pg parses json; text is parsed here). */
function planRows(queryPlan: unknown): number {
  const parsed = (typeof queryPlan === 'string' ? JSON.parse(queryPlan) : queryPlan) as Array<{
    Plan: { 'Plan Rows': number };
  }>;
  return Math.round(parsed[0].Plan['Plan Rows']);
}
