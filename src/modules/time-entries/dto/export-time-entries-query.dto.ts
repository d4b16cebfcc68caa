import { ApiPropertyOptional, OmitType } from '@nestjs/swagger';
import { IsIn } from 'class-validator';
import { Optional } from '../../../common/validation/validators';
import { ListTimeEntriesQueryDto } from './list-time-entries-query.dto';

export const EXPORT_FORMATS = ['csv', 'xlsx'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/**
 * The list's filters and `sort`, and the file format. No paging (every matching entry is sent) and
 * no `include_active`: an export holds completed entries only.
 */
export class ExportTimeEntriesQueryDto extends OmitType(ListTimeEntriesQueryDto, [
  'page',
  'per_page',
  'cursor',
  'include_active',
] as const) {
  @ApiPropertyOptional({ enum: EXPORT_FORMATS, default: 'csv', description: 'The file: CSV (UTF-8) or XLSX' })
  @Optional()
  @IsIn(EXPORT_FORMATS, { message: `format must be one of ${EXPORT_FORMATS.join(', ')}` })
  format?: ExportFormat;
}
