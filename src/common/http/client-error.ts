import { randomUUID } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import { DomainError } from '../errors/domain-error';
import { errorResponse } from '../errors/error-body';
import { ErrorCode } from '../errors/error-code';

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
