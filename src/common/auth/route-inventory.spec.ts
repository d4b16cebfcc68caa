import 'reflect-metadata';
import { METHOD_METADATA, MODULE_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import type { Type } from '@nestjs/common';
import { AppModule } from '../../app.module';
import { AUTH_OPTIONS, type AuthOptions } from './authenticated.decorator';
import { IS_PUBLIC } from './public.decorator';

interface Route {
  name: string;
  isPublic: boolean;
  auth: AuthOptions | undefined;
}

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
      routes.push({
        name: `${controller.name}.${key}`,
        isPublic: read<boolean>(IS_PUBLIC) === true,
        auth: read<AuthOptions>(AUTH_OPTIONS),
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
    ).toEqual(['MetricsController.getMetrics', 'SystemController.getApiInfo', 'SystemController.getHealth']);
  });

  it('should require admin:all and the admin role on every admin route', () => {
    const admin = routes.filter(
      (r) => r.name.startsWith('ApiTokensController.') || /UsersController\.(list|create|get|update)User/.test(r.name),
    );
    expect(admin.length).toBeGreaterThanOrEqual(10);
    for (const route of admin) expect(route.auth).toEqual({ scopes: ['admin:all'], adminRole: true });
  });
});
