import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ADMIN_TOKEN, createTestContext, RAISED_RATE_LIMITS, type TestContext } from '../../support/factories';

/**
 * Contract §10: query parameters are as strict as bodies. Walks every operation of
 * openapi/openapi.json: a parameter it does not declare is 400 `validation_error` naming it
 * "Unknown parameter.", and none it declares is refused as unknown.
 */

interface Parameter {
  in: 'path' | 'query' | 'header';
  name: string;
  schema?: { type?: string; enum?: unknown[]; default?: string | number | boolean; minimum?: number; format?: string };
}
interface Operation {
  operationId: string;
  parameters?: Parameter[];
}
const doc = JSON.parse(readFileSync(join(__dirname, '../../../openapi/openapi.json'), 'utf8')) as {
  paths: Record<string, Record<string, Operation>>;
};
const operations = Object.entries(doc.paths).flatMap(([template, item]) =>
  Object.entries(item).map(([method, op]) => ({ template, method: method.toUpperCase(), op })),
);
const UNKNOWN = ['Unknown parameter.'];

/** A plausible value for a declared parameter: enough to be read, valid or not. */
function sampleFor(param: Parameter): string {
  const schema = param.schema ?? {};
  if (schema.enum?.length) return String(schema.enum[0]);
  if (schema.default !== undefined) return String(schema.default);
  if (schema.type === 'integer' || schema.type === 'number') return String(schema.minimum ?? 1);
  if (schema.type === 'boolean') return 'true';
  if (schema.format === 'date' || /date|_from|_to$/.test(param.name)) return '2024-01-15';
  return 'x';
}

describe('strict query parameters', () => {
  let ctx: TestContext;
  const admin = { token: ADMIN_TOKEN };
  let ids: Record<string, number>;

  beforeAll(async () => {
    ctx = await createTestContext({ env: RAISED_RATE_LIMITS });
    const client = await ctx.t.post('/api/v1/clients', { name: 'Strict client' }, admin);
    ids = { id: client.body.client.id as number, deliveryId: 1, referenceId: 1 };
  });

  afterAll(async () => {
    await ctx.close();
  });

  /** The operation's path with some id in it: the parameter is refused before the id is looked up. */
  const pathOf = (template: string) => template.replace(/\{(\w+)\}/g, (_m, name: string) => String(ids[name] ?? 1));

  it('should refuse an unknown parameter on every operation, naming it', async () => {
    const failures: string[] = [];
    for (const { template, method, op } of operations) {
      const required = Object.fromEntries(
        (op.parameters ?? []).filter((p) => p.in === 'query' && p.name === 'q').map((p) => [p.name, sampleFor(p)]),
      );
      const res = await ctx.t.request(method, pathOf(template), {
        ...admin,
        query: { ...required, projectId: '999' },
        // A POST whose body is read gets one: the query is refused whatever it holds.
        body: method === 'GET' || method === 'DELETE' ? undefined : {},
      });
      if (res.status !== 400 || res.body.error_code !== 'validation_error') {
        failures.push(`${op.operationId}: ${res.status} ${res.text.slice(0, 200)}`);
      } else if (JSON.stringify(res.body.errors?.projectId) !== JSON.stringify(UNKNOWN)) {
        failures.push(`${op.operationId}: errors ${JSON.stringify(res.body.errors)}`);
      }
    }
    expect(operations.length).toBeGreaterThan(60);
    expect(failures).toEqual([]);
  });

  it('should never refuse a parameter the document declares as unknown', async () => {
    const failures: string[] = [];
    for (const { template, method, op } of operations) {
      if (method !== 'GET') continue;
      for (const param of (op.parameters ?? []).filter((p) => p.in === 'query')) {
        if (param.name === 'cursor') continue;
        const res = await ctx.t.request(method, pathOf(template), {
          ...admin,
          validate: false,
          query: { ...(op.operationId === 'globalSearch' ? { q: 'x' } : {}), [param.name]: sampleFor(param) },
        });
        const errors = (res.body?.errors ?? {}) as Record<string, string[]>;
        if (Object.values(errors).some((messages) => messages.includes(UNKNOWN[0]))) {
          failures.push(`${op.operationId} ${param.name}: ${JSON.stringify(errors)}`);
        }
      }
    }
    expect(failures).toEqual([]);
  });

  it('should name every unknown parameter of a list, next to the known ones', async () => {
    const res = await ctx.t.get('/api/v1/time-entries', {
      ...admin,
      query: { project_id: 1, projectId: 999, billable_only: 'true', per_page: 10 },
    });
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual({ projectId: UNKNOWN, billable_only: UNKNOWN });
  });

  it('should refuse __proto__ and constructor as unknown parameters', async () => {
    for (const path of ['/api/v1/projects', '/api/v1/users/me']) {
      const res = await ctx.t.get(`${path}?__proto__=1&constructor=2`, admin);
      expect(res.status).toBe(400);
      expect(res.body.error_code).toBe('validation_error');
      expect(Object.keys(res.body.errors).sort()).toEqual(['__proto__', 'constructor']);
    }
  });

  it('should refuse parameters on routes that read none, public ones included', async () => {
    const info = await ctx.t.get('/api/v1/info', { query: { verbose: 1 } });
    expect(info.status).toBe(400);
    expect(info.body.errors).toEqual({ verbose: UNKNOWN });
    const deleted = await ctx.t.delete(`/api/v1/clients/${ids.id}`, { ...admin, query: { force: 'true' } });
    expect(deleted.status).toBe(400);
    expect(deleted.body.errors).toEqual({ force: UNKNOWN });
    // Nothing ran: the client is still active.
    const client = await ctx.t.get(`/api/v1/clients/${ids.id}`, admin);
    expect(client.body.client.status).toBe('active');
  });

  it('should authenticate before it looks at the query', async () => {
    const res = await ctx.t.get('/api/v1/projects', { query: { projectId: 1 } });
    expect(res.status).toBe(401);
  });

  it('should not claim an Idempotency-Key for a request refused for its query', async () => {
    const key = `strict-${process.pid}`;
    const refused = await ctx.t.post(
      '/api/v1/clients',
      { name: 'Keyed client' },
      { ...admin, query: { dryRun: 'true' }, headers: { 'idempotency-key': key } },
    );
    expect(refused.status).toBe(400);
    expect(refused.body.errors).toEqual({ dryRun: UNKNOWN });
    const created = await ctx.t.post(
      '/api/v1/clients',
      { name: 'Keyed client' },
      { ...admin, headers: { 'idempotency-key': key } },
    );
    expect(created.status).toBe(201);
    expect(created.headers.get('idempotent-replayed')).toBeNull();
  });
});
