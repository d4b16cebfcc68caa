import { FASTIFY_ROUTE_CONFIG_METADATA } from '@nestjs/platform-fastify/constants';
import type { FastifyContextConfig } from 'fastify';
import type { ConditionalConfig } from './conditional';
import type { CreatedLocationConfig } from './location';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Set by `@Public()`: no token needed, so nothing is authenticated before the body is read. */
    isPublic?: boolean;
    /** Set by `@AcceptsUpload()`: reads multipart files and raw upload bodies up to CSV_IMPORT_MAX_BYTES. */
    acceptsUpload?: boolean;
    /** `false`: @fastify/cors sends no CORS headers on this route (`GET /metrics`). */
    cors?: false;
    /** Set by `@CreatedLocation()`: where a 201 of this route says the created resource is. */
    location?: CreatedLocationConfig;
    /** Set by `@Conditional()`: the resource envelope whose ETag this route sends (and honours). */
    conditional?: ConditionalConfig;
  }
}

/**
 * Adds keys to a handler's Fastify route config (`request.routeOptions.config`), which the hooks
 * and body parsers that run before Nest's pipeline read. Merged, where Nest's `@RouteConfig()`
 * replaces, so that two decorators on one handler cannot drop each other's key.
 */
export function AddRouteConfig(config: FastifyContextConfig): MethodDecorator {
  return (_target, _key, descriptor) => {
    const handler = descriptor.value as object;
    const current = Reflect.getMetadata(FASTIFY_ROUTE_CONFIG_METADATA, handler) as FastifyContextConfig | undefined;
    Reflect.defineMetadata(FASTIFY_ROUTE_CONFIG_METADATA, { ...current, ...config }, handler);
  };
}
