import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { TransactionService } from '../../database/transaction.service';
import { toSqliteTimestamp } from '../../database/stored-timestamp';
import type { Period } from './report-periods';
import { isPeriodUnit, type SummaryGrouping } from './summary-grouping';

export interface SummaryFilter {
  from: Date;
  /** Exclusive. */
  to: Date;
  userId?: number;
  projectId?: number;
}

/** The `groups` asked for: by what, and for day/week/month the periods of the range, in order. */
export interface GroupsRequest {
  by: SummaryGrouping;
  periods?: readonly Period[];
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

export interface GroupTotals extends Totals {
  /** The project, client, task or user id, the tag, or the index of the period; null: entries without one. */
  key: number | string | null;
  /** The name of the project, client, task or user; null for periods and entries without one. */
  name: string | null;
  /** Billable hours times the project's hourly rate, rounded to cents in SQL; 0 without a rate. */
  amount: number;
}

/** Which filters a summary has: the statement's text depends only on these. */
export interface SummaryShape {
  user: boolean;
  project: boolean;
  withUsers: boolean;
  groupBy: SummaryGrouping;
}

export interface Summary {
  totals: Totals;
  /** Per project (entries without a project are in the totals only), most hours first. */
  byProject: Group[];
  /** Per user, most hours first; only when asked for. */
  byUser: Group[] | null;
  /** Per `groupBy` (the service defaults it to project), unordered, periods without entries absent. */
  groups: GroupTotals[];
}

/** Which aggregate a row of the summary statement belongs to. */
const Kind = { Total: 0, Project: 1, User: 2, Group: 3 } as const;

interface SummaryRow {
  kind: number | string;
  id: number | string | null;
  name: string | null;
  seconds: number | string | null;
  billable: number | string | null;
  entries: number | string;
  amount: number | string | null;
}

/** Where a statement's parameters go, in order: all the filter's values, the user and project ones, the periods. */
type Slot = 'where' | 'filters' | 'periods';

interface Statement {
  text: string;
  slots: readonly Slot[];
}

const AGGREGATES =
  'SUM(e.duration_seconds) AS seconds, ' +
  'SUM(CASE WHEN e.billable THEN e.duration_seconds ELSE 0 END) AS billable, COUNT(*) AS entries';
const SUMS = 'SUM(f.seconds) AS seconds, SUM(f.billable) AS billable, SUM(f.entries) AS entries';
/** Billable seconds times the hourly rate (`r`: the project), in currency, rounded once per group. */
const AMOUNT_OF_SUMS = 'ROUND(SUM(f.billable * r.hourly_rate) / 3600.0, 2) AS amount';
const AMOUNT_OF_ENTRIES =
  'ROUND(SUM(CASE WHEN e.billable THEN e.duration_seconds * r.hourly_rate END) / 3600.0, 2) AS amount';

/** The column of an entry `f` is also grouped by, for the groupings that are not (project, user) already. */
const ENTRY_DIMENSION: Partial<Record<SummaryGrouping, string>> = {
  client: 'e.client_id',
  task: 'e.task_id',
  tag: 'e.tags',
};
/** Where a group's name comes from. */
const NAMES: Partial<Record<SummaryGrouping, { table: string; column: string }>> = {
  project: { table: 'projects', column: 'name' },
  client: { table: 'clients', column: 'name' },
  task: { table: 'tasks', column: 'name' },
  user: { table: 'users', column: 'username' },
};

/**
 * Aggregates over completed entries by start_time, all in SQL, in one statement per report: the
 * entries are first summed by (project, user) id, in one hash aggregate (parallel on PostgreSQL)
 * into a few rows per project; the totals, per-project and per-user groups are sums of those
 * rows, and names are joined to the few groups last. Grouping the entries by name as well (joined
 * first) sorted every entry of the range, spilling to disk at 500k (EXPLAIN figures: issue 45).
 * PostgreSQL rolls the groups up with GROUPING SETS, SQLite (none) with a UNION ALL over the
 * materialised sums. The statement text depends only on which filters are present and on
 * `group_by`, so it is built once per shape.
 *
 * `groups`: by client, task or tag, the first sums are by (project, user, that column) instead,
 * and the groups are sums of them too (a tag string split into its tags there, after
 * aggregation, so a string is split once however many entries carry it); by project or user
 * they are the same sums. The amount is each sum's billable seconds times its project's rate.
 * By day, week or month, summing by (project, user, period) would make nearly a row per entry
 * (EXPLAIN at 1M: 183k rows for a year of days, sorted on disk, 3x the time), so the periods are a
 * second aggregate over the range, each entry placed in its period by comparing start_time with
 * the periods' first instants (report-periods.ts, computed in the zone): PostgreSQL by
 * width_bucket over them as an array (a binary search per entry; a range join on unnest took
 * 1.5x as long, date_trunc(... AT TIME ZONE) 1.4x), SQLite by a range join on json_each of them,
 * one index range of start_time per period.
 */
@Injectable()
export class ReportsRepository {
  private readonly statements = new Map<string, Statement>();

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly transactions: TransactionService,
  ) {}

  async summary(filter: SummaryFilter, withUsers: boolean, groups: GroupsRequest): Promise<Summary> {
    const shape: SummaryShape = {
      user: filter.userId !== undefined,
      project: filter.projectId !== undefined,
      withUsers,
      groupBy: groups.by,
    };
    const filters: unknown[] = [];
    if (shape.user) filters.push(filter.userId);
    if (shape.project) filters.push(filter.projectId);
    const values: Record<Slot, unknown[]> = {
      where: [this.transactions.timestamp(filter.from), this.transactions.timestamp(filter.to), ...filters],
      filters,
      periods: groups.periods ? [this.periodsParameter(groups.periods, filter.to)] : [],
    };
    const statement = this.statement(shape);
    const parameters = statement.slots.flatMap((slot) => values[slot]);
    const rows = await this.dataSource.query<SummaryRow[]>(statement.text, parameters);
    const summary: Summary = {
      totals: { seconds: 0, billableSeconds: 0, entries: 0 },
      byProject: [],
      byUser: withUsers ? [] : null,
      groups: [],
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
      else if (kind === Kind.User) summary.byUser?.push({ id: Number(row.id), name: row.name ?? '', ...totals });
      else {
        const key = shape.groupBy === 'tag' ? row.name : row.id === null ? null : Number(row.id);
        summary.groups.push({ key, name: row.name, amount: Number(row.amount ?? 0), ...totals });
      }
    }
    return summary;
  }

  /** PostgreSQL: the periods' first instants, an array; SQLite: `[[start, end], ...]` as JSON text. */
  private periodsParameter(periods: readonly Period[], to: Date): unknown {
    if (this.transactions.isPostgres) return periods.map((p) => p.start);
    const bounds = periods.map((p, i) => [toSqliteTimestamp(p.start), toSqliteTimestamp(periods[i + 1]?.start ?? to)]);
    return JSON.stringify(bounds);
  }

  private statement(shape: SummaryShape): Statement {
    const cacheKey = `${+shape.user}${+shape.project}${+shape.withUsers}${shape.groupBy}`;
    let statement = this.statements.get(cacheKey);
    if (statement === undefined) {
      const built = this.build(shape);
      statement = { text: this.transactions.sql(built.text), slots: built.slots };
      this.statements.set(cacheKey, statement);
    }
    return statement;
  }

  private build(shape: SummaryShape): Statement {
    const pg = this.transactions.isPostgres;
    const filters: string[] = [];
    if (shape.user) filters.push('e.user_id = ?');
    if (shape.project) filters.push('e.project_id = ?');
    const conditions = ['e.end_time IS NOT NULL', 'e.start_time >= ?', 'e.start_time < ?', ...filters].join(' AND ');
    const grouping = shape.groupBy;
    const dimension = ENTRY_DIMENSION[grouping];
    const keys = ['e.project_id', 'e.user_id', ...(dimension ? [dimension] : [])];
    // PostgreSQL, periods of one user: the two aggregates read the user's entries of the range once,
    // copied (each entry of a user tends to be on a heap page of its own: a year of 5k, 17 -> 11 ms).
    // Everyone's are read twice: copying 500k rows cost more than the second read (410 against 310 ms).
    const once = pg && shape.user && isPeriodUnit(grouping);
    const source = once ? 'e' : 'time_entries e';
    const where = once ? '' : ` WHERE ${conditions}`;
    // SQLite: `+` keeps the GROUP BY from being read in the order of an index on (user, project),
    // which scanned every entry ever (3.5 s for a year at 1M against 0.35 s on the start_time range).
    const byIds =
      `SELECT e.project_id, e.user_id${dimension ? `, ${dimension} AS g` : ''}, ${AGGREGATES} FROM ${source}${where} ` +
      `GROUP BY ${keys.map((k) => (pg ? k : `+${k}`)).join(', ')}`;
    const slots: Slot[] = ['where'];
    const ctes = [pg ? groupingSets(byIds, shape.withUsers) : unionAll(byIds, shape.withUsers)];
    if (once) {
      ctes.unshift(
        'e AS MATERIALIZED (SELECT e.project_id, e.user_id, e.start_time, e.duration_seconds, e.billable ' +
          `FROM time_entries e WHERE ${conditions})`,
      );
    }
    const name = shape.withUsers ? `CASE s.kind WHEN ${Kind.Project} THEN g.name ELSE u.username END` : 'g.name';
    let sql =
      // Named: SQLite matches the ORDER BY of a UNION ALL to the first SELECT's names.
      `SELECT s.kind AS kind, s.id AS id, ${name} AS name, s.seconds AS seconds, s.billable AS billable, ` +
      's.entries AS entries, NULL AS amount ' +
      `FROM s LEFT JOIN projects g ON s.kind = ${Kind.Project} AND g.id = s.id ` +
      (shape.withUsers ? `LEFT JOIN users u ON s.kind = ${Kind.User} AND u.id = s.id ` : '');
    let recursive = false;
    if (isPeriodUnit(grouping)) {
      ctes.push(pg ? periodsByBucket(source, where) : periodsByRange(filters));
      slots.push('periods');
      if (!once) slots.push(pg ? 'where' : 'filters');
    } else if (grouping === 'tag') {
      ctes.push(pg ? tagsByUnnest() : tagsBySplit());
      recursive = !pg;
    } else {
      const id = grouping === 'project' ? 'f.project_id' : grouping === 'user' ? 'f.user_id' : 'f.g';
      ctes.push(
        `grp AS (SELECT ${id} AS id, NULL AS tag, ${SUMS}, ${AMOUNT_OF_SUMS} ` +
          `FROM f LEFT JOIN projects r ON r.id = f.project_id GROUP BY ${id})`,
      );
    }
    const names = NAMES[grouping];
    sql +=
      `UNION ALL SELECT ${Kind.Group}, grp.id, ${names ? `n.${names.column}` : 'grp.tag'}, grp.seconds, ` +
      `grp.billable, grp.entries, grp.amount FROM grp ` +
      (names ? `LEFT JOIN ${names.table} n ON n.id = grp.id ` : '');
    sql += 'ORDER BY kind, seconds DESC, id';
    return { text: `WITH ${recursive ? 'RECURSIVE ' : ''}${ctes.join(', ')} ${sql}`, slots };
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

/**
 * PostgreSQL: each entry's period is the number of period starts at or before its start_time, less
 * one. `source` and `where`: the entries of the range.
 */
function periodsByBucket(source: string, where: string): string {
  return (
    `grp AS (SELECT width_bucket(e.start_time, ?::timestamptz[]) - 1 AS id, NULL AS tag, ${AGGREGATES}, ` +
    `${AMOUNT_OF_ENTRIES} FROM ${source} LEFT JOIN projects r ON r.id = e.project_id${where} GROUP BY 1)`
  );
}

/** SQLite: the periods as rows (index, start, end), each joined to the entries of its start_time range. */
function periodsByRange(filters: readonly string[]): string {
  return (
    `p AS MATERIALIZED (SELECT CAST(key AS INTEGER) AS i, json_extract(value, '$[0]') AS lo, ` +
    `json_extract(value, '$[1]') AS hi FROM json_each(?)), ` +
    `grp AS (SELECT p.i AS id, NULL AS tag, ${AGGREGATES}, ${AMOUNT_OF_ENTRIES} ` +
    `FROM p JOIN time_entries e ON e.start_time >= p.lo AND e.start_time < p.hi ` +
    `LEFT JOIN projects r ON r.id = e.project_id ` +
    `WHERE ${['e.end_time IS NOT NULL', ...filters].join(' AND ')} GROUP BY p.i)`
  );
}

/** PostgreSQL: the tags of each sum's tag string; a sum without tags is the null group. */
function tagsByUnnest(): string {
  return (
    `grp AS (SELECT NULL::int AS id, t.tag, ${SUMS}, ${AMOUNT_OF_SUMS} FROM f ` +
    `LEFT JOIN projects r ON r.id = f.project_id ` +
    `LEFT JOIN LATERAL unnest(string_to_array(f.g, ',')) AS t(tag) ON t.tag <> '' GROUP BY t.tag)`
  );
}

/**
 * SQLite: each distinct tag string split at its commas by a recursive CTE (`rest` is what is left,
 * with a trailing comma); a sum without tags is the null group.
 */
function tagsBySplit(): string {
  return (
    `tag_split(tags, tag, rest) AS (SELECT g, '', g || ',' FROM (SELECT DISTINCT g FROM f WHERE g IS NOT NULL) ` +
    `UNION ALL SELECT tags, substr(rest, 1, instr(rest, ',') - 1), substr(rest, instr(rest, ',') + 1) ` +
    `FROM tag_split WHERE rest <> ''), ` +
    `grp AS (SELECT NULL AS id, t.tag, ${SUMS}, ${AMOUNT_OF_SUMS} FROM f ` +
    `LEFT JOIN projects r ON r.id = f.project_id ` +
    `LEFT JOIN tag_split t ON t.tags = f.g AND t.tag <> '' GROUP BY t.tag)`
  );
}
