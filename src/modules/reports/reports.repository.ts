import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type SelectQueryBuilder } from 'typeorm';
import { TimeEntryEntity } from '../time-entries/time-entry.entity';

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

/** Aggregates over completed entries by start_time, all in SQL (SUM / COUNT / GROUP BY). */
@Injectable()
export class ReportsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async totals(filter: SummaryFilter): Promise<Totals> {
    const row = await this.base(filter)
      .select('COALESCE(SUM(e.duration_seconds), 0)', 'seconds')
      .addSelect('COALESCE(SUM(CASE WHEN e.billable THEN e.duration_seconds ELSE 0 END), 0)', 'billable')
      .addSelect('COUNT(*)', 'entries')
      .getRawOne<{ seconds: string | number; billable: string | number; entries: string | number }>();
    return {
      seconds: Number(row?.seconds ?? 0),
      billableSeconds: Number(row?.billable ?? 0),
      entries: Number(row?.entries ?? 0),
    };
  }

  /** Per project (entries without a project are not in it), most hours first. */
  byProject(filter: SummaryFilter): Promise<Group[]> {
    return this.grouped(filter, 'project_id', 'e.project', 'g.name');
  }

  /** Per user, most hours first. */
  byUser(filter: SummaryFilter): Promise<Group[]> {
    return this.grouped(filter, 'user_id', 'e.user', 'g.username');
  }

  private async grouped(
    filter: SummaryFilter,
    column: 'project_id' | 'user_id',
    relation: string,
    nameColumn: string,
  ): Promise<Group[]> {
    const rows = await this.base(filter)
      .innerJoin(relation, 'g')
      .select(`e.${column}`, 'id')
      .addSelect(nameColumn, 'name')
      .addSelect('SUM(e.duration_seconds)', 'seconds')
      .addSelect('SUM(CASE WHEN e.billable THEN e.duration_seconds ELSE 0 END)', 'billable')
      .addSelect('COUNT(*)', 'entries')
      .groupBy(`e.${column}`)
      .addGroupBy(nameColumn)
      .orderBy('SUM(e.duration_seconds)', 'DESC')
      .addOrderBy(`e.${column}`, 'ASC')
      .getRawMany<{
        id: number;
        name: string;
        seconds: string | number;
        billable: string | number;
        entries: string | number;
      }>();
    return rows.map((r) => ({
      id: Number(r.id),
      name: r.name,
      seconds: Number(r.seconds),
      billableSeconds: Number(r.billable),
      entries: Number(r.entries),
    }));
  }

  private base(filter: SummaryFilter): SelectQueryBuilder<TimeEntryEntity> {
    const qb = this.dataSource
      .createQueryBuilder(TimeEntryEntity, 'e')
      .where('e.end_time IS NOT NULL')
      .andWhere('e.start_time >= :from', { from: filter.from })
      .andWhere('e.start_time < :to', { to: filter.to });
    if (filter.userId !== undefined) qb.andWhere('e.user_id = :userId', { userId: filter.userId });
    if (filter.projectId !== undefined) qb.andWhere('e.project_id = :projectId', { projectId: filter.projectId });
    return qb;
  }
}
