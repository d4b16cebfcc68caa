import { HttpException } from '@nestjs/common';
import { DomainError } from './domain-error';
import { ErrorCode } from './error-code';
import { fromFastifyError } from './fastify-errors';

// Messages of the pg client and pool when the server does not answer in time or is gone.
const UNAVAILABLE_PATTERNS = [
  /timeout/i,
  /Connection terminated/i,
  /ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT|EHOSTUNREACH/,
  /the database system is (starting up|shutting down)/i,
  /terminating connection/i,
  /Client has encountered a connection error/i,
  /SQLITE_BUSY|database is locked/i,
  /canceling statement due to statement timeout/i,
  // TypeORM releases a query runner whose connection emitted an error (the server terminated it);
  // the transaction's next query then fails with this instead of the connection's own error.
  /Query runner already released/,
  // ...or, when the next query asks for the released runner's connection (the killed one):
  /Database connection provided by a query runner was already released/,
];

/** True for errors that mean "the database is unreachable or too slow", as opposed to a bug. */
export function isDatabaseUnavailable(error: unknown): boolean {
  // Not `instanceof Error`: socket errors are made by Node's internals, which may be another realm.
  if (typeof error !== 'object' || error === null) return false;
  const { code, message } = error as { code?: unknown; message?: unknown };
  if (code === '57014' || code === '57P01' || code === '57P03' || code === '08006' || code === '08001') return true;
  const text = `${typeof message === 'string' ? message : ''} ${typeof code === 'string' ? code : ''}`;
  return UNAVAILABLE_PATTERNS.some((pattern) => pattern.test(text));
}

/** An unknown route, or a path that names nothing (404, never 400: contract §2). */
export const resourceNotFound = () => new DomainError(ErrorCode.NotFound, 'The requested resource was not found.');

/** Maps anything thrown to a DomainError; unknown errors become internal_error (logged by the caller). */
export function toDomainError(error: unknown): { domainError: DomainError; unexpected: boolean } {
  if (error instanceof DomainError) return { domainError: error, unexpected: false };
  if (isDatabaseUnavailable(error)) {
    return {
      domainError: new DomainError(ErrorCode.ServiceUnavailable, 'The database did not answer in time; retry later.', {
        headers: { 'Retry-After': '1' },
      }),
      unexpected: false,
    };
  }
  if (error instanceof HttpException) {
    return { domainError: fromFastifyError(error.cause) ?? fromHttpException(error), unexpected: false };
  }
  return { domainError: new DomainError(ErrorCode.InternalError, 'An unexpected error occurred.'), unexpected: true };
}

function fromHttpException(error: HttpException): DomainError {
  const status = error.getStatus();
  switch (status) {
    case 404:
    case 405:
      return resourceNotFound();
    case 401:
      return new DomainError(ErrorCode.Unauthorized, 'Authentication required.');
    case 403:
      return new DomainError(ErrorCode.Forbidden, 'You do not have access to this resource.');
    case 413:
      return new DomainError(ErrorCode.PayloadTooLarge, 'The request body is too large.');
    case 415:
      return new DomainError(ErrorCode.UnsupportedMediaType, 'This endpoint cannot read that content type.');
    case 429:
      return new DomainError(ErrorCode.RateLimited, 'Too many requests.');
    case 503:
      return new DomainError(ErrorCode.ServiceUnavailable, 'Service unavailable.');
    default:
      return status >= 500
        ? new DomainError(ErrorCode.InternalError, 'An unexpected error occurred.')
        : new DomainError(ErrorCode.BadRequest, 'The request could not be understood.');
  }
}
