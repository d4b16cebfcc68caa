import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn } from 'class-validator';
import { ToInteger } from '../../../common/pagination/pagination-query.dto';
import { IsDateTimeInput, IsId, IsTimeZone, Optional } from '../../../common/validation/validators';
import { SUMMARY_GROUPINGS, type SummaryGrouping } from '../summary-grouping';

export const SUMMARY_FORMATS = ['json', 'csv'] as const;
export type SummaryFormat = (typeof SUMMARY_FORMATS)[number];

export class SummaryQueryDto {
  @ApiPropertyOptional({
    example: '2024-01-01',
    description: 'Default: 30 days before end_date. Date-only: 00:00 in `tz`',
  })
  @Optional()
  @IsDateTimeInput(true)
  start_date?: string;

  @ApiPropertyOptional({ example: '2024-01-31', description: 'Default: now. Date-only: the whole day in `tz`' })
  @Optional()
  @IsDateTimeInput(true)
  end_date?: string;

  @ApiPropertyOptional({ type: 'integer' })
  @Optional()
  @ToInteger()
  @IsId()
  project_id?: number;

  @ApiPropertyOptional({ type: 'integer', description: 'Admins only (a non-admin may name only themselves)' })
  @Optional()
  @ToInteger()
  @IsId()
  user_id?: number;

  @ApiPropertyOptional({
    enum: SUMMARY_GROUPINGS,
    default: 'project',
    description:
      'What `groups` sums by; `user` needs the admin role. JSON has `groups` only when this is sent (a request ' +
      'without it answers as before); the CSV always holds them.',
  })
  @Optional()
  @IsIn(SUMMARY_GROUPINGS, { message: `group_by must be one of: ${SUMMARY_GROUPINGS.join(', ')}` })
  group_by?: SummaryGrouping;

  @ApiPropertyOptional({
    example: 'Europe/Berlin',
    description:
      'IANA time zone that cuts days, ISO weeks (from Monday) and months, and reads date-only and naive ' +
      "`start_date`/`end_date`. Default: the server's `APP_TIMEZONE`",
  })
  @Optional()
  @IsTimeZone()
  tz?: string;

  @ApiPropertyOptional({
    enum: SUMMARY_FORMATS,
    default: 'json',
    description: '`csv`: the groups as a `text/csv` attachment',
  })
  @Optional()
  @IsIn(SUMMARY_FORMATS, { message: `format must be one of: ${SUMMARY_FORMATS.join(', ')}` })
  format?: SummaryFormat;
}
