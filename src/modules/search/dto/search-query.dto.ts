import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsInt, IsString, MaxLength, Min, MinLength } from 'class-validator';
import { ToInteger } from '../../../common/pagination/pagination-query.dto';
import { Optional, Trim } from '../../../common/validation/validators';

export const SEARCH_TYPES = ['project', 'task', 'client', 'entry'] as const;
export type SearchType = (typeof SEARCH_TYPES)[number];
export const MAX_SEARCH_LIMIT = 50;

export class SearchQueryDto {
  @ApiProperty({ example: 'website', description: 'At least 2 characters after trimming; % and _ are literal' })
  @Trim()
  @IsString()
  @MinLength(2, { message: 'q must be at least 2 characters' })
  @MaxLength(100)
  q: string;

  @ApiPropertyOptional({ default: 10, maximum: MAX_SEARCH_LIMIT, description: 'Per type; values above 50 are clamped' })
  @Optional()
  @ToInteger()
  @IsInt()
  @Min(1)
  limit?: number;

  @ApiPropertyOptional({ example: 'project,task', description: `Comma list of ${SEARCH_TYPES.join(', ')}` })
  @Optional()
  @Transform(({ value }: { value: unknown }) =>
    typeof value === 'string'
      ? value
          .split(',')
          .map((t) => t.trim().toLowerCase())
          .filter(Boolean)
      : value,
  )
  @IsIn(SEARCH_TYPES, { each: true, message: `types must be a comma list of ${SEARCH_TYPES.join(', ')}` })
  types?: SearchType[];
}
