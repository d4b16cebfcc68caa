import { applyDecorators } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsString, MaxLength, registerDecorator } from 'class-validator';
import { Optional } from '../validation/validators';
import type { ListSorts } from './list-order';

/** Longest `sort` accepted: every field of a list, each with a `-`, is far shorter. */
const MAX_SORT_LENGTH = 200;

/** What is wrong with `sort` for these fields (unknown, repeated or empty parts), if anything. */
export function sortProblems(fields: readonly string[], sort: string): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const part of sort.split(',').map((p) => p.trim())) {
    const field = part.startsWith('-') ? part.slice(1) : part;
    if (!fields.includes(field)) {
      problems.push(`Unknown sort field '${field}'; one of ${fields.join(', ')}.`);
    } else if (seen.has(field)) {
      problems.push(`Sort field '${field}' is repeated.`);
    }
    seen.add(field);
  }
  return problems;
}

/**
 * The `sort` query parameter of a list: validated against the list's fields (400
 * `validation_error` on `sort` with the reason), documented with the fields, a pattern and the
 * `x-sort-fields` extension (an OpenAPI enum cannot describe a comma list).
 */
export function SortQuery(sorts: ListSorts<unknown>, example: string): PropertyDecorator {
  const field = `-?(?:${sorts.fields.join('|')})`;
  return applyDecorators(
    ApiPropertyOptional({
      type: String,
      description:
        `Comma list of fields, \`-\` before one for descending; \`id\` ends every order as the last ` +
        `tie-break. Fields: ${sorts.fields.join(', ')}. Default: \`${sorts.defaultSort}\`. ` +
        'A cursor only continues the sort it was issued for.',
      example,
      pattern: `^${field}(?:,${field})*$`,
      maxLength: MAX_SORT_LENGTH,
      // The typed options know no extensions; the generator copies this one onto the parameter.
      ...({ 'x-sort-fields': [...sorts.fields] } as object),
    }),
    Optional(),
    IsString(),
    MaxLength(MAX_SORT_LENGTH),
    IsSortOf(sorts.fields),
  );
}

function IsSortOf(fields: readonly string[]): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'isSortOf',
      target: target.constructor,
      propertyName: String(propertyName),
      options: {
        message: (args) => sortProblems(fields, String(args.value)).join(' '),
      },
      validator: {
        validate: (value: unknown) => typeof value === 'string' && sortProblems(fields, value).length === 0,
      },
    });
}
