import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean } from 'class-validator';
import { Optional, ToBoolean } from '../../../common/validation/validators';

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
