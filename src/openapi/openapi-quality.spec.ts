import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { OpenApiValidator } from '../../test/support/openapi-validator';
import { ErrorCode, errorStatus } from '../common/errors/error-code';
import { SWAGGER_UI_OPTIONS } from './openapi';
import { OPERATION_DOCS } from './operation-docs';
import { OPERATION_EXAMPLES } from './operation-examples';
import { SHARED_HEADERS } from './shared-headers';

interface Example {
  summary?: string;
  value: unknown;
}
interface Media {
  schema?: { $ref?: string; oneOf?: unknown[] };
  examples?: Record<string, Example>;
}
interface Response {
  $ref?: string;
  description?: string;
  content?: Record<string, Media>;
  headers?: Record<string, { $ref?: string }>;
}
interface Operation {
  operationId?: string;
  summary?: string;
  description?: string;
  tags?: string[];
  security?: unknown[];
  parameters?: Array<{ in: string; name: string }>;
  requestBody?: { content?: Record<string, Media> };
  responses: Record<string, Response>;
  'x-required-scopes'?: string[];
}
interface Document {
  tags?: Array<{ name: string; description?: string }>;
  paths: Record<string, Record<string, Operation>>;
  components: {
    schemas: Record<string, { properties?: Record<string, { example?: unknown }> }>;
    responses?: Record<string, Response>;
    headers?: Record<string, unknown>;
    securitySchemes?: Record<string, { bearerFormat?: string; description?: string }>;
  };
}

const document = JSON.parse(readFileSync(join(__dirname, '../../openapi/openapi.json'), 'utf8')) as Document;
const operations = Object.entries(document.paths).flatMap(([path, item]) =>
  Object.entries(item).map(([method, op]) => ({ name: `${method.toUpperCase()} ${path}`, method, path, op })),
);
const PUBLIC = new Set(['GET /api/v1/info', 'GET /api/v1/health', 'GET /api/v1/health/live', 'GET /api/v1/health/ready']);
/** Actions that take no body by design. */
const BODILESS = new Set([
  'POST /api/v1/admin/api-tokens/{id}/rotate',
  'POST /api/v1/timer/stop',
  'POST /api/v1/timer/pause',
  'POST /api/v1/timer/resume',
  'POST /api/v1/webhooks/{id}/test',
  'POST /api/v1/webhooks/{id}/deliveries/{deliveryId}/redeliver',
  'POST /api/v1/webhooks/{id}/rotate-secret',
]);
/** Swagger UI lists the groups in this order. */
const TAG_ORDER = [
  'System',
  'Users',
  'Admin: API tokens',
  'Clients',
  'Projects',
  'Tasks',
  'Time entries',
  'Timer',
  'Reports',
  'Search',
  'Inventory',
  'Inventory reports',
  'Webhooks',
  'Changes',
  'Admin: settings',
];
const ERROR_REF = '#/components/schemas/ErrorResponseDto';
const schemas = document.components.schemas;
const resolve = (response: Response | undefined): Response | undefined =>
  response?.$ref ? resolve(document.components.responses?.[response.$ref.split('/').pop() as string]) : response;
const schemaOf = (response: Response | undefined) => Object.values(resolve(response)?.content ?? {})[0]?.schema;
/** Every response object of the document: inline ones of each operation, and the shared components. */
const allResponses = [
  ...operations.flatMap(({ name, op }) =>
    Object.entries(op.responses)
      .filter(([, r]) => !r.$ref)
      .map(([status, response]) => ({ name: `${name} -> ${status}`, status, response })),
  ),
  ...Object.entries(document.components.responses ?? {}).map(([name, response]) => ({
    name: `components.responses.${name}`,
    status: '',
    response,
  })),
];

/** The committed openapi/openapi.json (kept fresh by `npm run openapi:check`) documents every route fully. */
describe('OpenAPI document quality', () => {
  it('should document a healthy number of operations', () => {
    expect(operations.length).toBeGreaterThanOrEqual(78);
  });

  it.each(operations)('$name has an operationId, a summary and a 2xx response schema', ({ op }) => {
    expect(op.operationId).toMatch(/^[a-z]+[A-Za-z]*$/);
    expect(op.summary?.length).toBeGreaterThan(3);
    const success = Object.entries(op.responses).filter(([code]) => code.startsWith('2'));
    expect(success.length).toBeGreaterThan(0);
    for (const [, response] of success) expect(schemaOf(response)).toBeDefined();
  });

  it.each(operations.filter((o) => /^(POST|PUT|PATCH) /.test(o.name) && !BODILESS.has(o.name)))(
    '$name documents its request body with examples',
    ({ op }) => {
      const body = op.requestBody;
      const ref = Object.values(body?.content ?? {})[0]?.schema?.$ref;
      if (!ref) {
        // Only the CSV import documents an inline (multipart / text/csv) body.
        expect(Object.keys(body?.content ?? {})).toContain('text/csv');
        return;
      }
      const schema = schemas[ref.split('/').pop() as string];
      expect(Object.values(schema.properties ?? {}).some((p) => p.example !== undefined)).toBe(true);
    },
  );

  it.each(operations.filter((o) => !PUBLIC.has(o.name)))('$name declares its security, scopes and error envelopes', ({ op }) => {
    expect(op.security?.length).toBeGreaterThan(0);
    expect(op['x-required-scopes']?.length).toBeGreaterThan(0);
    for (const code of ['401', '403', '429']) expect(JSON.stringify(resolve(op.responses[code]))).toContain(ERROR_REF);
    if (op.requestBody || op.parameters?.some((p) => p.in === 'query')) {
      expect(JSON.stringify(resolve(op.responses['400']))).toContain(ERROR_REF);
    }
    if (op.parameters?.some((p) => p.in === 'path')) expect(op.responses['404']).toBeDefined();
  });
});

describe('OpenAPI descriptions', () => {
  it('should have hand-written text for exactly the documented operations', () => {
    const ids = operations.map(({ op }) => op.operationId as string).sort();
    expect(Object.keys(OPERATION_DOCS).sort()).toEqual(ids);
  });

  it.each(operations)('$name describes what it does, its access, filters and errors', ({ name, op }) => {
    const description = op.description ?? '';
    expect(description.startsWith(OPERATION_DOCS[op.operationId as string].text)).toBe(true);
    if (PUBLIC.has(name)) {
      expect(description).toContain('**Authentication:** none');
    } else {
      // The scopes live in `x-required-scopes` too, which Swagger UI does not show.
      for (const scope of op['x-required-scopes'] ?? []) expect(description).toContain(`\`${scope}\``);
      expect(description).toMatch(/\*\*Scopes:\*\* /);
      // Inventory routes take their own scope or the projects one, not both.
      if (op.tags?.some((t) => t.startsWith('Inventory'))) expect(description).toContain('any one of');
    }
    for (const param of op.parameters?.filter((p) => p.in === 'query') ?? []) {
      expect(description).toContain(`\`${param.name}\``);
    }
    const errors = description.split('**Errors:** ')[1] ?? '';
    for (const [status, response] of Object.entries(op.responses).filter(([s]) => Number(s) >= 400)) {
      expect(errors).toMatch(new RegExp(`(^|; )${status}\\b`));
      // Every code the response names is listed, and belongs to that status.
      for (const [, code] of (resolve(response)?.description ?? '').matchAll(/`([a-z_]+)`/g)) {
        if (!Object.values(ErrorCode).includes(code as ErrorCode)) continue;
        expect(errors).toContain(`\`${code}\``);
        expect(errorStatus(code as ErrorCode)).toBe(Number(status));
      }
    }
  });

  it.each(allResponses)('$name has a description', ({ response }) => {
    expect(response.description?.trim().length).toBeGreaterThan(3);
  });

  it('should declare every tag, in reading order, with a description', () => {
    expect(document.tags?.map((t) => t.name)).toEqual(TAG_ORDER);
    for (const tag of document.tags ?? []) expect(tag.description?.length).toBeGreaterThan(10);
    for (const { op } of operations) for (const tag of op.tags ?? []) expect(TAG_ORDER).toContain(tag);
  });
});

describe('OpenAPI shared headers and responses', () => {
  it('should declare the shared headers once, as components', () => {
    expect(Object.keys(document.components.headers ?? {}).sort()).toEqual(Object.keys(SHARED_HEADERS).sort());
    for (const name of ['X-Request-ID', 'X-RateLimit-Limit', 'RateLimit', 'RateLimit-Policy', 'Retry-After', 'Idempotent-Replayed']) {
      expect(document.components.headers).toHaveProperty([name]);
    }
  });

  it.each(allResponses)('$name refers to the shared headers instead of copying them', ({ response }) => {
    for (const [name, header] of Object.entries(response.headers ?? {})) {
      if (name in SHARED_HEADERS) expect(header).toEqual({ $ref: `#/components/headers/${name}` });
    }
  });

  it('should keep angle brackets of header descriptions in code spans (Swagger UI takes them for HTML)', () => {
    for (const header of Object.values(SHARED_HEADERS)) {
      const outsideCode = header.description.replace(/`[^`]*`/g, '');
      expect(outsideCode).not.toMatch(/[<>]/);
    }
  });

  it('should share the error responses every route has', () => {
    const shared = ['400', '401', '429', '503'];
    for (const { name, op } of operations.filter((o) => !PUBLIC.has(o.name))) {
      for (const status of shared) expect([name, op.responses[status].$ref]).toEqual([name, expect.any(String)]);
    }
  });
});

describe('OpenAPI examples', () => {
  const validator = new OpenApiValidator(document as never);
  const mediaExamples = operations.flatMap(({ name, method, path, op }) =>
    Object.entries(op.responses).flatMap(([status, response]) =>
      Object.entries(resolve(response)?.content?.['application/json']?.examples ?? {}).map(([key, example]) => ({
        name: `${name} -> ${status} (${key})`,
        method,
        path,
        status: Number(status),
        key,
        value: example.value,
      })),
    ),
  );

  it('should attach every example of the table', () => {
    for (const [id, examples] of Object.entries(OPERATION_EXAMPLES)) {
      const { op } = operations.find((o) => o.op.operationId === id) ?? {};
      expect(op).toBeDefined();
      if (examples.request) expect(op?.requestBody?.content?.['application/json']?.examples).toBeDefined();
      if (examples.response) {
        const success = Object.entries(op?.responses ?? {}).find(([s]) => s.startsWith('2'))?.[1];
        expect(success?.content?.['application/json']?.examples).toBeDefined();
      }
    }
  });

  it.each(mediaExamples)('$name matches its schema, as e2e checks real responses', ({ method, path, status, value }) => {
    expect(validator.check(method.toUpperCase(), path, status, 'application/json', value)).toEqual([]);
    // Not vacuous: the same check refuses a body that is not of that schema.
    expect(validator.check(method.toUpperCase(), path, status, 'application/json', [value])).not.toEqual([]);
  });

  it.each(mediaExamples.filter((e) => e.status >= 400))('$name is a coherent error envelope', ({ status, key, value }) => {
    const body = value as { error_code: ErrorCode; errors?: unknown };
    expect(body.error_code).toBe(key);
    expect(errorStatus(body.error_code)).toBe(status);
    expect(body.errors !== undefined).toBe(body.error_code === ErrorCode.ValidationError);
  });

  it('should validate request examples against their body schemas', () => {
    // Checked the way e2e checks responses (closed objects): each body schema posing as a response.
    const bodies = operations.flatMap(({ name, op }) =>
      Object.entries(op.requestBody?.content?.['application/json']?.examples ?? {}).map(([key, example]) => ({
        path: `/request/${op.operationId}/${key}`,
        name,
        schema: op.requestBody?.content?.['application/json']?.schema,
        value: example.value,
      })),
    );
    expect(bodies.length).toBeGreaterThanOrEqual(5);
    const paths = Object.fromEntries(
      bodies.map((b) => [b.path, { post: { responses: { '200': { content: { 'application/json': { schema: b.schema } } } } } }]),
    );
    const requests = new OpenApiValidator({ ...document, paths });
    for (const body of bodies) {
      expect([body.name, requests.check('POST', body.path, 200, 'application/json', body.value)]).toEqual([body.name, []]);
      expect(requests.check('POST', body.path, 200, 'application/json', { ...(body.value as object), bogus: 1 })).not.toEqual([]);
    }
  });

  it('should pair the schema-level error example with a coherent code', () => {
    const error = schemas.ErrorResponseDto.properties ?? {};
    expect(error.error_code.example).toBe(ErrorCode.ValidationError);
    expect(error.errors.example).toBeDefined();
  });
});

describe('Swagger UI', () => {
  it('should keep the token across reloads', () => {
    expect(SWAGGER_UI_OPTIONS.swaggerOptions?.persistAuthorization).toBe(true);
  });

  it('should describe the bearer token as opaque, not a JWT', () => {
    const bearer = document.components.securitySchemes?.bearer;
    expect(bearer?.bearerFormat).toBeUndefined();
    expect(bearer?.description).toContain('tt_');
  });
});
