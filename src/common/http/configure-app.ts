import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import fastifyMultipart from '@fastify/multipart';
import { APP_CONFIG, type AppConfig } from '../../config/app-config';
import { APP_LOGGER } from '../logging/logger';
import { MetricsService } from '../../modules/metrics/metrics.service';
import { setupOpenApi } from '../../openapi/openapi';
import { TokenAuthenticator } from '../../modules/api-tokens/token-authenticator.service';
import { authenticateBeforeBody } from '../auth/authenticate-before-body';
import { MAX_BODY_BYTES } from './body-limits';
import { answerConditionally } from './conditional';
import { corsAnswerHeaders, registerCors } from './cors';
import { addCreatedLocation } from './location';
import { answerClientError, answerFrameworkError } from './client-error';
import { parseJsonBody } from './json-body.parser';
import { attachMultipartBody, type MultipartLimits } from './multipart-body';
import { requestIdFor } from './request-id';
import { requestLogFields } from './request-log';
import { RAW_UPLOAD_TYPES, rawUploadParser } from './upload-body';

export const API_PREFIX = 'api/v1';

/** Nest's own body parsers are off: ours (below) enforce depth and error shapes. */
export const NEST_APP_OPTIONS = { bodyParser: false } as const;

export function createFastifyAdapter(
  config: Pick<AppConfig, 'trustProxy'> & Partial<Pick<AppConfig, 'corsOrigins'>>,
): FastifyAdapter {
  const corsOrigins = config.corsOrigins ?? [];
  return new FastifyAdapter({
    trustProxy: config.trustProxy,
    logger: false,
    bodyLimit: MAX_BODY_BYTES,
    genReqId: requestIdFor,
    // Fastify closes idle keep-alive sockets on close(); in-flight requests finish.
    forceCloseConnections: 'idle',
    routerOptions: { maxParamLength: 200 },
    clientErrorHandler: answerClientError,
    frameworkErrors: (error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
      // No hook runs before these answers: the CORS plugin's headers are set here.
      void reply.headers(corsAnswerHeaders(corsOrigins, request.headers.origin));
      answerFrameworkError(error, request, reply);
    },
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

  // Before any parser: a body is read only for a caller with a valid token (or a public route).
  fastify.addHook('preParsing', authenticateBeforeBody(app.get(TokenAuthenticator)));
  fastify.removeAllContentTypeParsers();
  const jsonParser = (_req: unknown, body: string | Buffer, done: (err: Error | null, body?: unknown) => void) => {
    try {
      done(null, parseJsonBody(body.toString()));
    } catch (error) {
      done(error as Error, undefined);
    }
  };
  fastify.addContentTypeParser('application/json', { parseAs: 'string' }, jsonParser);
  // Uploads (the CSV import): raw bodies and multipart files up to their own limit, on the routes
  // that take them only, kept as bytes (the importer streams them through the CSV parser; the
  // idempotency fingerprint hashes them).
  const { maxBytes } = app.get<AppConfig>(APP_CONFIG).csvImport;
  fastify.addContentTypeParser(RAW_UPLOAD_TYPES, rawUploadParser(maxBytes));
  const multipartLimits: MultipartLimits = { fileSize: maxBytes, files: 1, fields: 10 };
  void fastify.register(fastifyMultipart, { limits: { ...multipartLimits, fieldSize: 1024 } });
  fastify.addHook('preValidation', attachMultipartBody(multipartLimits));
  fastify.addContentTypeParser(/^application\/[\w.+-]+\+json$/, { parseAs: 'string' }, jsonParser);

  fastify.addHook('onRequest', (request, reply, done) => {
    void reply.header('X-Request-ID', request.id);
    done();
  });
  // After the request id (a preflight carries one too), before authentication and the guards.
  registerCors(fastify, app.get<AppConfig>(APP_CONFIG).corsOrigins);
  fastify.addHook('onSend', addCreatedLocation(`/${API_PREFIX}`));
  fastify.addHook('onSend', answerConditionally());
  const metrics = app.get(MetricsService);
  fastify.addHook('onResponse', (request, reply, done) => {
    metrics.observeRequest(
      request.method,
      request.routeOptions.url ?? 'unmatched',
      reply.statusCode,
      reply.elapsedTime / 1000,
    );
    logger.info(requestLogFields(request, reply), 'request');
    done();
  });

  app.setGlobalPrefix(API_PREFIX, { exclude: ['metrics'] });
  setupOpenApi(app);
}
