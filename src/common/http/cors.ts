import fastifyCors, { type FastifyCorsOptions } from '@fastify/cors';
import type { FastifyInstance } from 'fastify';

/** What a browser client may send and read (contract §10). */
export const CORS_ALLOWED_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];
export const CORS_ALLOWED_HEADERS = [
  'Authorization',
  'X-API-Key',
  'Content-Type',
  'Idempotency-Key',
  'If-Match',
  'If-None-Match',
  'X-Request-ID',
];
export const CORS_EXPOSED_HEADERS = [
  'ETag',
  'Location',
  'X-Request-ID',
  'X-RateLimit-Limit',
  'X-RateLimit-Remaining',
  'X-RateLimit-Reset',
  'RateLimit',
  'RateLimit-Policy',
  'Retry-After',
  'Idempotent-Replayed',
];
const MAX_AGE_SECONDS = 600;

/**
 * CORS for `CORS_ORIGINS` (nothing at all when it is empty). The plugin works in an `onRequest`
 * hook, so a preflight is answered 204 there, before the body-time authentication (`preParsing`)
 * and the guards (authentication, rate limit) ever see it, and every actual answer to an allowed
 * origin, errors included, carries the headers from the start. A disallowed origin gets no
 * `Access-Control-*` header and its preflight is a 404 like any other OPTIONS. `GET /metrics`,
 * outside the API, opts out (`@AddRouteConfig({ cors: false })`): a page must never read it.
 */
export function registerCors(fastify: FastifyInstance, origins: '*' | string[]): void {
  if (origins !== '*' && origins.length === 0) return;
  const allowed = origins === '*' ? null : new Set(origins);
  const options: FastifyCorsOptions = {
    // A fixed `*` needs no `Vary`; a reflected origin does (the plugin adds `Vary: Origin` then).
    origin: allowed === null ? '*' : (origin, callback) => callback(null, allowed.has(origin ?? '') ? origin! : false),
    methods: CORS_ALLOWED_METHODS,
    allowedHeaders: CORS_ALLOWED_HEADERS,
    exposedHeaders: CORS_EXPOSED_HEADERS,
    maxAge: MAX_AGE_SECONDS,
    // An OPTIONS without Access-Control-Request-Method is no preflight, but the strict mode's
    // answer to it is a text/plain 400 outside the error envelope.
    strictPreflight: false,
  };
  void fastify.register(fastifyCors, options);
}

/**
 * The headers an actual answer to `origin` carries, for the answers no hook sees: the router's own
 * (a path it cannot decode, `answerFrameworkError`). The plugin sets the same on every other one.
 */
export function corsAnswerHeaders(origins: '*' | string[], origin: string | undefined): Record<string, string> {
  const exposed = CORS_EXPOSED_HEADERS.join(', ');
  if (origins === '*') return { 'Access-Control-Allow-Origin': '*', 'Access-Control-Expose-Headers': exposed };
  const headers: Record<string, string> = origins.length > 0 ? { Vary: 'Origin' } : {};
  if (origin === undefined || !origins.includes(origin)) return headers;
  return { ...headers, 'Access-Control-Allow-Origin': origin, 'Access-Control-Expose-Headers': exposed };
}
