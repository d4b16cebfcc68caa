import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, type OpenAPIObject, type SwaggerCustomOptions, SwaggerModule } from '@nestjs/swagger';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { addCrossCuttingDocs } from './cross-cutting-docs';
import { TAGS } from './operation-docs';
import { conditionalOperations, operationsWithLocation, routeAccessByOperationId } from './route-access';

export const DOCS_PATH = 'api/docs';

export function buildOpenApiDocument(app: INestApplication, version: string): OpenAPIObject {
  const builder = new DocumentBuilder()
    .setTitle('TimeTracker API')
    .setDescription(
      'TimeTracker REST API v1. Authenticate with `Authorization: Bearer tt_...` or `X-API-Key: tt_...` (one of ' +
        'the two). Each operation names the scopes it needs; `admin:all` and `*` grant every scope, `read:*` and ' +
        '`write:*` every scope with that prefix, and write never implies read. Errors use the envelope ' +
        '`{error, message, error_code, request_id}`. Per-token rate limits: 100 requests a minute and 1000 an hour ' +
        'by default, reported in the `X-RateLimit-*` and `RateLimit` headers.',
    )
    .setVersion(version)
    // Not addBearerAuth: it labels the scheme JWT, and these tokens are opaque.
    .addSecurity('bearer', {
      type: 'http',
      scheme: 'bearer',
      description:
        'An API token: `tt_` followed by 32 random characters, opaque (not a JWT). An admin creates it; it is shown once.',
    })
    .addSecurity('api_key', {
      type: 'apiKey',
      in: 'header',
      name: 'X-API-Key',
      description: 'The same API token in the `X-API-Key` header, for clients that cannot set `Authorization`.',
    });
  for (const tag of TAGS) builder.addTag(tag.name, tag.description);
  const document = SwaggerModule.createDocument(app, builder.build(), {
    // Controller method names are unique verb-noun pairs and become the operationIds.
    operationIdFactory: (_controllerKey, methodKey) => methodKey,
  });
  const access = routeAccessByOperationId(app);
  return sortKeys(
    addCrossCuttingDocs(document, access, summaryOf, operationsWithLocation(app), conditionalOperations(app)),
  );
}

/** Swagger UI at /api/docs: the token a user enters survives a reload. */
export const SWAGGER_UI_OPTIONS: SwaggerCustomOptions = {
  jsonDocumentUrl: `${DOCS_PATH}-json`,
  yamlDocumentUrl: `${DOCS_PATH}-yaml`,
  customSiteTitle: 'TimeTracker API docs',
  swaggerOptions: { persistAuthorization: true },
};

export function setupOpenApi(app: INestApplication): void {
  const version = app.get<AppConfig>(APP_CONFIG).appVersion;
  SwaggerModule.setup(DOCS_PATH, app, () => buildOpenApiDocument(app, version), SWAGGER_UI_OPTIONS);
}

/** `listTimeEntries` -> "List time entries": handler names are verb-noun by convention. */
export function summaryOf(operationId: string): string {
  const words = operationId.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/**
 * Stable output: object keys sorted recursively. Arrays keep their order, and so do `examples`
 * maps: Swagger UI shows the first example, which the code chose.
 */
export function sortKeys<T>(value: T, keepOrder = false): T {
  if (Array.isArray(value)) return value.map((item: unknown) => sortKeys(item)) as T;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>);
    if (!keepOrder) entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return Object.fromEntries(entries.map(([k, v]) => [k, sortKeys(v, k === 'examples')])) as T;
  }
  return value;
}
