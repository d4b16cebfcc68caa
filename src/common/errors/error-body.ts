import type { FastifyReply } from 'fastify';
import type { DomainError } from './domain-error';
import { ErrorCode, errorStatus, errorTitle } from './error-code';

export interface ErrorBody {
  error: string;
  message: string;
  error_code: ErrorCode;
  request_id: string;
  errors?: Record<string, string[]>;
  [extra: string]: unknown;
}

export interface ErrorResponse {
  status: number;
  body: ErrorBody;
  headers: Record<string, string>;
}

/** The envelope of contract §2, built in one place for the Nest filter and the Fastify error handler. */
export function errorResponse(error: DomainError, requestId: string): ErrorResponse {
  const { title, errors, extra, headers } = error.options;
  const body: ErrorBody = {
    ...extra,
    error: title ?? errorTitle(error.code),
    message: error.message,
    error_code: error.code,
    request_id: requestId,
  };
  if (errors) body.errors = errors;
  if (error.code === ErrorCode.Unauthorized) {
    return { status: 401, body, headers: { 'WWW-Authenticate': 'Bearer', ...headers } };
  }
  return { status: errorStatus(error.code), body, headers: { ...headers } };
}

/** Sends `error` in the envelope on a Fastify reply: the global filter's answer, and the router's. */
export function sendError(reply: FastifyReply, error: DomainError, requestId: string): void {
  const { status, body, headers } = errorResponse(error, requestId);
  void reply.status(status).headers(headers).type('application/json; charset=utf-8').send(body);
}
