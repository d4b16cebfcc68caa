import { Inject, Injectable } from '@nestjs/common';
import type { AuthContext } from '../../common/auth/auth-context';
import { DomainError } from '../../common/errors/domain-error';
import { ErrorCode } from '../../common/errors/error-code';
import { DAY_MS, exclusiveEnd, instantOf, lastInstantBefore } from '../../common/time/date-range';
import { APP_CONFIG, type AppConfig } from '../../config/app-config';
import type { SummaryQueryDto } from './dto/summary-query.dto';
import type { SummaryResponseDto } from './dto/summary-response.dto';
import { localDateKey, MAX_PERIODS, type Period, periodsOf } from './report-periods';
import { toSummaryCsv, toSummaryDto, toSummaryGroups } from './reports.mapper';
import { ReportsRepository, type SummaryFilter } from './reports.repository';
import { isPeriodUnit } from './summary-grouping';

/** A summary as JSON, or its groups as a CSV file. */
export type SummaryReport =
  { format: 'json'; body: SummaryResponseDto } | { format: 'csv'; filename: string; text: string };

@Injectable()
export class ReportsService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly reports: ReportsRepository,
  ) {}

  /**
   * Totals of completed entries whose start falls in the range; hours rounded once, at the end.
   * `tz` (default APP_TIMEZONE) reads date-only and naive dates and cuts the periods, so that
   * `start_date=2024-01-01&tz=Europe/Berlin` begins at Berlin's midnight, with the first day.
   */
  async getSummaryReport(auth: AuthContext, query: SummaryQueryDto): Promise<SummaryReport> {
    if (query.user_id !== undefined && query.user_id !== auth.userId && !auth.isAdmin) {
      throw new DomainError(ErrorCode.Forbidden, "Only admins can report on other users' time.");
    }
    if (query.group_by === 'user' && !auth.isAdmin) {
      throw new DomainError(ErrorCode.Forbidden, 'Only admins can group a report by user.');
    }
    const timeZone = canonicalZone(query.tz ?? this.config.timezone);
    const to = query.end_date ? exclusiveEnd(query.end_date, timeZone, 'end_date') : new Date();
    const from = query.start_date
      ? instantOf(query.start_date, timeZone, 'start_date')
      : new Date(to.getTime() - 30 * DAY_MS);
    if (from.getTime() >= to.getTime()) {
      throw DomainError.validation({ start_date: ['start_date must be before end_date'] });
    }
    const csv = query.format === 'csv';
    // Contract §13: `groups` is always there, by project unless group_by says otherwise.
    const groupBy = query.group_by ?? 'project';
    let periods: Period[] | undefined;
    if (isPeriodUnit(groupBy)) {
      periods = periodsOf(groupBy, from, to, timeZone) ?? undefined;
      if (!periods) {
        throw DomainError.validation({
          group_by: [
            `group_by=${groupBy} would make more than ${MAX_PERIODS} periods of this range: ` +
              'narrow start_date..end_date or group by a longer period',
          ],
        });
      }
    }
    const filter: SummaryFilter = {
      from,
      to,
      userId: auth.isAdmin ? query.user_id : auth.userId,
      projectId: query.project_id,
    };
    const summary = await this.reports.summary(filter, auth.isAdmin, { by: groupBy, periods });
    const groups = toSummaryGroups(summary.groups, groupBy, periods);
    if (csv) {
      const dates = `${localDateKey(from, timeZone)}_${localDateKey(lastInstantBefore(to), timeZone)}`;
      return { format: 'csv', filename: `summary_by_${groupBy}_${dates}.csv`, text: toSummaryCsv(groups) };
    }
    return { format: 'json', body: { summary: toSummaryDto(summary, from, to), groups } };
  }
}

/**
 * The zone's canonical name (`europe/berlin` -> `Europe/Berlin`): the offset code caches a
 * formatter per name, which spellings of one zone would otherwise grow without bound.
 */
function canonicalZone(timeZone: string): string {
  return new Intl.DateTimeFormat('en-US', { timeZone }).resolvedOptions().timeZone;
}
