import { stringify } from 'csv-stringify/sync';
import { quoteCell } from '../../common/csv/spreadsheet-cell';
import { toIsoUtc } from '../../common/time/iso';
import { lastInstantBefore } from '../../common/time/date-range';
import { roundHours } from '../time-entries/time-entry.mapper';
import type { SummaryDto, SummaryGroupDto } from './dto/summary-response.dto';
import type { Period } from './report-periods';
import type { GroupTotals, Summary } from './reports.repository';
import { isPeriodUnit, type SummaryGrouping } from './summary-grouping';

/** The `summary` object, as it has always been: hours rounded once, at the end. */
export function toSummaryDto(summary: Summary, from: Date, to: Date): SummaryDto {
  const { totals, byProject, byUser } = summary;
  return {
    start_date: toIsoUtc(from),
    end_date: toIsoUtc(lastInstantBefore(to)),
    total_hours: roundHours(totals.seconds),
    billable_hours: roundHours(totals.billableSeconds),
    total_entries: totals.entries,
    by_project: byProject.map((g) => ({
      project_id: g.id,
      project_name: g.name,
      hours: roundHours(g.seconds),
      entries: g.entries,
    })),
    ...(byUser
      ? {
          by_user: byUser.map((g) => ({
            user_id: g.id,
            username: g.name,
            hours: roundHours(g.seconds),
            entries: g.entries,
          })),
        }
      : {}),
  };
}

/** The label of the group of entries without one. */
const NONE: Record<Exclude<SummaryGrouping, 'user' | 'day' | 'week' | 'month'>, string> = {
  project: '(no project)',
  client: '(no client)',
  task: '(no task)',
  tag: '(no tag)',
};

const EMPTY: GroupTotals = { key: null, name: null, seconds: 0, billableSeconds: 0, entries: 0, amount: 0 };

/**
 * `groups`: periods in time order, each one of the range, those without entries at zero (the
 * database only has the others); any other grouping most hours first, ties by key, the null
 * group last. Work per group, never per entry: a group is a row of the aggregate.
 */
export function toSummaryGroups(
  groups: readonly GroupTotals[],
  grouping: SummaryGrouping,
  periods: readonly Period[] = [],
): SummaryGroupDto[] {
  if (isPeriodUnit(grouping)) {
    const byIndex = new Map(groups.map((g) => [g.key, g]));
    return periods.map((period, i) => toGroupDto(period.key, period.key, byIndex.get(i) ?? EMPTY));
  }
  const sorted = [...groups].sort((a, b) => b.seconds - a.seconds || compareKeys(a.key, b.key));
  return sorted.map((g) => {
    const label = g.key === null ? NONE[grouping as keyof typeof NONE] : (g.name ?? String(g.key));
    return toGroupDto(g.key, label, g);
  });
}

function toGroupDto(key: number | string | null, label: string, g: GroupTotals): SummaryGroupDto {
  return {
    key,
    label,
    hours: roundHours(g.seconds),
    billable_hours: roundHours(g.billableSeconds),
    billable_amount: g.amount,
    entries: g.entries,
  };
}

/** Ids in number order, tags in code-unit order (the same on both databases), null last. */
function compareKeys(a: number | string | null, b: number | string | null): number {
  if (a === null || b === null) return a === b ? 0 : a === null ? 1 : -1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0;
}

/** Excel reads a CSV without it in the machine's legacy code page (as the time-entry export). */
const UTF8_BOM = '\uFEFF';
export const SUMMARY_CSV_COLUMNS = ['key', 'label', 'hours', 'billable_hours', 'billable_amount', 'entries'] as const;

/**
 * The groups as CSV (contract §13): one row each, in the JSON's order. Text cells (tags, names,
 * labels) go through quoteCell against formula injection; numbers as they are.
 */
export function toSummaryCsv(groups: readonly SummaryGroupDto[]): string {
  const rows = groups.map((g) => [
    typeof g.key === 'string' ? quoteCell(g.key) : g.key,
    quoteCell(g.label),
    g.hours,
    g.billable_hours,
    g.billable_amount,
    g.entries,
  ]);
  return UTF8_BOM + stringify([[...SUMMARY_CSV_COLUMNS], ...rows]);
}
