import { Injectable } from '@nestjs/common';

export interface ProjectHours {
  total: number;
  billable: number;
}

export const NO_HOURS: ProjectHours = { total: 0, billable: 0 };

/**
 * Hours of completed time entries per project, for a whole page in one aggregate query.
 * Time entries do not exist yet (their module comes next), so every project has none.
 */
@Injectable()
export class ProjectHoursReader {
  forProjects(_projectIds: number[]): Promise<Map<number, ProjectHours>> {
    return Promise.resolve(new Map<number, ProjectHours>());
  }
}
