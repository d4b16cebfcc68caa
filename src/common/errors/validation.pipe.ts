import { type ArgumentMetadata, Injectable, ValidationPipe, type ValidationError } from '@nestjs/common';
import { DomainError, type FieldErrors } from './domain-error';
import { ErrorCode } from './error-code';

const UNKNOWN_FIELD = 'Unknown field.';
export const UNKNOWN_PARAMETER = 'Unknown parameter.';

/**
 * Flattens class-validator errors to `{ "a.b": ["..."] }`; a forbidden extra key reads `unknown`
 * ("Unknown field." in a body, "Unknown parameter." in a query string).
 */
export function toFieldErrors(errors: ValidationError[], prefix = '', unknown = UNKNOWN_FIELD): FieldErrors {
  const out: FieldErrors = {};
  for (const error of errors) {
    const path = prefix ? `${prefix}.${error.property}` : error.property;
    const constraints = error.constraints ?? {};
    const messages = Object.entries(constraints).map(([key, message]) =>
      key === 'whitelistValidation' ? unknown : message,
    );
    if (messages.length > 0) out[path] = messages;
    if (error.children?.length) Object.assign(out, toFieldErrors(error.children, path, unknown));
  }
  return out;
}

const exceptionFactory = (errors: ValidationError[]) => DomainError.validation(toFieldErrors(errors));

/**
 * Bodies reject unknown fields (mass-assignment guard, contract §1), and query strings unknown
 * parameters (§10: a misspelt filter never silently returns unfiltered data). A route that reads
 * no query DTO refuses every parameter (StrictQueryInterceptor).
 */
@Injectable()
export class AppValidationPipe extends ValidationPipe {
  private readonly query = new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    exceptionFactory: (errors: ValidationError[]) =>
      DomainError.validation(toFieldErrors(errors, '', UNKNOWN_PARAMETER)),
  });

  constructor() {
    super({
      whitelist: true,
      forbidNonWhitelisted: true,
      forbidUnknownValues: true,
      transform: true,
      exceptionFactory,
    });
  }

  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    // Path parameters reach their own pipes as sent: Nest's primitive conversion would read
    // `1 `, `01`, `1e0` or `0x1` as the id 1 before ParseIdPipe could answer 404.
    if (metadata.type === 'param') return value;
    if (metadata.type === 'body' || metadata.type === 'query') refuseNonText(value);
    if (metadata.type === 'query') {
      const hidden = hiddenKeys(value, UNKNOWN_PARAMETER);
      if (Object.keys(hidden).length > 0) throw DomainError.validation(hidden);
      return this.query.transform(value, metadata);
    }
    if (metadata.type === 'body' && this.toValidate(metadata)) {
      // A missing body validates as an empty object, so required fields are named.
      const body = value ?? {};
      if (isUpload(body)) {
        throw new DomainError(ErrorCode.UnsupportedMediaType, 'This endpoint reads JSON bodies only.');
      }
      if (!isPlainBody(body)) throw DomainError.validation({ body: ['Body must be a JSON object.'] });
      const hidden = hiddenKeys(body, UNKNOWN_FIELD);
      if (Object.keys(hidden).length === 0) return super.transform(body, metadata);
      throw DomainError.validation({ ...(await this.fieldErrorsOf(body, metadata)), ...hidden });
    }
    return super.transform(value, metadata);
  }

  /** The validation errors of `body` apart from its hidden keys (none when it is otherwise valid). */
  private async fieldErrorsOf(body: unknown, metadata: ArgumentMetadata): Promise<FieldErrors> {
    try {
      await super.transform(body, metadata);
      return {};
    } catch (error) {
      if (error instanceof DomainError && error.code === ErrorCode.ValidationError) return error.options.errors ?? {};
      throw error;
    }
  }
}

/**
 * Keys Nest's ValidationPipe deletes, at every depth, before class-validator sees the body (its
 * prototype-pollution guard), so the whitelist never reports them: `{"__proto__": {...}, "name": "p"}`
 * would run as `{"name": "p"}`. JSON.parse makes each an own property, found here first.
 */
const HIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * Each hidden key of a JSON body or a query string, wherever it is, as an unknown field or
 * parameter (contract §1, §10). No DTO has a free-form object where such a key could mean
 * anything, and accepting one anywhere would run the request on other data than was sent.
 */
function hiddenKeys(body: unknown, unknown: string): FieldErrors {
  // No prototype, so that `errors['__proto__'] = ...` makes a key rather than setting one.
  const errors = Object.create(null) as FieldErrors;
  const visit = (value: unknown, path: string, depth: number): void => {
    if (typeof value !== 'object' || value === null || Buffer.isBuffer(value) || depth >= 64) return;
    for (const key of Object.keys(value)) {
      const child = (value as Record<string, unknown>)[key];
      const at = path ? `${path}.${key}` : key;
      if (HIDDEN_KEYS.has(key)) errors[at] = [unknown];
      else visit(child, at, depth + 1);
    }
  };
  visit(body, '', 0);
  return errors;
}

/** U+0000, or half of a surrogate pair (JSON's `\ud800` escape): not text a database keeps as sent. */
const NOT_TEXT = /[\0\p{Cs}]/u;

/**
 * Strings that are not text are refused wherever they are, as a validation error naming each: JSON
 * and query strings may carry U+0000, which PostgreSQL's text cannot hold (every such value
 * answered 500 there), and an unpaired surrogate, which its UTF-8 turns into U+FFFD, so that the
 * response would show what was sent and later reads what was kept. SQLite would keep either.
 */
function refuseNonText(value: unknown): void {
  const errors: FieldErrors = {};
  collectNonText(value, '', errors, 0);
  if (Object.keys(errors).length > 0) throw DomainError.validation(errors);
}

function collectNonText(value: unknown, path: string, errors: FieldErrors, depth: number): void {
  if (typeof value === 'string') {
    const field = path || 'body';
    if (NOT_TEXT.test(value)) {
      errors[field] = [`${field.split('.').pop()} must be text without U+0000 or unpaired surrogates`];
    }
  } else if (typeof value === 'object' && value !== null && !Buffer.isBuffer(value) && depth < 64) {
    for (const [key, child] of Object.entries(value)) {
      collectNonText(child, path ? `${path}.${key}` : key, errors, depth + 1);
    }
  }
}

/** A text/csv body (bytes) or a multipart upload (an object holding bytes). */
function isUpload(value: unknown): boolean {
  if (Buffer.isBuffer(value)) return true;
  return typeof value === 'object' && value !== null && Object.values(value).some((v) => Buffer.isBuffer(v));
}

function isPlainBody(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
