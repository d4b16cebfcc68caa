import { readFileSync } from 'node:fs';
import { join } from 'node:path';

interface Operation {
  operationId?: string;
  summary?: string;
  security?: unknown[];
  parameters?: Array<{ in: string; name: string }>;
  requestBody?: unknown;
  responses: Record<string, { content?: Record<string, { schema?: unknown }>; $ref?: string }>;
  'x-required-scopes'?: string[];
}

const document = JSON.parse(readFileSync(join(__dirname, '../../openapi/openapi.json'), 'utf8')) as {
  paths: Record<string, Record<string, Operation>>;
};
const operations = Object.entries(document.paths).flatMap(([path, item]) =>
  Object.entries(item).map(([method, op]) => ({ name: `${method.toUpperCase()} ${path}`, op })),
);
const PUBLIC = new Set(['GET /api/v1/info', 'GET /api/v1/health', 'GET /api/v1/health/live', 'GET /api/v1/health/ready']);
/** Actions that take no body by design. */
const BODILESS = new Set([
  'POST /api/v1/admin/api-tokens/{id}/rotate',
  'POST /api/v1/timer/stop',
  'POST /api/v1/webhooks/{id}/test',
  'POST /api/v1/webhooks/{id}/deliveries/{deliveryId}/redeliver',
  'POST /api/v1/webhooks/{id}/rotate-secret',
]);
const schemas = (JSON.parse(readFileSync(join(__dirname, '../../openapi/openapi.json'), 'utf8')) as {
  components: { schemas: Record<string, { properties?: Record<string, { example?: unknown }> }> };
}).components.schemas;
const ERROR_REF = '#/components/schemas/ErrorResponseDto';
const schemaOf = (response: Operation['responses'][string] | undefined) => Object.values(response?.content ?? {})[0]?.schema;

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
      const body = op.requestBody as { content?: Record<string, { schema?: { $ref?: string } }> } | undefined;
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
    for (const code of ['401', '403', '429']) expect(JSON.stringify(op.responses[code])).toContain(ERROR_REF);
    if (op.requestBody || op.parameters?.some((p) => p.in === 'query')) expect(JSON.stringify(op.responses['400'])).toContain(ERROR_REF);
    if (op.parameters?.some((p) => p.in === 'path')) expect(op.responses['404']).toBeDefined();
  });
});
