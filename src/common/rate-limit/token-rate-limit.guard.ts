import { Inject, Injectable } from '@nestjs/common';
import { MetricsService } from '../../modules/metrics/metrics.service';
import { ThrottlerGuard, type ThrottlerRequest } from '@nestjs/throttler';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DomainError } from '../errors/domain-error';
import { ErrorCode } from '../errors/error-code';
import { rateLimitBodyFields, rateLimitHeaders } from './rate-limit-headers';
import { SlidingWindowStorage } from './sliding-window.storage';

/**
 * Per-token limits over the whole API (not per route or IP), after authentication and scope
 * checks (registered after the auth guard). Public routes carry no token and are not limited here.
 */
@Injectable()
export class TokenRateLimitGuard extends ThrottlerGuard {
  // Property injection: the constructor is ThrottlerGuard's.
  @Inject(MetricsService) private readonly metrics: MetricsService;

  protected override async handleRequest({ context }: ThrottlerRequest): Promise<boolean> {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const reply = context.switchToHttp().getResponse<FastifyReply>();
    if (!request.auth) return true;
    const decision = await (this.storageService as SlidingWindowStorage).consume(`token:${request.auth.tokenId}`);
    const headers = rateLimitHeaders(decision);
    if (decision.allowed) {
      void reply.headers(headers);
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
