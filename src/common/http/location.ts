import { FASTIFY_ROUTE_CONFIG_METADATA } from '@nestjs/platform-fastify/constants';
import type { FastifyContextConfig, FastifyReply, FastifyRequest } from 'fastify';
import { AddRouteConfig } from './route-config';

export interface CreatedLocationConfig {
  /** The collection under the API prefix: `projects`, `inventory/items`. */
  collection: string;
  /** Where the new resource's id is in the 201 body: `['project', 'id']`. */
  idPath: string[];
}

/**
 * A 201 of this route carries `Location: /api/v1/<collection>/<id>` (contract §10), the id read
 * from the body at `idField` (`project.id`). The header is set when the answer is sent (an
 * `onSend` hook), from the body that goes out: a fresh answer and an idempotent replay of it,
 * which is the same body, carry the same Location.
 */
export function CreatedLocation(collection: string, idField: string): MethodDecorator {
  return AddRouteConfig({ location: { collection, idPath: idField.split('.') } });
}

/** The `Location` a handler declares, if any (the OpenAPI document reads it). */
export function createdLocationOf(handler: object): CreatedLocationConfig | null {
  const config = Reflect.getMetadata(FASTIFY_ROUTE_CONFIG_METADATA, handler) as FastifyContextConfig | undefined;
  return config?.location ?? null;
}

/** The `onSend` hook that writes the header. Only 201s of declaring routes parse their body. */
export function addCreatedLocation(prefix: string) {
  return (
    request: FastifyRequest,
    reply: FastifyReply,
    payload: unknown,
    done: (error: Error | null, payload?: unknown) => void,
  ): void => {
    const location = request.routeOptions.config.location;
    if (location && reply.statusCode === 201) {
      const body = typeof payload === 'string' ? payload : Buffer.isBuffer(payload) ? payload.toString('utf8') : '';
      const id = idIn(body, location.idPath);
      if (id !== null) void reply.header('Location', `${prefix}/${location.collection}/${id}`);
    }
    done(null, payload);
  };
}

function idIn(json: string, path: string[]): string | null {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    return null;
  }
  for (const key of path) {
    if (typeof value !== 'object' || value === null) return null;
    value = (value as Record<string, unknown>)[key];
  }
  const id = typeof value === 'number' || typeof value === 'string' ? String(value) : '';
  return /^[1-9]\d{0,18}$/.test(id) ? id : null;
}
