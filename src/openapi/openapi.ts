import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { APP_CONFIG, type AppConfig } from '../config/app-config';

export const DOCS_PATH = 'api/docs';

export function buildOpenApiDocument(app: INestApplication, version: string): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('TimeTracker API')
    .setDescription(
      'TimeTracker REST API v1. Authenticate with `Authorization: Bearer tt_...` or `X-API-Key: tt_...`. ' +
        'Errors use the envelope `{error, message, error_code, request_id}`.',
    )
    .setVersion(version)
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'API token (tt_...)' }, 'bearer')
    .addApiKey({ type: 'apiKey', in: 'header', name: 'X-API-Key' }, 'api_key')
    .build();
  const document = SwaggerModule.createDocument(app, config, {
    // Controller method names are unique verb-noun pairs and become the operationIds.
    operationIdFactory: (_controllerKey, methodKey) => methodKey,
  });
  return sortKeys(document);
}

export function setupOpenApi(app: INestApplication): void {
  const version = app.get<AppConfig>(APP_CONFIG).appVersion;
  SwaggerModule.setup(DOCS_PATH, app, () => buildOpenApiDocument(app, version), {
    jsonDocumentUrl: `${DOCS_PATH}-json`,
    yamlDocumentUrl: `${DOCS_PATH}-yaml`,
    customSiteTitle: 'TimeTracker API docs',
  });
}

/** Stable output: object keys sorted recursively (arrays keep their order). */
export function sortKeys<T>(value: T): T {
  if (Array.isArray(value)) return value.map((item: unknown) => sortKeys(item)) as T;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return Object.fromEntries(entries.map(([k, v]) => [k, sortKeys(v)])) as T;
  }
  return value;
}
