import { Inject, Injectable } from '@nestjs/common';
import type { AuthContext } from '../../common/auth/auth-context';
import { DomainError } from '../../common/errors/domain-error';
import { ErrorCode } from '../../common/errors/error-code';
import { toIsoUtc } from '../../common/time/iso';
import { DAY_MS, exclusiveEnd, instantOf, lastInstantBefore } from '../../common/time/date-range';
import { APP_CONFIG, type AppConfig } from '../../config/app-config';
import { roundHours } from '../time-entries/time-entry.mapper';
import type { SummaryQueryDto } from './dto/summary-query.dto';
import type { SummaryResponseDto } from './dto/summary-response.dto';
import { ReportsRepository, type SummaryFilter } from './reports.repository';

@Injectable()
export class ReportsService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly reports: ReportsRepository,
  ) {}

  /** Totals of completed entries whose start falls in the range; hours rounded once, at the end. */
  async getSummaryReport(auth: AuthContext, query: SummaryQueryDto): Promise<SummaryResponseDto> {
    if (query.user_id !== undefined && query.user_id !== auth.userId && !auth.isAdmin) {
      throw new DomainError(ErrorCode.Forbidden, "Only admins can report on other users' time.");
    }
    const to = query.end_date ? exclusiveEnd(query.end_date, this.config.timezone, 'end_date') : new Date();
    const from = query.start_date
      ? instantOf(query.start_date, this.config.timezone, 'start_date')
      : new Date(to.getTime() - 30 * DAY_MS);
    if (from.getTime() >= to.getTime()) {
      throw DomainError.validation({ start_date: ['start_date must be before end_date'] });
    }
    const filter: SummaryFilter = {
      from,
      to,
      userId: auth.isAdmin ? query.user_id : auth.userId,
      projectId: query.project_id,
    };
    const { totals, byProject, byUser } = await this.reports.summary(filter, auth.isAdmin);
    return {
      summary: {
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
      },
    };
  }
}
