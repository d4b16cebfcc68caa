import type { DataSource, EntityManager } from 'typeorm';
import { CompiledQuery } from '../../database/compiled-query';
import { roundHours } from './time-entry.mapper';
import { ProjectTotalsEntity, TaskTotalsEntity, UserTotalsEntity } from './time-totals.entity';

export interface HoursTotals {
  total: number;
  billable: number;
}

interface TotalsRow {
  id: number | string;
  total: number | string;
  billable: number | string;
}

const OWNERS = {
  project_id: ProjectTotalsEntity,
  task_id: TaskTotalsEntity,
  user_id: UserTotalsEntity,
} as const;

type OwnerColumn = keyof typeof OWNERS;

/** The sum of each owner's totals rows (a project's or task's are striped): one statement per column and database. */
const statements = new WeakMap<DataSource, Map<OwnerColumn, CompiledQuery<TotalsRow>>>();

function totalsQuery(manager: EntityManager, column: OwnerColumn): CompiledQuery<TotalsRow> {
  let byColumn = statements.get(manager.connection);
  if (!byColumn) statements.set(manager.connection, (byColumn = new Map<OwnerColumn, CompiledQuery<TotalsRow>>()));
  let query = byColumn.get(column);
  if (!query) {
    query = new CompiledQuery<TotalsRow>((m) =>
      m
        .getRepository(OWNERS[column])
        .createQueryBuilder('t')
        .select(`t.${column}`, 'id')
        .addSelect('SUM(t.total_seconds)', 'total')
        .addSelect('SUM(t.billable_seconds)', 'billable')
        .where(`t.${column} IN (:...ids)`)
        .groupBy(`t.${column}`),
    );
    byColumn.set(column, query);
  }
  return query;
}

/**
 * Hours of completed entries per project, task or user for the given ids, read from the totals
 * the database maintains on every write (migration 1764400000013): a few index rows per owner,
 * whatever the number of entries. Owners without entries are missing from the map (zero).
 * Rounded to 2 decimals once, at the end.
 */
export async function hoursBy(
  manager: EntityManager,
  column: OwnerColumn,
  ids: number[],
): Promise<Map<number, HoursTotals>> {
  const totals = new Map<number, HoursTotals>();
  if (ids.length === 0) return totals;
  for (const row of await totalsQuery(manager, column).rows(manager, { ids })) {
    totals.set(Number(row.id), { total: roundHours(Number(row.total)), billable: roundHours(Number(row.billable)) });
  }
  return totals;
}
