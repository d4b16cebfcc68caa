import type { FastifyReply, FastifyRequest, RequestPayload } from 'fastify';
import type { TokenAuthenticator } from '../../modules/api-tokens/token-authenticator.service';

/**
 * A `preParsing` hook: a request that carries a body to a route that is not public is
 * authenticated before the body is read, with the guard's own first check (failures counted per
 * IP), so that a client without a valid token never makes the server buffer a body (contract §1)
 * and its 401 comes before any 400, 413 or 415 about that body (§3). Without a valid token the
 * answer goes out at once and the connection closes, the body unread; with one, the guard finds
 * `request.auth` set and does not authenticate again.
 */
export function authenticateBeforeBody(authenticator: TokenAuthenticator) {
  return async (request: FastifyRequest, reply: FastifyReply, payload: RequestPayload): Promise<RequestPayload> => {
    if (!carriesBody(request) || request.is404 || request.routeOptions.config.isPublic) return payload;
    try {
      request.auth = await authenticator.authenticateRequest(request);
    } catch (error) {
      void reply.header('Connection', 'close');
      throw error;
    }
    return payload;
  };
}

/** A body Fastify will read: never one of a GET or HEAD. */
function carriesBody({ method, headers }: FastifyRequest): boolean {
  if (method === 'GET' || method === 'HEAD') return false;
  return headers['transfer-encoding'] !== undefined || (headers['content-length'] ?? '0') !== '0';
}
