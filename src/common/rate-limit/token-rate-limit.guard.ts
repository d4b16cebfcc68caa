import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { MetricsService } from '../../modules/metrics/metrics.service';
import { DomainError } from '../errors/domain-error';
import { ErrorCode } from '../errors/error-code';
import { rateLimitBodyFields, rateLimitHeaders } from './rate-limit-headers';
import { SlidingWindowStorage } from './sliding-window.storage';

/**
 * Per-token limits over the whole API (not per route or IP), after authentication and scope
 * checks (registered after the auth guard). Public routes carry no token and are not limited here.
 * A plain guard: its own work is one storage call (one Redis round trip) and the headers.
 */
@Injectable()
export class TokenRateLimitGuard implements CanActivate {
  constructor(
    private readonly storage: SlidingWindowStorage,
    private readonly metrics: MetricsService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const http = context.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    if (!request.auth) return true;
    const decision = await this.storage.consume(`token:${request.auth.tokenId}`);
    const headers = rateLimitHeaders(decision);
    if (decision.allowed) {
      void http.getResponse<FastifyReply>().headers(headers);
      return true;
    }
    this.metrics.rateLimited.inc();
    throw new DomainError(
      ErrorCode.RateLimited,
      'Rate limit exceeded for this API token; retry after the indicated time.',
      {
        extra: rateLimitBodyFields(decision),
        headers,
      },
    );
  }
}
