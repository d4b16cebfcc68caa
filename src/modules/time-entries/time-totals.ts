import type { EntityManager } from 'typeorm';
import { roundHours } from './time-entry.mapper';
import { TimeEntryEntity } from './time-entry.entity';

export interface HoursTotals {
  total: number;
  billable: number;
}

/**
 * Hours of completed entries grouped by `column` for the given ids: one aggregate query for a
 * whole page (no N+1). Rounded to 2 decimals once, at the end.
 */
export async function hoursBy(
  manager: EntityManager,
  column: 'project_id' | 'task_id' | 'user_id',
  ids: number[],
): Promise<Map<number, HoursTotals>> {
  const totals = new Map<number, HoursTotals>();
  if (ids.length === 0) return totals;
  const rows = await manager
    .createQueryBuilder(TimeEntryEntity, 'e')
    .select(`e.${column}`, 'id')
    .addSelect('COALESCE(SUM(e.duration_seconds), 0)', 'total')
    .addSelect('COALESCE(SUM(CASE WHEN e.billable THEN e.duration_seconds ELSE 0 END), 0)', 'billable')
    .where(`e.${column} IN (:...ids)`, { ids })
    .andWhere('e.end_time IS NOT NULL')
    .groupBy(`e.${column}`)
    .getRawMany<{ id: number; total: string | number; billable: string | number }>();
  for (const row of rows) {
    totals.set(Number(row.id), { total: roundHours(Number(row.total)), billable: roundHours(Number(row.billable)) });
  }
  return totals;
}
