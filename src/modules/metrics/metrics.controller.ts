import { timingSafeEqual } from 'node:crypto';
import { Controller, Get, Headers, Inject, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Public } from '../../common/auth/public.decorator';
import { AddRouteConfig } from '../../common/http/route-config';
import { DomainError } from '../../common/errors/domain-error';
import { ErrorCode } from '../../common/errors/error-code';
import { APP_CONFIG, type AppConfig } from '../../config/app-config';
import { MetricsService } from './metrics.service';

/** `GET /metrics` (outside /api/v1): Prometheus text; behind METRICS_TOKEN when it is set. */
@ApiExcludeController()
@Controller('metrics')
export class MetricsController {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly metrics: MetricsService,
  ) {}

  @Get()
  @Public()
  // Outside the API: no browser page may read it, whatever CORS_ORIGINS allows.
  @AddRouteConfig({ cors: false })
  async getMetrics(
    @Headers('authorization') authorization: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const expected = this.config.metricsToken;
    if (expected) {
      const given = Buffer.from(authorization?.replace(/^Bearer\s+/i, '') ?? '');
      const want = Buffer.from(expected);
      if (given.length !== want.length || !timingSafeEqual(given, want)) {
        throw new DomainError(ErrorCode.Unauthorized, 'GET /metrics needs the METRICS_TOKEN as a bearer token.');
      }
    }
    void reply.type(this.metrics.registry.contentType);
    return this.metrics.registry.metrics();
  }
}
