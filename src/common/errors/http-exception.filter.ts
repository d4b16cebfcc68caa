import { type ArgumentsHost, Catch, type ExceptionFilter, Inject } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { APP_LOGGER } from '../logging/logger';
import { sendError } from './error-body';
import { ErrorCode } from './error-code';
import { toDomainError } from './to-domain-error';

/** The one global filter: every error leaves as the contract's envelope, never with a stack or SQL. */
@Catch()
export class HttpExceptionFilter implements ExceptionFilter {
  constructor(@Inject(APP_LOGGER) private readonly logger: Logger) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    const { domainError, unexpected } = toDomainError(exception);
    if (unexpected) {
      this.logger.error({ err: exception, request_id: request.id }, 'unhandled error');
    } else if (domainError.code === ErrorCode.ServiceUnavailable) {
      this.logger.warn({ request_id: request.id, reason: (exception as Error).message }, 'dependency unavailable');
    }
    if (reply.sent) return;
    sendError(reply, domainError, String(request.id));
  }
}
