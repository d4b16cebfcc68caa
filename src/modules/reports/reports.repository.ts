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
const PROJECT_NAMES = 'LEFT JOIN projects g ON g.id = e.project_id';
const USER_NAMES = 'INNER JOIN users u ON u.id = e.user_id';

/**
 * Aggregates over completed entries by start_time, all in SQL (SUM / COUNT / GROUP BY), in one
 * statement per report: on PostgreSQL one scan with GROUPING SETS (the totals, per project, per
 * user), on SQLite (no grouping sets; in-process, no round trip) a UNION ALL of the three. The
 * statement text depends only on which filters are present, so it is built once per shape.
 */
@Injectable()
export class ReportsRepository {
  private readonly statements = new Map<string, Statement>();

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
    const { sql, whereCopies } = this.statement(shape);
    const rows = await this.dataSource.query<SummaryRow[]>(
      sql,
      Array.from({ length: whereCopies }, () => where).flat(),
    );
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

  /** The statement for a filter shape, with `$n` (PostgreSQL) or `?` placeholders; also run by bench/read-side. */
  statementFor(shape: SummaryShape): string {
    return this.statement(shape).sql;
  }

  private statement(shape: SummaryShape): Statement {
    const cacheKey = `${+shape.user}${+shape.project}${+shape.withUsers}`;
    let statement = this.statements.get(cacheKey);
    if (statement === undefined) {
      const conditions = ['e.end_time IS NOT NULL', 'e.start_time >= ?', 'e.start_time < ?'];
      if (shape.user) conditions.push('e.user_id = ?');
      if (shape.project) conditions.push('e.project_id = ?');
      const where = `WHERE ${conditions.join(' AND ')}`;
      const built = this.transactions.isPostgres
        ? groupingSets(where, shape.withUsers)
        : unionAll(where, shape.withUsers);
      statement = { sql: this.transactions.sql(built.sql), whereCopies: built.whereCopies };
      this.statements.set(cacheKey, statement);
    }
    return statement;
  }
}

/** A summary statement and how many times its WHERE clause (and so its parameters) appears in it. */
interface Statement {
  sql: string;
  whereCopies: number;
}

/** PostgreSQL: one scan; the row's grouping set tells its kind. The no-project group is dropped. */
function groupingSets(where: string, withUsers: boolean): Statement {
  const kind = withUsers
    ? `CASE WHEN GROUPING(e.project_id) = 0 THEN ${Kind.Project} WHEN GROUPING(e.user_id) = 0 THEN ${Kind.User} ELSE ${Kind.Total} END`
    : `CASE WHEN GROUPING(e.project_id) = 0 THEN ${Kind.Project} ELSE ${Kind.Total} END`;
  const sets = withUsers ? '(), (e.project_id, g.name), (e.user_id, u.username)' : '(), (e.project_id, g.name)';
  const id = withUsers ? 'COALESCE(e.project_id, e.user_id)' : 'e.project_id';
  const name = withUsers ? 'COALESCE(g.name, u.username)' : 'g.name';
  const sql =
    `SELECT ${kind} AS kind, ${id} AS id, ${name} AS name, ${AGGREGATES} ` +
    `FROM time_entries e ${PROJECT_NAMES}${withUsers ? ` ${USER_NAMES}` : ''} ${where} ` +
    `GROUP BY GROUPING SETS (${sets}) ` +
    `HAVING GROUPING(e.project_id) = 1 OR e.project_id IS NOT NULL ` +
    `ORDER BY 1, SUM(e.duration_seconds) DESC, 2`;
  return { sql, whereCopies: 1 };
}

/** SQLite: the totals, then each grouping, as one compound statement (one scan each). */
function unionAll(where: string, withUsers: boolean): Statement {
  const parts = [
    `SELECT ${Kind.Total} AS kind, NULL AS id, NULL AS name, ${AGGREGATES} FROM time_entries e ${where}`,
    `SELECT ${Kind.Project}, e.project_id, g.name, ${AGGREGATES} FROM time_entries e ` +
      `INNER JOIN projects g ON g.id = e.project_id ${where} GROUP BY e.project_id, g.name`,
  ];
  if (withUsers) {
    parts.push(
      `SELECT ${Kind.User}, e.user_id, u.username, ${AGGREGATES} FROM time_entries e ${USER_NAMES} ${where} ` +
        `GROUP BY e.user_id, u.username`,
    );
  }
  return { sql: `${parts.join(' UNION ALL ')} ORDER BY kind, seconds DESC, id`, whereCopies: parts.length };
}
