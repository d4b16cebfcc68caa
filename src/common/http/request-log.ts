import type { FastifyReply, FastifyRequest } from 'fastify';

/** W3C Trace Context: `version-traceid-parentid-flags`; an all-zero id is invalid. */
const TRACEPARENT = /^[\da-f]{2}-([\da-f]{32})-([\da-f]{16})-[\da-f]{2}$/;
const MAX_USER_AGENT = 256;

/** The trace id of a `traceparent` header, or null when it is absent or malformed. */
export function traceIdOf(header: string | string[] | undefined): string | null {
  const value = Array.isArray(header) ? header[0] : header;
  const match = value ? TRACEPARENT.exec(value.trim().toLowerCase()) : null;
  if (!match || /^0+$/.test(match[1]) || /^0+$/.test(match[2])) return null;
  return match[1];
}

/**
 * The fields of the one log line per request. Never a header value that authenticates, never a
 * body, and the path without its query string (search terms and filters stay out of logs).
 */
export function requestLogFields(request: FastifyRequest, reply: FastifyReply): Record<string, unknown> {
  const userAgent = request.headers['user-agent'];
  return {
    request_id: request.id,
    method: request.method,
    route: request.routeOptions.url ?? null,
    path: request.url.split('?', 1)[0],
    status: reply.statusCode,
    duration_ms: Math.round(reply.elapsedTime * 10) / 10,
    // request.ip honours TRUST_PROXY (Fastify's trustProxy).
    client_ip: request.ip,
    user_agent: typeof userAgent === 'string' ? userAgent.slice(0, MAX_USER_AGENT) : null,
    trace_id: traceIdOf(request.headers.traceparent),
    token_id: (request as FastifyRequest & { auth?: { tokenId?: number } }).auth?.tokenId ?? null,
  };
}
