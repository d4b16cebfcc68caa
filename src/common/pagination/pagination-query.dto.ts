import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsInt, IsString, Matches, MaxLength, Min, registerDecorator } from 'class-validator';
import { Optional } from '../validation/validators';
import { MAX_CURSOR_LENGTH } from './cursor';

export const DEFAULT_PER_PAGE = 50;
export const MAX_PER_PAGE = 100;

/** Query strings arrive as text: only plain decimal integers become numbers; anything else fails @IsInt. */
export const ToInteger = () =>
  Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' && /^\s*-?\d{1,15}\s*$/.test(value) ? Number(value) : value,
  );

/** Refuses `cursor` next to `page`: a request pages by number or by cursor, not both. */
const NotWithPage = (): PropertyDecorator => (target, propertyName) =>
  registerDecorator({
    name: 'notWithPage',
    target: target.constructor,
    propertyName: String(propertyName),
    options: { message: 'cursor and page cannot be combined: pass one of them.' },
    validator: { validate: (_value, args) => (args?.object as { page?: unknown }).page === undefined },
  });

/** `page`, `per_page` and `cursor` for every list; resource query DTOs extend it. */
export class PaginationQueryDto {
  // No initializer: a `page` the client did not send must stay distinguishable (see `cursor`).
  @ApiPropertyOptional({
    minimum: 1,
    default: 1,
    description: 'Page number (OFFSET: a deep page costs more than the first; `cursor` does not). Not with `cursor`.',
  })
  @Optional()
  @ToInteger()
  @IsInt()
  @Min(1)
  page?: number;

  @ApiPropertyOptional({
    minimum: 1,
    maximum: MAX_PER_PAGE,
    default: DEFAULT_PER_PAGE,
    description: 'Values above 100 are clamped to 100.',
  })
  @ToInteger()
  @IsInt()
  @Min(1)
  per_page: number = DEFAULT_PER_PAGE;

  @ApiPropertyOptional({
    maxLength: MAX_CURSOR_LENGTH,
    description:
      'Opaque position from `pagination.next_cursor`: returns the page after it, at the cost of the first ' +
      'page whatever the depth, with the same filters applied. Not with `page`; a cursor of another list or ' +
      'sort, or an altered one, is 400 `validation_error` on `cursor`.',
  })
  @Optional()
  @IsString()
  @MaxLength(MAX_CURSOR_LENGTH)
  @Matches(/^[A-Za-z0-9_-]+$/, { message: 'cursor must be a value from pagination.next_cursor' })
  @NotWithPage()
  cursor?: string;
}
