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

export class SummaryResponseDto {
  @ApiProperty({ type: SummaryDto }) summary: SummaryDto;
}
