import type { ExampleObject, ResponseObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import { ErrorCode, errorTitle } from '../common/errors/error-code';
import { headerRef, RATE_LIMIT_HEADERS } from './shared-headers';

export const ERROR_REF = '#/components/schemas/ErrorResponseDto';
const REQUEST_ID = '6f1c1f8e-7d1e-4c61-9a53-0d3c2b9f7e21';

/** A sample envelope per code, with the title and message the server sends (contract §2). */
const SAMPLES: Record<ErrorCode, { error?: string; message: string; extra?: Record<string, unknown> }> = {
  [ErrorCode.Unauthorized]: { error: 'Invalid token', message: 'The provided API token is invalid.' },
  [ErrorCode.Forbidden]: {
    error: 'Insufficient permissions',
    message: "This endpoint requires the 'write:projects' scope",
    extra: { required_scope: 'write:projects', available_scopes: ['read:projects', 'read:time_entries'] },
  },
  [ErrorCode.ModuleDisabled]: { message: 'The inventory module is disabled by the administrator.' },
  [ErrorCode.NotFound]: { message: 'Project 42 not found' },
  [ErrorCode.ValidationError]: {
    message: 'Validation failed',
    extra: { errors: { name: ['name must be shorter than or equal to 200 characters'], color: ['color must be #RRGGBB'] } },
  },
  [ErrorCode.BadRequest]: { error: 'Malformed JSON', message: 'The request body is not valid JSON.' },
  [ErrorCode.Conflict]: { message: 'The resource changed since you read it; fetch it again and retry.' },
  [ErrorCode.TimerAlreadyRunning]: { message: 'A timer is already running; stop it before starting another.' },
  [ErrorCode.NoActiveTimer]: { message: 'No timer is running.' },
  [ErrorCode.TimeOverlap]: {
    message: 'This time overlaps one of your existing entries; choose another range or edit that entry.',
  },
  [ErrorCode.IdempotencyKeyInUse]: { message: 'A request with this Idempotency-Key is still being processed.' },
  [ErrorCode.IdempotencyKeyMismatch]: { message: 'This Idempotency-Key was already used with a different request.' },
  [ErrorCode.CursorExpired]: {
    message: 'This cursor is older than the retained history of changes; list everything again, then follow the feed.',
  },
  [ErrorCode.InsufficientStock]: {
    message: 'Insufficient stock: 4 on hand in warehouse 2, 10 requested.',
    extra: { available: 4, requested: 10 },
  },
  [ErrorCode.PayloadTooLarge]: { message: 'The request body exceeds the 1 MiB limit.' },
  [ErrorCode.UnsupportedMediaType]: { message: 'This endpoint cannot read that content type.' },
  [ErrorCode.RateLimited]: {
    message: 'Rate limit exceeded for this API token; retry after the indicated time.',
    extra: { limit_per_minute: 100, limit_per_hour: 1000, remaining_per_minute: 0, remaining_per_hour: 912 },
  },
  [ErrorCode.ServiceUnavailable]: { message: 'The database did not answer in time; retry later.' },
  [ErrorCode.InternalError]: { message: 'An unexpected error occurred.' },
};

/** One coherent error body: title, message, code and extras that belong together. */
export function errorExample(code: ErrorCode, override: { message?: string; extra?: Record<string, unknown> } = {}) {
  const sample = SAMPLES[code];
  return {
    error: sample.error ?? errorTitle(code),
    message: override.message ?? sample.message,
    error_code: code,
    request_id: REQUEST_ID,
    ...(override.extra ?? sample.extra),
  };
}

/** Media-type `examples` for an error response: one per code it can carry. */
export function errorExamples(
  codes: ReadonlyArray<ErrorCode | { code: ErrorCode; message?: string; extra?: Record<string, unknown> }>,
): Record<string, ExampleObject> {
  return Object.fromEntries(
    codes.map((entry) => {
      const { code, ...override } = typeof entry === 'string' ? { code: entry } : entry;
      return [code, { summary: errorTitle(code), value: errorExample(code, override) }];
    }),
  );
}

export function errorContent(
  codes: Parameters<typeof errorExamples>[0],
): NonNullable<ResponseObject['content']> {
  return { 'application/json': { schema: { $ref: ERROR_REF }, examples: errorExamples(codes) } };
}

const rateLimited = Object.fromEntries(RATE_LIMIT_HEADERS.map((name) => [name, headerRef(name)]));

/**
 * Error responses that read the same on every route, kept once in `components.responses`. The
 * route-specific ones (403, 404, 409) stay inline: their codes and examples differ per operation.
 */
export const SHARED_RESPONSES = {
  ValidationFailed: {
    description:
      '`validation_error`: the body or a query parameter is invalid, or a query parameter unknown ("Unknown ' +
      'parameter."); `errors` names each field. ' +
      '`bad_request`: malformed JSON, a bad header, or both `Authorization` and `X-API-Key`.',
    content: errorContent([ErrorCode.ValidationError, ErrorCode.BadRequest]),
    headers: { 'X-Request-ID': headerRef('X-Request-ID'), ...rateLimited },
  },
  BadRequest: {
    description:
      '`validation_error`: a query parameter this operation does not take; `errors` names it ("Unknown ' +
      'parameter."). `bad_request`: a bad header (such as `Idempotency-Key`), or both `Authorization` and `X-API-Key`.',
    content: errorContent([
      { code: ErrorCode.ValidationError, message: 'Validation failed', extra: { errors: { projectId: ['Unknown parameter.'] } } },
      {
        code: ErrorCode.BadRequest,
        message: "Send the API token in one header only: 'Authorization' or 'X-API-Key', not both.",
      },
    ]),
    headers: { 'X-Request-ID': headerRef('X-Request-ID'), ...rateLimited },
  },
  UnknownParameter: {
    description: '`validation_error`: a query parameter this operation does not take; `errors` names it ("Unknown parameter.").',
    content: errorContent([
      { code: ErrorCode.ValidationError, message: 'Validation failed', extra: { errors: { verbose: ['Unknown parameter.'] } } },
    ]),
    headers: { 'X-Request-ID': headerRef('X-Request-ID') },
  },
  Unauthorized: {
    description:
      '`unauthorized`: no token, a malformed, unknown, revoked or expired one, an IP address the token does not ' +
      'allow, or an inactive user. The message says which.',
    content: errorContent([ErrorCode.Unauthorized]),
    headers: {
      'X-Request-ID': headerRef('X-Request-ID'),
      'WWW-Authenticate': { description: 'Always `Bearer`.', schema: { type: 'string' } },
    },
  },
  PayloadTooLarge: {
    description: '`payload_too_large`: the JSON body is over 1 MiB.',
    content: errorContent([ErrorCode.PayloadTooLarge]),
    headers: { 'X-Request-ID': headerRef('X-Request-ID'), ...rateLimited },
  },
  UnsupportedMediaType: {
    description: '`unsupported_media_type`: a `Content-Type` this endpoint cannot read.',
    content: errorContent([ErrorCode.UnsupportedMediaType]),
    headers: { 'X-Request-ID': headerRef('X-Request-ID'), ...rateLimited },
  },
  IdempotencyKeyMismatch: {
    description: '`idempotency_key_mismatch`: this `Idempotency-Key` was used with a different request.',
    content: errorContent([ErrorCode.IdempotencyKeyMismatch]),
    headers: { 'X-Request-ID': headerRef('X-Request-ID'), ...rateLimited },
  },
  RateLimited: {
    description:
      "`rate_limited`: over the token's limit (the body gives both windows' limits and what remains), or too many " +
      'failed authentications from this address. Retry after `Retry-After` seconds.',
    content: errorContent([ErrorCode.RateLimited]),
    headers: { 'X-Request-ID': headerRef('X-Request-ID'), 'Retry-After': headerRef('Retry-After'), ...rateLimited },
  },
  ServiceUnavailable: {
    description: '`service_unavailable`: the database did not answer in time. Retry after `Retry-After` seconds.',
    content: errorContent([ErrorCode.ServiceUnavailable]),
    headers: { 'X-Request-ID': headerRef('X-Request-ID'), 'Retry-After': headerRef('Retry-After'), ...rateLimited },
  },
  NotModified: {
    description:
      'Not modified: `If-None-Match` names the current `ETag`. No body; the cached representation is current.',
    headers: { 'X-Request-ID': headerRef('X-Request-ID'), ETag: headerRef('ETag'), ...rateLimited },
  },
} satisfies Record<string, ResponseObject>;

export type SharedResponse = keyof typeof SHARED_RESPONSES;

export function responseRef(name: SharedResponse) {
  return { $ref: `#/components/responses/${name}` };
}
