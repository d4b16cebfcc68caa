import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import fastifyMultipart from '@fastify/multipart';
import { APP_CONFIG, type AppConfig } from '../../config/app-config';
import { APP_LOGGER } from '../logging/logger';
import { MetricsService } from '../../modules/metrics/metrics.service';
import { setupOpenApi } from '../../openapi/openapi';
import { answerClientError, answerFrameworkError } from './client-error';
import { parseJsonBody } from './json-body.parser';
import { attachMultipartBody } from './multipart-body';
import { requestIdFor } from './request-id';

export const API_PREFIX = 'api/v1';
export const MAX_BODY_BYTES = 1024 * 1024;

/** Nest's own body parsers are off: ours (below) enforce depth and error shapes. */
export const NEST_APP_OPTIONS = { bodyParser: false } as const;

export function createFastifyAdapter(config: Pick<AppConfig, 'trustProxy'>): FastifyAdapter {
  return new FastifyAdapter({
    trustProxy: config.trustProxy,
    logger: false,
    bodyLimit: MAX_BODY_BYTES,
    genReqId: requestIdFor,
    // Fastify closes idle keep-alive sockets on close(); in-flight requests finish.
    forceCloseConnections: 'idle',
    routerOptions: { maxParamLength: 200 },
    clientErrorHandler: answerClientError,
    frameworkErrors: answerFrameworkError,
  });
}

/**
 * Everything that lives on the HTTP layer rather than in Nest's pipeline, shared by main.ts and
 * the e2e tests so both run the same stack. Global pipe, filter, guards and interceptors are
 * APP_* providers in AppModule; Nest routes Fastify's own errors (body limit, content type)
 * into that same filter.
 */
export function configureApp(app: NestFastifyApplication): void {
  const logger = app.get<Logger>(APP_LOGGER);
  const fastify = app.getHttpAdapter().getInstance();

  fastify.removeAllContentTypeParsers();
  const jsonParser = (_req: unknown, body: string | Buffer, done: (err: Error | null, body?: unknown) => void) => {
    try {
      done(null, parseJsonBody(body.toString()));
    } catch (error) {
      done(error as Error, undefined);
    }
  };
  fastify.addContentTypeParser('application/json', { parseAs: 'string' }, jsonParser);
  // CSV imports: raw text/csv and multipart uploads up to their own limit, kept as bytes (the
  // importer streams them through the CSV parser; the idempotency fingerprint hashes them).
  const { maxBytes } = app.get<AppConfig>(APP_CONFIG).csvImport;
  fastify.addContentTypeParser(
    ['text/csv', 'application/csv'],
    { parseAs: 'buffer', bodyLimit: maxBytes },
    (_req, body, done) => done(null, body),
  );
  void fastify.register(fastifyMultipart, {
    limits: { fileSize: maxBytes, files: 1, fields: 10, fieldSize: 1024 },
  });
  fastify.addHook('preValidation', attachMultipartBody);
  fastify.addContentTypeParser(/^application\/[\w.+-]+\+json$/, { parseAs: 'string' }, jsonParser);

  fastify.addHook('onRequest', (request, reply, done) => {
    void reply.header('X-Request-ID', request.id);
    done();
  });
  const metrics = app.get(MetricsService);
  fastify.addHook('onResponse', (request, reply, done) => {
    metrics.observeRequest(
      request.method,
      request.routeOptions.url ?? 'unmatched',
      reply.statusCode,
      reply.elapsedTime / 1000,
    );
    logger.info(
      {
        request_id: request.id,
        method: request.method,
        route: request.routeOptions.url ?? null,
        status: reply.statusCode,
        duration_ms: Math.round(reply.elapsedTime * 10) / 10,
        token_id: tokenIdOf(request),
      },
      'request',
    );
    done();
  });

  app.setGlobalPrefix(API_PREFIX, { exclude: ['metrics'] });
  setupOpenApi(app);
}

function tokenIdOf(request: FastifyRequest): number | null {
  const auth = (request as FastifyRequest & { auth?: { tokenId?: number } }).auth;
  return auth?.tokenId ?? null;
}
