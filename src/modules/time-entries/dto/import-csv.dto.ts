import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsIn } from 'class-validator';
import { DATE_FORMATS, type DateFormat } from '../csv/tracker-times';
import { IsTimeZone, Optional, ToBoolean } from '../../../common/validation/validators';

export class ImportCsvQueryDto {
  @ApiPropertyOptional({ default: true, description: 'true: all rows or none; false: write the valid rows' })
  @Optional()
  @ToBoolean()
  @IsBoolean({ message: 'atomic must be true or false' })
  atomic?: boolean;

  @ApiPropertyOptional({ default: false, description: 'Validate and report; write nothing' })
  @Optional()
  @ToBoolean()
  @IsBoolean({ message: 'dry_run must be true or false' })
  dry_run?: boolean;

  @ApiPropertyOptional({
    example: 'Europe/Berlin',
    description: 'IANA zone of naive date-times and of separate date and time columns. Default: APP_TIMEZONE',
  })
  @Optional()
  @IsTimeZone()
  tz?: string;

  @ApiPropertyOptional({
    enum: DATE_FORMATS,
    default: 'YYYY-MM-DD',
    description: "How separate date columns are written (Toggl's and Clockify's `Start date`, `End date`)",
  })
  @Optional()
  @IsIn(DATE_FORMATS, { message: `date_format must be one of ${DATE_FORMATS.join(', ')}` })
  date_format?: DateFormat;

  @ApiPropertyOptional({
    default: false,
    description:
      'Create the clients, projects (under their client) and tasks that rows name but that do not exist, in the ' +
      "import's transaction; needs write:projects too. Without it such a row fails.",
  })
  @Optional()
  @ToBoolean()
  @IsBoolean({ message: 'create_missing must be true or false' })
  create_missing?: boolean;
}

export class ImportRowErrorDto {
  @ApiProperty({ description: 'Line of the CSV (the header is row 1)' }) row: number;
  @ApiProperty({ example: 'start_time' }) field: string;
  @ApiProperty() error: string;
}

export class ImportCsvResultDto {
  @ApiProperty({ description: 'Entries written (dry run: that would be written)' }) created: number;
  @ApiProperty({ description: 'Rows that failed (one row may have several errors)' })
  failed: number;
  @ApiProperty({ type: [ImportRowErrorDto], description: 'The first 1000 errors, one per field of a failed row' })
  errors: ImportRowErrorDto[];
  @ApiProperty() dry_run: boolean;
}
