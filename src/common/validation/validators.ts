import { applyDecorators } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';
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

/** The largest PostgreSQL `integer` (int4), the type of every id column (inventory's bigint reference_id aside). */
export const INT4_MAX = 2 ** 31 - 1;

/** The largest value of a `decimal(12,2)` column (money and hours; wider ones hold more). */
export const DECIMAL_12_2_MAX = 9_999_999_999.99;

/**
 * Shows a range in the OpenAPI schema, which is built from @ApiProperty and not from
 * class-validator. Merged under the property's own @ApiProperty (applied after, so it wins).
 */
const ApiRange = (minimum: number, maximum: number, type?: 'integer') => ApiProperty({ minimum, maximum, type });

/** Money and hours: a finite number >= 0 with at most 2 decimals, no more than its column holds. */
export const IsAmount = (max = DECIMAL_12_2_MAX) => applyDecorators(IsDecimal(2), Min(0), Max(max), ApiRange(0, max));

/** A non-empty trimmed string up to `max` characters. */
export const IsText = (max: number) => applyDecorators(Trim(), IsString(), MinLength(1), MaxLength(max));

/**
 * An integer within [min, max], which the caller takes from the column the value lands in
 * (contract §1): past it, PostgreSQL answers "out of range" (a 500), where SQLite would store it.
 */
export const IsIntInRange = (min: number, max: number, options?: ValidationOptions) =>
  applyDecorators(IsInt(options), Min(min, options), Max(max, options), ApiRange(min, max, 'integer'));

/** A positive integer id of an int4 column. */
export const IsId = () =>
  applyDecorators(
    IsInt({ message: '$property must be an integer id' }),
    Min(1, { message: `$property must be an id from 1 to ${INT4_MAX}` }),
    Max(INT4_MAX, { message: `$property must be an id from 1 to ${INT4_MAX}` }),
    ApiRange(1, INT4_MAX, 'integer'),
  );

/** A list of ids: each item an IsId. The schema's `items` range is the caller's @ApiProperty. */
export const IsIdList = (property: string) =>
  applyDecorators(
    IsInt({ each: true, message: `${property} must contain integer ids only` }),
    Min(1, { each: true, message: `${property} must contain ids from 1 to ${INT4_MAX} only` }),
    Max(INT4_MAX, { each: true, message: `${property} must contain ids from 1 to ${INT4_MAX} only` }),
  );

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
