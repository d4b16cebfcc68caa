import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ErrorCode } from '../../src/common/errors/error-code';
import { WEBHOOK_RESOLVER } from '../../src/modules/webhooks/webhook-sender';
import { ADMIN_TOKEN, createTestContext, RAISED_RATE_LIMITS, type TestContext } from '../support/factories';

jest.setTimeout(180_000);

/**
 * Contract §1: every integer a client sends is checked against the column it lands in, on both
 * databases. This walks every operation of openapi/openapi.json and sends 2^31 (one past int4),
 * 2^53 (one past a JS safe integer), -1, and each declared boundary, in every integer or number
 * field of the path, the query and the JSON body, one field at a time; everything else in the
 * request is valid, so the value reaches as far as the server lets it. Nothing may answer 5xx;
 * a path id out of range or spelled otherwise is 404, a value outside the documented range is 400
 * naming the field. An operation with no numeric input has nothing to probe.
 */

interface Schema {
  $ref?: string;
  type?: string;
  properties?: Record<string, Schema>;
  items?: Schema;
  required?: string[];
  minimum?: number;
  maximum?: number;
  description?: string;
}
interface Parameter {
  in: 'path' | 'query' | 'header';
  name: string;
  required?: boolean;
  schema?: Schema;
  description?: string;
}
interface Operation {
  operationId: string;
  parameters?: Parameter[];
  requestBody?: { content: Record<string, { schema: Schema }> };
}
interface OpenApi {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Schema> };
}

const doc = JSON.parse(readFileSync(join(__dirname, '../../openapi/openapi.json'), 'utf8')) as OpenApi;
const resolve = (schema: Schema): Schema =>
  schema.$ref ? resolve(doc.components.schemas[schema.$ref.split('/').pop() as string]) : schema;
const isNumeric = (schema: Schema) => schema.type === 'integer' || schema.type === 'number';

const PROBES = [2 ** 31, 2 ** 53, -1];
/** An existing id spelled otherwise: names no resource, so 404 like any other path that is not an id. */
const PATH_SPELLINGS = (id: number) => [
  `${id}%20`,
  `%20${id}`,
  `0${id}`,
  `+${id}`,
  `${id}.0`,
  `${id}e0`,
  `0x${id.toString(16)}`,
];

interface Seeds {
  userId: number;
  client: number;
  project: number;
  task: number;
  entry: number;
  token: number;
  warehouse: number;
  warehouse2: number;
  item: number;
  movement: number;
  webhook: number;
  delivery: number;
  transfer: number;
}

let counter = 0;
const unique = (prefix: string) => `${prefix}-${process.pid}-${++counter}`;

/**
 * A minimal valid JSON body per operation whose body has a numeric field: the probes replace one
 * field of it at a time. A fresh body per request, so unique names never clash.
 */
const MINIMAL_BODIES: Record<string, (s: Seeds) => Record<string, unknown>> = {
  createApiToken: (s) => ({ name: unique('walker'), user_id: s.userId, scopes: ['read:projects'] }),
  updateApiToken: () => ({}),
  createClient: () => ({ name: unique('client') }),
  updateClient: () => ({}),
  replaceClient: () => ({}),
  createStockItem: () => ({ sku: unique('SKU'), name: 'Walker item' }),
  updateStockItem: () => ({}),
  replaceStockItem: () => ({}),
  createStockMovement: (s) => ({
    movement_type: 'purchase',
    stock_item_id: s.item,
    warehouse_id: s.warehouse,
    quantity: 1,
  }),
  createStockTransfer: (s) => ({
    stock_item_id: s.item,
    from_warehouse_id: s.warehouse,
    to_warehouse_id: s.warehouse2,
    quantity: 1,
  }),
  createProject: () => ({ name: unique('project') }),
  updateProject: () => ({}),
  replaceProject: () => ({}),
  createTask: (s) => ({ name: 'Walker task', project_id: s.project }),
  updateTask: () => ({}),
  replaceTask: () => ({}),
  createTimeEntry: (s) => ({
    project_id: s.project,
    start_time: '2024-01-15T09:00:00Z',
    end_time: '2024-01-15T10:00:00Z',
  }),
  updateTimeEntry: () => ({}),
  replaceTimeEntry: () => ({}),
  bulkUpdateTimeEntries: (s) => ({ entry_ids: [s.entry], action: 'set_billable', value: true }),
  startTimer: (s) => ({ project_id: s.project }),
  createWebhook: () => ({ name: 'walker', url: 'https://hooks.example.com/in', events: ['*'] }),
  updateWebhook: () => ({}),
  replaceWebhook: () => ({}),
};
/** Required query parameters that are not numbers. */
const MINIMAL_QUERIES: Record<string, Record<string, string>> = { globalSearch: { q: 'walker' } };
/** Run before each probe of an operation, so the probe is not refused for the state it finds. */
const BEFORE_EACH: Record<string, (ctx: TestContext) => Promise<unknown>> = {
  startTimer: (ctx) => ctx.t.post('/api/v1/timer/stop', undefined, { token: ADMIN_TOKEN }),
};

/** The seeded resource each path parameter names, by the path's resource prefix. */
function seededPathValue(template: string, param: string, s: Seeds): number {
  if (param === 'deliveryId') return s.delivery;
  if (param === 'referenceId') return s.transfer;
  const resource = template.replace('/api/v1/', '').split('/{')[0];
  const byResource: Record<string, number> = {
    'admin/api-tokens': s.token,
    clients: s.client,
    'inventory/items': s.item,
    'inventory/movements': s.movement,
    'inventory/warehouses': s.warehouse,
    projects: s.project,
    tasks: s.task,
    'time-entries': s.entry,
    users: s.userId,
    webhooks: s.webhook,
  };
  if (!(resource in byResource)) throw new Error(`no seeded id for ${template} {${param}}`);
  return byResource[resource];
}

interface Probe {
  operationId: string;
  method: string;
  template: string;
  where: 'path' | 'query' | 'body';
  field: string;
  value: unknown;
  /** What the answer must be, beyond "no 5xx and a well-formed envelope". */
  expect: 'not_found' | 'validation_error' | 'any';
  path: (s: Seeds) => string;
  query: Record<string, string>;
  body?: (s: Seeds) => unknown;
}

/** Numeric fields of a JSON body schema, as paths (`a.b`, `ids[]`), with their schema. */
function numericFields(schema: Schema, prefix = '', depth = 0): Array<{ path: string; schema: Schema }> {
  const out: Array<{ path: string; schema: Schema }> = [];
  if (depth > 4) return out;
  for (const [name, raw] of Object.entries(resolve(schema).properties ?? {})) {
    const prop = resolve(raw);
    const path = prefix ? `${prefix}.${name}` : name;
    if (isNumeric(prop)) out.push({ path, schema: prop });
    else if (prop.type === 'array' && prop.items && isNumeric(resolve(prop.items))) {
      out.push({ path: `${path}[]`, schema: resolve(prop.items) });
    } else if (prop.properties || raw.$ref) out.push(...numericFields(prop, path, depth + 1));
  }
  return out;
}

/** `base` with the field at `path` set to `value` (an array field becomes `[value]`). */
function withField(base: Record<string, unknown>, path: string, value: unknown): Record<string, unknown> {
  const copy = structuredClone(base);
  const keys = path.split('.');
  let target = copy;
  for (const key of keys.slice(0, -1)) {
    target[key] ??= {};
    target = target[key] as Record<string, unknown>;
  }
  const last = keys[keys.length - 1];
  if (last.endsWith('[]')) target[last.slice(0, -2)] = [value];
  else target[last] = value;
  return copy;
}

/** The values sent to one numeric field: the probes, and its declared bounds (which must be accepted). */
function valuesFor(schema: Schema, clamped: boolean): Array<{ value: number; outOfRange: boolean }> {
  const values = new Map<number, boolean>();
  for (const value of PROBES) {
    const outOfRange =
      !clamped &&
      ((schema.maximum !== undefined && value > schema.maximum) ||
        (schema.minimum !== undefined && value < schema.minimum));
    values.set(value, outOfRange);
  }
  if (schema.maximum !== undefined) values.set(schema.maximum, false);
  if (schema.minimum !== undefined) values.set(schema.minimum, false);
  return [...values].map(([value, outOfRange]) => ({ value, outOfRange }));
}

function buildProbes(): { probes: Probe[]; operations: string[]; missingBodies: string[] } {
  const probes: Probe[] = [];
  const operations: string[] = [];
  const missingBodies: string[] = [];
  for (const [template, item] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(item)) {
      operations.push(op.operationId);
      const params = op.parameters ?? [];
      const pathParams = params.filter((p) => p.in === 'path');
      const seededPath = (s: Seeds, override?: { name: string; value: string }) =>
        template.replace(/\{(\w+)\}/g, (_m, name: string) =>
          override?.name === name ? override.value : String(seededPathValue(template, name, s)),
        );
      const minimalQuery = MINIMAL_QUERIES[op.operationId] ?? {};
      const base = {
        operationId: op.operationId,
        method: method.toUpperCase(),
        template,
        query: minimalQuery,
      };

      for (const param of pathParams) {
        const spellings = (s: Seeds) => PATH_SPELLINGS(seededPathValue(template, param.name, s));
        for (const value of PROBES) {
          probes.push({
            ...base,
            where: 'path',
            field: param.name,
            value,
            expect: 'not_found',
            path: (s) => seededPath(s, { name: param.name, value: String(value) }),
          });
        }
        for (let i = 0; i < PATH_SPELLINGS(1).length; i++) {
          probes.push({
            ...base,
            where: 'path',
            field: param.name,
            value: `spelling #${i}`,
            expect: 'not_found',
            path: (s) => seededPath(s, { name: param.name, value: spellings(s)[i] }),
          });
        }
      }

      for (const param of params.filter((p) => p.in === 'query' && p.schema && isNumeric(p.schema))) {
        const clamped = /clamped/i.test(param.description ?? '');
        for (const { value, outOfRange } of valuesFor(param.schema as Schema, clamped)) {
          probes.push({
            ...base,
            where: 'query',
            field: param.name,
            value,
            expect: outOfRange ? 'validation_error' : 'any',
            path: (s) => seededPath(s),
            query: { ...minimalQuery, [param.name]: String(value) },
          });
        }
      }

      const json = op.requestBody?.content['application/json'];
      const fields = json ? numericFields(json.schema) : [];
      if (fields.length > 0 && !MINIMAL_BODIES[op.operationId]) missingBodies.push(op.operationId);
      const minimal = MINIMAL_BODIES[op.operationId];
      if (!minimal) continue;
      for (const field of fields) {
        for (const { value, outOfRange } of valuesFor(field.schema, false)) {
          probes.push({
            ...base,
            where: 'body',
            field: field.path.replace(/\[\]$/, ''),
            value,
            expect: outOfRange ? 'validation_error' : 'any',
            path: (s) => seededPath(s),
            body: (s) => withField(minimal(s), field.path, value),
          });
        }
      }
    }
  }
  return { probes, operations, missingBodies };
}

const ERROR_CODES = new Set<string>(Object.values(ErrorCode));

/** Why an answer breaks the contract, or null when it does not. */
function problemWith(probe: Probe, res: { status: number; body: any }): string | null {
  if (res.status >= 500) return `answered ${res.status}`;
  if (res.status >= 400) {
    const b = res.body;
    const envelope =
      typeof b === 'object' &&
      b !== null &&
      ['error', 'message', 'error_code', 'request_id'].every((k) => typeof b[k] === 'string') &&
      ERROR_CODES.has(b.error_code);
    if (!envelope) return `answered ${res.status} without the error envelope`;
  }
  if (probe.expect === 'not_found' && (res.status !== 404 || res.body?.error_code !== 'not_found')) {
    return `expected 404 not_found, got ${res.status}`;
  }
  if (probe.expect === 'validation_error') {
    if (res.status !== 400 || res.body?.error_code !== 'validation_error') {
      return `expected 400 validation_error, got ${res.status}`;
    }
    if (!res.body.errors?.[probe.field]) return `400 does not name ${probe.field}: ${JSON.stringify(res.body.errors)}`;
  }
  return null;
}

/** Runs `run` on each of `items`, at most `limit` at a time. */
async function pool<T>(items: T[], limit: number, run: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await run(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

describe('route walker: out-of-range integers on every route', () => {
  let ctx: TestContext;
  let seeds: Seeds;
  const { probes, operations, missingBodies } = buildProbes();
  const admin = { token: ADMIN_TOKEN };
  /** Seeding checks its own answers; the document is what the probes check. */
  const seeding = { ...admin, validate: false };

  beforeAll(async () => {
    ctx = await createTestContext({
      env: { WEBHOOK_DISPATCH_INTERVAL_MS: '3600000', ...RAISED_RATE_LIMITS },
      overrides: [[WEBHOOK_RESOLVER, async () => [{ address: '93.184.216.34', family: 4 }]]],
    });
    const created = async (path: string, body: unknown, key: string): Promise<number> => {
      const res = await ctx.t.post(path, body, seeding);
      if (res.status !== 201) throw new Error(`seeding ${path}: ${res.status} ${res.text}`);
      return (res.body as Record<string, { id: number }>)[key].id;
    };
    const userId = (await ctx.t.get('/api/v1/users/me', seeding)).body.user.id as number;
    const client = await created('/api/v1/clients', { name: 'Walker client' }, 'client');
    const project = await created('/api/v1/projects', { name: 'Walker project', client_id: client }, 'project');
    const task = await created('/api/v1/tasks', { name: 'Walker task', project_id: project }, 'task');
    const entry = await created(
      '/api/v1/time-entries',
      { project_id: project, start_time: '2024-01-10T09:00:00Z', end_time: '2024-01-10T10:00:00Z' },
      'time_entry',
    );
    const token = await created(
      '/api/v1/admin/api-tokens',
      { name: 'walker spare', user_id: userId, scopes: ['read:projects'] },
      'api_token',
    );
    const warehouse = await created('/api/v1/inventory/warehouses', { code: 'WALK1', name: 'One' }, 'warehouse');
    const warehouse2 = await created('/api/v1/inventory/warehouses', { code: 'WALK2', name: 'Two' }, 'warehouse');
    const item = await created('/api/v1/inventory/items', { sku: 'WALK-ITEM', name: 'Walker item' }, 'item');
    const movement = await created(
      '/api/v1/inventory/movements',
      { movement_type: 'purchase', stock_item_id: item, warehouse_id: warehouse, quantity: 100_000, unit_cost: 1 },
      'movement',
    );
    const transfer = await ctx.t.post(
      '/api/v1/inventory/transfers',
      { stock_item_id: item, from_warehouse_id: warehouse, to_warehouse_id: warehouse2, quantity: 1 },
      seeding,
    );
    if (transfer.status !== 201) throw new Error(`seeding a transfer: ${transfer.status} ${transfer.text}`);
    const webhook = await created(
      '/api/v1/webhooks',
      { name: 'walker', url: 'https://hooks.example.com/in', events: ['*'] },
      'webhook',
    );
    const tested = await ctx.t.post(`/api/v1/webhooks/${webhook}/test`, undefined, seeding);
    if (tested.status !== 202) throw new Error(`seeding a delivery: ${tested.status} ${tested.text}`);
    const delivery = tested.body.delivery.id as number;
    seeds = {
      userId,
      client,
      project,
      task,
      entry,
      token,
      warehouse,
      warehouse2,
      item,
      movement,
      webhook,
      delivery,
      transfer: transfer.body.reference_id as number,
    };
  });

  afterAll(async () => {
    await ctx?.close();
  });

  it('should have a minimal valid body for every operation whose JSON body has a numeric field', () => {
    expect(missingBodies).toEqual([]);
    expect(operations.length).toBeGreaterThan(60);
  });

  it('should accept each minimal body as valid, so that each probe changes one field only', async () => {
    const refused: string[] = [];
    for (const [template, item] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(item)) {
        const minimal = MINIMAL_BODIES[op.operationId];
        if (!minimal) continue;
        await BEFORE_EACH[op.operationId]?.(ctx);
        const path = template.replace(/\{(\w+)\}/g, (_m, name: string) =>
          String(seededPathValue(template, name, seeds)),
        );
        const res = await ctx.t.request(method.toUpperCase(), path, { ...admin, body: minimal(seeds) });
        if (res.status === 400) refused.push(`${op.operationId}: ${res.text}`);
      }
    }
    expect(refused).toEqual([]);
  });

  it('should answer 2^31, 2^53 and -1 in every integer path, query and body field without a 5xx', async () => {
    const failures: string[] = [];
    // One operation's probes in order (some reset state first); operations side by side.
    const byOperation = new Map<string, Probe[]>();
    for (const probe of probes) {
      const list = byOperation.get(probe.operationId) ?? [];
      byOperation.set(probe.operationId, [...list, probe]);
    }
    // Path probes go last: a path the server misreads as an existing id may change that resource.
    const ordered = [...byOperation.values()].map((list) => [
      ...list.filter((p) => p.where !== 'path'),
      ...list.filter((p) => p.where === 'path'),
    ]);
    await pool(ordered, 4, async (list) => {
      for (const probe of list) {
        await BEFORE_EACH[probe.operationId]?.(ctx);
        const path = probe.path(seeds);
        const label = `${probe.method} ${path} ${probe.where} ${probe.field}=${String(probe.value)}`;
        try {
          const res = await ctx.t.request(probe.method, path, {
            ...admin,
            query: probe.query,
            body: probe.body?.(seeds),
          });
          const problem = problemWith(probe, res);
          if (problem) failures.push(`${label}: ${problem} ${res.text.slice(0, 300)}`);
        } catch (error) {
          failures.push(`${label}: ${(error as Error).message.slice(0, 500)}`);
        }
      }
    });
    expect(probes.length).toBeGreaterThan(300);
    expect(failures).toEqual([]);
  });
});
