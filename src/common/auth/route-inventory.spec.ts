import 'reflect-metadata';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { METHOD_METADATA, MODULE_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { RequestMethod, type Type } from '@nestjs/common';
import { FASTIFY_ROUTE_CONFIG_METADATA } from '@nestjs/platform-fastify/constants';
import type { FastifyContextConfig } from 'fastify';
import { AppModule } from '../../app.module';
import { API_PREFIX } from '../http/configure-app';
import { AUTH_OPTIONS, type AuthOptions } from './authenticated.decorator';
import { IS_PUBLIC } from './public.decorator';

interface Route {
  name: string;
  /** `GET /api/v1/projects/{id}`, as OpenAPI spells it. */
  operations: string[];
  documented: boolean;
  isPublic: boolean;
  auth: AuthOptions | undefined;
  /** What the Fastify hooks and body parsers that run before Nest's pipeline know of the route. */
  fastifyConfig: FastifyContextConfig;
}

/** @nestjs/swagger's metadata keys for ApiExcludeController / ApiExcludeEndpoint (its constants are not exported). */
const EXCLUDE_CONTROLLER = 'swagger/apiExcludeController';
const EXCLUDE_ENDPOINT = 'swagger/apiExcludeEndpoint';

/** Nest path metadata: a string or a list of them. */
const paths = (value: string | string[] | undefined): string[] => (Array.isArray(value) ? value : [value ?? '']);
const joinPath = (...parts: string[]) =>
  `/${parts
    .flatMap((p) => p.split('/'))
    .filter(Boolean)
    .join('/')}`;

/** Every controller route reachable from AppModule, with its declared access policy. */
function collectRoutes(module: Type<unknown>, seen = new Set<unknown>()): Route[] {
  if (seen.has(module)) return [];
  seen.add(module);
  const routes: Route[] = [];
  const imports = (Reflect.getMetadata(MODULE_METADATA.IMPORTS, module) ?? []) as Array<
    Type<unknown> | { module?: Type<unknown> }
  >;
  for (const imported of imports) {
    const target = (imported as { module?: Type<unknown> }).module ?? (imported as Type<unknown>);
    if (typeof target === 'function') routes.push(...collectRoutes(target, seen));
  }
  const controllers = (Reflect.getMetadata(MODULE_METADATA.CONTROLLERS, module) ?? []) as Array<Type<unknown>>;
  for (const controller of controllers) {
    const proto = controller.prototype as Record<string, unknown>;
    for (const key of Object.getOwnPropertyNames(proto)) {
      const handler = proto[key];
      if (key === 'constructor' || typeof handler !== 'function') continue;
      if (
        Reflect.getMetadata(PATH_METADATA, handler) === undefined ||
        Reflect.getMetadata(METHOD_METADATA, handler) === undefined
      ) {
        continue;
      }
      const read = <T>(meta: string) =>
        (Reflect.getMetadata(meta, handler) ?? Reflect.getMetadata(meta, controller)) as T | undefined;
      const method = RequestMethod[Reflect.getMetadata(METHOD_METADATA, handler) as number];
      const prefix = controller.name === 'MetricsController' ? '' : API_PREFIX;
      const operations = paths(Reflect.getMetadata(PATH_METADATA, controller) as string | string[] | undefined).flatMap(
        (base) =>
          paths(Reflect.getMetadata(PATH_METADATA, handler) as string | string[] | undefined).map(
            (path) => `${method} ${joinPath(prefix, base, path).replace(/:(\w+)/g, '{$1}')}`,
          ),
      );
      routes.push({
        name: `${controller.name}.${key}`,
        operations,
        documented: !(
          Reflect.getMetadata(EXCLUDE_CONTROLLER, controller)?.[0] ||
          Reflect.getMetadata(EXCLUDE_ENDPOINT, handler)?.disable
        ),
        isPublic: read<boolean>(IS_PUBLIC) === true,
        auth: read<AuthOptions>(AUTH_OPTIONS),
        fastifyConfig: (Reflect.getMetadata(FASTIFY_ROUTE_CONFIG_METADATA, handler) ?? {}) as FastifyContextConfig,
      });
    }
  }
  return routes;
}

describe('route inventory', () => {
  const routes = collectRoutes(AppModule);

  it('should find the routes of every module', () => {
    expect(routes.map((r) => r.name)).toEqual(
      expect.arrayContaining([
        'SystemController.getHealth',
        'UsersController.getCurrentUser',
        'ApiTokensController.rotateApiToken',
      ]),
    );
  });

  it('should document exactly the registered routes in openapi/openapi.json', () => {
    const document = JSON.parse(readFileSync(join(__dirname, '../../../openapi/openapi.json'), 'utf8')) as {
      paths: Record<string, Record<string, unknown>>;
    };
    const documented = Object.entries(document.paths)
      .flatMap(([path, item]) => Object.keys(item).map((method) => `${method.toUpperCase()} ${path}`))
      .filter((op) => /^(GET|POST|PUT|PATCH|DELETE) /.test(op))
      .sort();
    const registered = routes
      .filter((r) => r.documented)
      .flatMap((r) => r.operations)
      .sort();
    expect(registered).toEqual(documented);
    // Only /metrics stays out of the document (it is not part of the API).
    expect(routes.filter((r) => !r.documented).map((r) => r.name)).toEqual(['MetricsController.getMetrics']);
  });

  it('should declare @Public() or @Authenticated() on every route', () => {
    const undeclared = routes.filter((r) => !r.isPublic && !r.auth).map((r) => r.name);
    expect(undeclared).toEqual([]);
  });

  it('should make only the system endpoints and /metrics public', () => {
    expect(
      routes
        .filter((r) => r.isPublic)
        .map((r) => r.name)
        .sort(),
    ).toEqual([
      'MetricsController.getMetrics',
      'SystemController.getApiInfo',
      'SystemController.getHealth',
      'SystemController.getLiveness',
      'SystemController.getReadiness',
    ]);
  });

  it('should tell the check made before a body is read which routes are public, and which take uploads', () => {
    for (const route of routes) {
      expect([route.name, route.fastifyConfig.isPublic === true]).toEqual([route.name, route.isPublic]);
    }
    expect(routes.filter((r) => r.fastifyConfig.acceptsUpload).map((r) => r.name)).toEqual([
      'TimeEntriesController.importTimeEntries',
    ]);
  });

  it('should require admin:all and the admin role on exactly the /admin and user administration paths', () => {
    // Contract §3: /admin/* and the users collection are for admins; /users/me is every caller's own.
    const isAdminPath = (op: string) => / \/api\/v1\/(admin|users(?!\/me\b))(\/|$)/.test(op);
    const admin = routes.filter((r) => r.operations.some(isAdminPath));
    expect(admin.length).toBeGreaterThanOrEqual(10);
    for (const route of admin) {
      expect([route.name, route.auth]).toEqual([route.name, { scopes: ['admin:all'], adminRole: true }]);
    }
    const adminOnly = routes.filter((r) => r.auth?.adminRole).flatMap((r) => r.operations);
    expect(adminOnly.filter((op) => !isAdminPath(op))).toEqual([]);
  });
});
