import { applyDecorators } from '@nestjs/common';
import { parseInstant } from '../time/parse-instant';
import { Transform } from 'class-transformer';
import {
  IsInt,
  IsString,
  Max,
  MaxLength,
  Min,
  MinLength,
  registerDecorator,
  ValidateIf,
  type ValidationOptions,
} from 'class-validator';

/** Trims strings; other values pass through for the type validators to judge. */
export const Trim = () =>
  Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value));

/** Query-string booleans: only `true`/`false`/`1`/`0` are accepted. */
export const ToBoolean = () =>
  Transform(({ value }: { value: unknown }) => {
    if (value === 'true' || value === '1') return true;
    if (value === 'false' || value === '0') return false;
    return value;
  });

/** An IANA time zone name known to this runtime. */
export function IsTimeZone(options?: ValidationOptions): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'isTimeZone',
      target: target.constructor,
      propertyName: String(propertyName),
      options: { message: `${String(propertyName)} must be an IANA time zone`, ...options },
      validator: {
        validate(value: unknown) {
          if (typeof value !== 'string') return false;
          try {
            new Intl.DateTimeFormat('en-US', { timeZone: value });
            return true;
          } catch {
            return false;
          }
        },
      },
    });
}

/** May be absent; `null` is validated like any value (so non-nullable fields refuse it). */
export const Optional = () => ValidateIf((_object, value) => value !== undefined);

/** May be absent or `null` (clears the field); other values are validated. */
export const OptionalNullable = () => ValidateIf((_object, value) => value !== undefined && value !== null);

/**
 * A finite number with at most `places` decimals. Not class-validator's `maxDecimalPlaces`, which
 * reads the digits after the number's `.` and throws on exponent notation without one (1e-300),
 * answering such a body with a 500 instead of a validation error.
 */
export function IsDecimal(places: number, options?: ValidationOptions): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'isDecimal',
      target: target.constructor,
      propertyName: String(propertyName),
      constraints: [places],
      options: { message: `${String(propertyName)} must be a number with at most ${places} decimals`, ...options },
      validator: {
        validate: (value: unknown) =>
          typeof value === 'number' && Number.isFinite(value) && Number(value.toFixed(places)) === value,
      },
    });
}

/** Money and hours: a finite number >= 0 with at most 2 decimals. */
export const IsAmount = (max = 1e10) => applyDecorators(IsDecimal(2), Min(0), Max(max));

/** A non-empty trimmed string up to `max` characters. */
export const IsText = (max: number) => applyDecorators(Trim(), IsString(), MinLength(1), MaxLength(max));

/** A positive integer id. */
export const IsId = () =>
  applyDecorators(IsInt({ message: '$property must be an integer id' }), Min(1), Max(2 ** 31 - 1));

/** A real calendar date written `YYYY-MM-DD` (2024-02-30 is refused). */
export function IsCalendarDate(options?: ValidationOptions): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'isCalendarDate',
      target: target.constructor,
      propertyName: String(propertyName),
      options: { message: `${String(propertyName)} must be a date as YYYY-MM-DD`, ...options },
      validator: {
        validate(value: unknown) {
          if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
          const date = new Date(`${value}T00:00:00Z`);
          return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(value);
        },
      },
    });
}

/** An ISO 8601 date-time (`Z`, offset or naive); date-only is refused unless `allowDateOnly`. */
export function IsDateTimeInput(allowDateOnly = false, options?: ValidationOptions): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'isDateTimeInput',
      target: target.constructor,
      propertyName: String(propertyName),
      options: {
        message: `${String(propertyName)} must be an ISO 8601 ${allowDateOnly ? 'date or date-time' : 'date-time'} (e.g. 2024-01-15T09:00:00Z)`,
        ...options,
      },
      validator: {
        validate(value: unknown) {
          if (typeof value !== 'string') return false;
          const parsed = parseInstant(value, 'UTC');
          return parsed !== null && (allowDateOnly || !parsed.dateOnly);
        },
      },
    });
}
