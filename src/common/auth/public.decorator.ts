import { applyDecorators, SetMetadata } from '@nestjs/common';
import { AddRouteConfig } from '../http/route-config';

export const IS_PUBLIC = 'auth:public';

/**
 * Marks a route as reachable without a token. Every other route must declare `@Authenticated`.
 * On handlers only: the hook that authenticates a request before its body is read learns from the
 * route's Fastify config, which Nest fills from the handler's metadata alone, that it may skip it.
 */
export const Public = (): MethodDecorator =>
  applyDecorators(SetMetadata(IS_PUBLIC, true), AddRouteConfig({ isPublic: true }));
