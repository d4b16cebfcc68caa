import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import type {
  OperationObject,
  ReferenceObject,
  ResponseObject,
  ResponsesObject,
} from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
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
  return sortKeys(addCrossCuttingDocs(document));
}

const errorRef = { $ref: '#/components/schemas/ErrorResponseDto' };
const rateLimitHeaders = {
  'X-RateLimit-Limit': { description: 'Limit of the tighter window', schema: { type: 'integer' } },
  'X-RateLimit-Remaining': { description: 'Requests left in the tighter window', schema: { type: 'integer' } },
  'X-RateLimit-Reset': { description: 'Unix time (seconds) when the tighter window has room again', schema: { type: 'integer' } },
  'RateLimit-Policy': { description: 'IETF: "minute";q=100;w=60, "hour";q=1000;w=3600', schema: { type: 'string' } },
  RateLimit: { description: 'IETF: "<window>";r=<remaining>;t=<seconds>', schema: { type: 'string' } },
};

/**
 * What the guard and the idempotency interceptor add to every authenticated route, documented
 * once here rather than on each handler.
 */
function addCrossCuttingDocs(document: OpenAPIObject): OpenAPIObject {
  for (const item of Object.values(document.paths)) {
    for (const method of ['get', 'post', 'put', 'patch', 'delete'] as const) {
      const operation: OperationObject | undefined = item[method];
      if (operation && !operation.summary && operation.operationId) operation.summary = summaryOf(operation.operationId);
      if (!operation?.security) continue;
      const responses: ResponsesObject = operation.responses;
      responses['429'] ??= {
        description: 'Per-token rate limit exceeded (Retry-After set)',
        content: { 'application/json': { schema: errorRef } },
        headers: { 'Retry-After': { schema: { type: 'integer' } } },
      };
      const params = (operation.parameters ?? []) as Array<{ in?: string }>;
      const readsInput = operation.requestBody || params.some((p) => p.in === 'query');
      responses['400'] ??= {
        description: readsInput
          ? 'validation_error (errors names each field) or bad_request (malformed JSON, a bad header, or both Authorization and X-API-Key)'
          : 'bad_request (a bad header, or both Authorization and X-API-Key)',
        content: { 'application/json': { schema: errorRef } },
      };
      if (params.some((p) => p.in === 'path')) {
        responses['404'] ??= { description: 'No such resource', content: { 'application/json': { schema: errorRef } } };
      }
      if (operation.requestBody) {
        responses['404'] ??= {
          description: 'A resource the body names (project, task, warehouse...) does not exist',
          content: { 'application/json': { schema: errorRef } },
        };
        responses['413'] ??= { description: 'Body too large', content: { 'application/json': { schema: errorRef } } };
        responses['415'] ??= {
          description: 'Unsupported Content-Type',
          content: { 'application/json': { schema: errorRef } },
        };
      }
      if (method === 'put' || method === 'patch' || method === 'delete') {
        responses['409'] ??= {
          description: 'Conflicts with the current state (overlap, duplicate name, running entry...)',
          content: { 'application/json': { schema: errorRef } },
        };
      }
      responses['503'] ??= {
        description: 'The database did not answer in time (Retry-After: 1)',
        content: { 'application/json': { schema: errorRef } },
        headers: { 'Retry-After': { schema: { type: 'integer' } } },
      };
      // Error statuses a handler declares by description only carry the envelope too.
      for (const [status, response] of Object.entries(responses) as Array<[string, ResponseObject | ReferenceObject]>) {
        if (Number(status) >= 400 && !('$ref' in response) && !response.content) {
          response.content = { 'application/json': { schema: errorRef } };
        }
      }
      for (const response of Object.values(responses) as Array<ResponseObject | ReferenceObject>) {
        if (!('$ref' in response)) response.headers = { ...rateLimitHeaders, ...response.headers };
      }
      if (method !== 'post') continue;
      operation.parameters = [
        ...(operation.parameters ?? []),
        {
          name: 'Idempotency-Key',
          in: 'header',
          required: false,
          description:
            '1-128 visible ASCII characters. Retries with the same key and request replay the stored response ' +
            '(Idempotent-Replayed: true) for 24 h; another request with the key gets 422; a retry while the first runs gets 409.',
          schema: { type: 'string', maxLength: 128 },
        },
      ];
      responses['422'] = orError(responses['422'], 'Idempotency-Key reused with a different request');
      responses['409'] ??= {
        description: 'Conflict, or Idempotency-Key still in use (Retry-After: 1)',
        content: { 'application/json': { schema: errorRef } },
      };
    }
  }
  return document;
}

/**
 * The idempotency layer's 422 on a route that documents its own 422 body: either shape. An
 * error-only (or missing) response becomes the envelope.
 */
function orError(response: ResponseObject | ReferenceObject | undefined, description: string): ResponseObject {
  if (!response || '$ref' in response) return { description, content: { 'application/json': { schema: errorRef } } };
  const schema = response.content?.['application/json']?.schema;
  if (!schema || ('$ref' in schema && schema.$ref === errorRef.$ref)) {
    return { ...response, content: { 'application/json': { schema: errorRef } } };
  }
  return {
    ...response,
    description: `${response.description} (or the error envelope: ${description})`,
    content: { 'application/json': { schema: { oneOf: [schema, errorRef] } } },
  };
}

export function setupOpenApi(app: INestApplication): void {
  const version = app.get<AppConfig>(APP_CONFIG).appVersion;
  SwaggerModule.setup(DOCS_PATH, app, () => buildOpenApiDocument(app, version), {
    jsonDocumentUrl: `${DOCS_PATH}-json`,
    yamlDocumentUrl: `${DOCS_PATH}-yaml`,
    customSiteTitle: 'TimeTracker API docs',
  });
}

/** `listTimeEntries` -> "List time entries": handler names are verb-noun by convention. */
export function summaryOf(operationId: string): string {
  const words = operationId.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
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
