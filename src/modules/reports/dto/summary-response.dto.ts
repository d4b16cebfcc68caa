import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class ProjectSummaryDto {
  @ApiProperty() project_id: number;
  @ApiProperty() project_name: string;
  @ApiProperty() hours: number;
  @ApiProperty() entries: number;
}

export class UserSummaryDto {
  @ApiProperty() user_id: number;
  @ApiProperty() username: string;
  @ApiProperty() hours: number;
  @ApiProperty() entries: number;
}

export class SummaryDto {
  @ApiProperty({ example: '2024-01-01T00:00:00Z' }) start_date: string;
  @ApiProperty({ example: '2024-01-31T23:59:59Z' }) end_date: string;
  @ApiProperty() total_hours: number;
  @ApiProperty() billable_hours: number;
  @ApiProperty() total_entries: number;
  @ApiProperty({ type: [ProjectSummaryDto], description: 'Ordered by hours, most first' })
  by_project: ProjectSummaryDto[];
  @ApiPropertyOptional({ type: [UserSummaryDto], description: 'Admins only' }) by_user?: UserSummaryDto[];
}

export class SummaryGroupDto {
  @ApiProperty({
    oneOf: [{ type: 'integer' }, { type: 'string' }],
    nullable: true,
    example: '2024-W03',
    description:
      'The project, client, task or user id; the tag; the period (`2024-01-15`, ISO week `2024-W03`, `2024-01`, ' +
      'in `tz`). Null: the entries without a project, client, task or tag',
  })
  key: number | string | null;

  @ApiProperty({
    example: '2024-W03',
    description: 'The name, the tag or the period; `(no project)` and so on for null keys',
  })
  label: string;

  @ApiProperty({ example: 38.5 }) hours: number;
  @ApiProperty({ example: 30 }) billable_hours: number;

  @ApiProperty({
    example: 2250,
    description: "Billable hours times each entry's project hourly rate, 0 without one; rounded to cents",
  })
  billable_amount: number;

  @ApiProperty({ example: 21 }) entries: number;
}

export class SummaryResponseDto {
  @ApiProperty({ type: SummaryDto }) summary: SummaryDto;

  @ApiProperty({
    type: [SummaryGroupDto],
    description:
      'By `group_by` (default `project`). Most hours first (ties: by key, null last); day, week and month in ' +
      'time order, every period of the range, those without entries at zero',
  })
  groups: SummaryGroupDto[];
}
