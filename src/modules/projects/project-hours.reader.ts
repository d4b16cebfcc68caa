import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { hoursBy, type HoursTotals } from '../time-entries/time-totals';

export type ProjectHours = HoursTotals;

export const NO_HOURS: ProjectHours = { total: 0, billable: 0 };

/** Hours of completed time entries per project, for a whole page in one aggregate query. */
@Injectable()
export class ProjectHoursReader {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  forProjects(projectIds: number[], manager = this.dataSource.manager): Promise<Map<number, ProjectHours>> {
    return hoursBy(manager, 'project_id', projectIds);
  }
}
