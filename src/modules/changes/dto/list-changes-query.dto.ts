import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsString, Matches, MaxLength } from 'class-validator';
import { ToInteger } from '../../../common/pagination/pagination-query.dto';
import { IsIntInRange, Optional } from '../../../common/validation/validators';
import { CHANGE_TYPES } from '../change.entity';

export const DEFAULT_CHANGES_LIMIT = 100;
export const MAX_CHANGES_LIMIT = 1000;
const TYPE = `(?:${CHANGE_TYPES.join('|')})`;

export class ListChangesQueryDto {
  @ApiPropertyOptional({
    maxLength: 2000,
    description:
      "Opaque position from `next_cursor` (or a change's `cursor`): returns the changes committed after it. " +
      'Absent: from the oldest retained change. A position older than the retained history is 410 `cursor_expired`.',
  })
  @Optional()
  @IsString()
  @MaxLength(2000)
  @Matches(/^[A-Za-z0-9_-]+$/, { message: 'cursor must be a value from next_cursor' })
  cursor?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: MAX_CHANGES_LIMIT, default: DEFAULT_CHANGES_LIMIT })
  @ToInteger()
  @IsIntInRange(1, MAX_CHANGES_LIMIT)
  limit: number = DEFAULT_CHANGES_LIMIT;

  @ApiPropertyOptional({
    description: `Comma-separated types to return (${CHANGE_TYPES.join(', ')}); default: every type the token may read.`,
    example: 'time_entry,project',
  })
  @Optional()
  @IsString()
  @Matches(new RegExp(`^${TYPE}(?:,${TYPE})*$`), {
    message: `types must be a comma list of: ${CHANGE_TYPES.join(', ')}`,
  })
  types?: string;
}
