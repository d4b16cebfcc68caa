import { PERIOD_UNITS, type PeriodUnit } from './report-periods';

/** What a summary's `groups` sum by (contract §13). */
export const SUMMARY_GROUPINGS = ['project', 'client', 'task', 'user', 'tag', ...PERIOD_UNITS] as const;
export type SummaryGrouping = (typeof SUMMARY_GROUPINGS)[number];

export const isPeriodUnit = (grouping: SummaryGrouping): grouping is PeriodUnit =>
  (PERIOD_UNITS as readonly string[]).includes(grouping);
