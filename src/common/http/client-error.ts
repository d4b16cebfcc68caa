import { randomUUID } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { DomainError } from '../errors/domain-error';
import { errorResponse, sendError } from '../errors/error-body';
import { ErrorCode } from '../errors/error-code';
import { resourceNotFound } from '../errors/to-domain-error';

/** What Node's HTTP parser reports, by its error code: the status to answer and why. */
function describe(code: string | undefined): [number, string] {
  if (code === 'HPE_HEADER_OVERFLOW') return [431, 'The request headers are larger than this server accepts.'];
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT') return [408, 'The request was not received in time.'];
  return [400, 'The request is not valid HTTP.'];
}

/**
 * Fastify's `clientErrorHandler`: errors Node's HTTP server raises before there is a request
 * (headers over its limit, a malformed request line, a client too slow to send its headers),
 * answered in the contract's envelope as `bad_request` (Fastify's default writes a body of its
 * own), keeping the status that says what went wrong, and the connection closed, as Node does.
 */
export function answerClientError(error: NodeJS.ErrnoException, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const [status, message] = describe(error.code);
  const title = STATUS_CODES[status] ?? 'Bad Request';
  const { body } = errorResponse(new DomainError(ErrorCode.BadRequest, message, { title }), randomUUID());
  const json = JSON.stringify(body);
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${title}\r\nContent-Type: application/json; charset=utf-8\r\n` +
        `Content-Length: ${Buffer.byteLength(json)}\r\nConnection: close\r\n\r\n${json}`,
    );
  }
  socket.destroy(error);
}

/**
 * Fastify's `frameworkErrors`: what its router refuses before any route runs, in the envelope
 * (its default writes a body of its own). A path that cannot be decoded (`%zz`) or a parameter
 * longer than the router takes names no resource: 404, never 400 (contract §2).
 */
export function answerFrameworkError(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const notFound = error.code === 'FST_ERR_BAD_URL' || error.code === 'FST_ERR_MAX_PARAM_LENGTH';
  // The onRequest hook that sets it has not run.
  void reply.header('X-Request-ID', request.id);
  sendError(
    reply,
    notFound ? resourceNotFound() : new DomainError(ErrorCode.InternalError, 'An unexpected error occurred.'),
    String(request.id),
  );
}
