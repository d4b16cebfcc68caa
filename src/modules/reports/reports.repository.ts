import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { TransactionService } from '../../database/transaction.service';

export interface SummaryFilter {
  from: Date;
  /** Exclusive. */
  to: Date;
  userId?: number;
  projectId?: number;
}

export interface Totals {
  seconds: number;
  billableSeconds: number;
  entries: number;
}

export interface Group extends Totals {
  id: number;
  name: string;
}

/** Which filters a summary has: the statement's text depends only on these. */
export interface SummaryShape {
  user: boolean;
  project: boolean;
  withUsers: boolean;
}

export interface Summary {
  totals: Totals;
  /** Per project (entries without a project are in the totals only), most hours first. */
  byProject: Group[];
  /** Per user, most hours first; only when asked for. */
  byUser: Group[] | null;
}

/** Which aggregate a row of the summary statement belongs to. */
const Kind = { Total: 0, Project: 1, User: 2 } as const;

interface SummaryRow {
  kind: number | string;
  id: number | string | null;
  name: string | null;
  seconds: number | string | null;
  billable: number | string | null;
  entries: number | string;
}

const AGGREGATES =
  'SUM(e.duration_seconds) AS seconds, ' +
  'SUM(CASE WHEN e.billable THEN e.duration_seconds ELSE 0 END) AS billable, COUNT(*) AS entries';
const SUMS = 'SUM(f.seconds) AS seconds, SUM(f.billable) AS billable, SUM(f.entries) AS entries';

/**
 * Aggregates over completed entries by start_time, all in SQL, in one statement per report that
 * reads the range once: the entries are first summed by (project, user) id, in one hash
 * aggregate (parallel on PostgreSQL) into a few rows per project; the totals, per-project and
 * per-user groups are sums of those rows, and names are joined to the few groups last. Grouping
 * the entries by name as well (joined first) sorted every entry of the range, spilling to disk
 * at 500k (EXPLAIN figures: issue 45). PostgreSQL rolls the groups up with GROUPING SETS,
 * SQLite (none) with a UNION ALL over the materialised sums. The statement text depends only on
 * which filters are present, so it is built once per shape.
 */
@Injectable()
export class ReportsRepository {
  private readonly statements = new Map<string, string>();

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly transactions: TransactionService,
  ) {}

  async summary(filter: SummaryFilter, withUsers: boolean): Promise<Summary> {
    const shape: SummaryShape = {
      user: filter.userId !== undefined,
      project: filter.projectId !== undefined,
      withUsers,
    };
    const where: unknown[] = [this.transactions.timestamp(filter.from), this.transactions.timestamp(filter.to)];
    if (shape.user) where.push(filter.userId);
    if (shape.project) where.push(filter.projectId);
    const rows = await this.dataSource.query<SummaryRow[]>(this.statement(shape), where);
    const summary: Summary = {
      totals: { seconds: 0, billableSeconds: 0, entries: 0 },
      byProject: [],
      byUser: withUsers ? [] : null,
    };
    for (const row of rows) {
      const totals: Totals = {
        seconds: Number(row.seconds ?? 0),
        billableSeconds: Number(row.billable ?? 0),
        entries: Number(row.entries),
      };
      const kind = Number(row.kind);
      if (kind === Kind.Total) summary.totals = totals;
      else if (kind === Kind.Project) summary.byProject.push({ id: Number(row.id), name: row.name ?? '', ...totals });
      else summary.byUser?.push({ id: Number(row.id), name: row.name ?? '', ...totals });
    }
    return summary;
  }

  /** The statement for a filter shape, with `$n` (PostgreSQL) or `?` placeholders: for benchmarks to run directly. */
  statementFor(shape: SummaryShape): string {
    return this.statement(shape);
  }

  private statement(shape: SummaryShape): string {
    const cacheKey = `${+shape.user}${+shape.project}${+shape.withUsers}`;
    let statement = this.statements.get(cacheKey);
    if (statement === undefined) {
      const conditions = ['e.end_time IS NOT NULL', 'e.start_time >= ?', 'e.start_time < ?'];
      if (shape.user) conditions.push('e.user_id = ?');
      if (shape.project) conditions.push('e.project_id = ?');
      const byIds =
        `SELECT e.project_id, e.user_id, ${AGGREGATES} FROM time_entries e ` +
        `WHERE ${conditions.join(' AND ')} GROUP BY e.project_id, e.user_id`;
      const groups = this.transactions.isPostgres
        ? groupingSets(byIds, shape.withUsers)
        : unionAll(byIds, shape.withUsers);
      const sql =
        `WITH ${groups} ` +
        `SELECT s.kind, s.id, ${shape.withUsers ? `CASE s.kind WHEN ${Kind.Project} THEN g.name ELSE u.username END` : 'g.name'} AS name, ` +
        `s.seconds, s.billable, s.entries FROM s ` +
        `LEFT JOIN projects g ON s.kind = ${Kind.Project} AND g.id = s.id ` +
        (shape.withUsers ? `LEFT JOIN users u ON s.kind = ${Kind.User} AND u.id = s.id ` : '') +
        `ORDER BY s.kind, s.seconds DESC, s.id`;
      statement = this.transactions.sql(sql);
      this.statements.set(cacheKey, statement);
    }
    return statement;
  }
}

/** PostgreSQL: the groups of `f`, the sums by id; the no-project group is dropped. */
function groupingSets(byIds: string, withUsers: boolean): string {
  const kind = withUsers
    ? `CASE WHEN GROUPING(f.project_id) = 0 THEN ${Kind.Project} WHEN GROUPING(f.user_id) = 0 THEN ${Kind.User} ELSE ${Kind.Total} END`
    : `CASE WHEN GROUPING(f.project_id) = 0 THEN ${Kind.Project} ELSE ${Kind.Total} END`;
  const sets = withUsers ? '(), (f.project_id), (f.user_id)' : '(), (f.project_id)';
  const id = withUsers ? 'COALESCE(f.project_id, f.user_id)' : 'f.project_id';
  return (
    `f AS (${byIds}), s AS (SELECT ${kind} AS kind, ${id} AS id, ${SUMS} FROM f ` +
    `GROUP BY GROUPING SETS (${sets}) HAVING GROUPING(f.project_id) = 1 OR f.project_id IS NOT NULL)`
  );
}

/** SQLite: the sums by id materialised once, then the totals and each grouping of them. */
function unionAll(byIds: string, withUsers: boolean): string {
  const parts = [
    `SELECT ${Kind.Total} AS kind, NULL AS id, ${SUMS} FROM f`,
    `SELECT ${Kind.Project}, f.project_id, ${SUMS} FROM f WHERE f.project_id IS NOT NULL GROUP BY f.project_id`,
  ];
  if (withUsers) parts.push(`SELECT ${Kind.User}, f.user_id, ${SUMS} FROM f GROUP BY f.user_id`);
  return `f AS MATERIALIZED (${byIds}), s AS (${parts.join(' UNION ALL ')})`;
}
