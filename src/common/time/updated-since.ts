import { applyDecorators } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { DomainError } from '../errors/domain-error';
import { IsDateTimeInput, Optional } from '../validation/validators';
import { parseInstant } from './parse-instant';

/** `updated_since` on a list (contract §11): rows changed at or after the instant. */
export const UpdatedSinceQuery = () =>
  applyDecorators(
    ApiPropertyOptional({
      example: '2024-01-15T09:00:00Z',
      description: 'Only rows changed at or after this instant (inclusive): a client re-lists only what changed.',
    }),
    Optional(),
    IsDateTimeInput(),
  );

/** The instant an `updated_since` names (naive values in the app's time zone), or undefined. */
export function updatedSinceOf(text: string | undefined, timeZone: string): Date | undefined {
  if (text === undefined) return undefined;
  const parsed = parseInstant(text, timeZone);
  if (!parsed) throw DomainError.validation({ updated_since: ['updated_since must be an ISO 8601 date-time'] });
  return parsed.date;
}
