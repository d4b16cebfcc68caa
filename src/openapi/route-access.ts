import type { INestApplication, Type } from '@nestjs/common';
import { ModulesContainer, Reflector } from '@nestjs/core';
import { AUTH_OPTIONS, type AuthOptions } from '../common/auth/authenticated.decorator';
import { IS_PUBLIC } from '../common/auth/public.decorator';
import { conditionalOf } from '../common/http/conditional';
import { createdLocationOf } from '../common/http/location';

/** A route's access policy as the guard reads it: public, or a token with scopes. */
export type RouteAccess = { public: true } | ({ public: false } & AuthOptions);

/**
 * The access policy of every handler, keyed by method name (the operationId). Read with the same
 * Reflector lookup as the AuthGuard, so the document says what is enforced, `anyScope` included
 * (which `x-required-scopes` cannot express).
 */
export function routeAccessByOperationId(app: INestApplication): Map<string, RouteAccess> {
  const reflector = new Reflector();
  const access = new Map<string, RouteAccess>();
  for (const { key, handler, controller } of handlers(app)) {
    const targets = [handler, controller];
    if (reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) {
      access.set(key, { public: true });
      continue;
    }
    const options = reflector.getAllAndOverride<AuthOptions | undefined>(AUTH_OPTIONS, targets);
    if (options) access.set(key, { public: false, ...options });
  }
  return access;
}

/** The method names (operationIds) of the handlers whose 201 carries a `Location` (`@CreatedLocation`). */
export function operationsWithLocation(app: INestApplication): Set<string> {
  const ids = new Set<string>();
  for (const { key, handler } of handlers(app)) if (createdLocationOf(handler)) ids.add(key);
  return ids;
}

/** The envelope key of each `@Conditional()` handler (ETag, If-None-Match / If-Match), by operationId. */
export function conditionalOperations(app: INestApplication): Map<string, string> {
  const ids = new Map<string, string>();
  for (const { key, handler } of handlers(app)) {
    const conditional = conditionalOf(handler);
    if (conditional) ids.set(key, conditional.envelope);
  }
  return ids;
}

/** Every handler of every controller, with its method name. */
function* handlers(app: INestApplication): Generator<{ key: string; handler: (...args: unknown[]) => unknown; controller: Type<unknown> }> {
  for (const module of app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) {
      const controller = wrapper.metatype as Type<unknown> | null;
      if (!controller) continue;
      const proto = controller.prototype as Record<string, unknown>;
      for (const key of Object.getOwnPropertyNames(proto)) {
        const handler = proto[key];
        if (key === 'constructor' || typeof handler !== 'function') continue;
        yield { key, handler: handler as (...args: unknown[]) => unknown, controller };
      }
    }
  }
}
