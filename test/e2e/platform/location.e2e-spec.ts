import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ADMIN_TOKEN, createTestContext, type TestContext } from '../../support/factories';

/**
 * Contract §10: a 201 carries `Location: /api/v1/<resource>/<id>` of what it created, which a GET
 * answers with that resource; an idempotent replay carries the same Location.
 */

interface Created {
  /** The operationId of the POST. */
  operation: string;
  path: string;
  body: (ids: Record<string, number>) => unknown;
  /** Where the created id is in the 201 body, and in the GET body of the Location. */
  id: (body: any) => number;
  getId: (body: any) => number;
}

let counter = 0;
const unique = (prefix: string) => `${prefix}-${process.pid}-${++counter}`;

const CREATED: Created[] = [
  {
    operation: 'createUser',
    path: '/api/v1/users',
    body: () => ({ username: unique('loc') }),
    id: (b) => b.user.id,
    getId: (b) => b.user.id,
  },
  {
    operation: 'createApiToken',
    path: '/api/v1/admin/api-tokens',
    body: (ids) => ({ name: unique('loc'), user_id: ids.user, scopes: ['read:projects'] }),
    id: (b) => b.api_token.id,
    getId: (b) => b.api_token.id,
  },
  {
    operation: 'rotateApiToken',
    path: '/api/v1/admin/api-tokens/{token}/rotate',
    body: () => undefined,
    id: (b) => b.api_token.id,
    getId: (b) => b.api_token.id,
  },
  {
    operation: 'createClient',
    path: '/api/v1/clients',
    body: () => ({ name: unique('client') }),
    id: (b) => b.client.id,
    getId: (b) => b.client.id,
  },
  {
    operation: 'createProject',
    path: '/api/v1/projects',
    body: () => ({ name: unique('project') }),
    id: (b) => b.project.id,
    getId: (b) => b.project.id,
  },
  {
    operation: 'createTask',
    path: '/api/v1/tasks',
    body: (ids) => ({ name: unique('task'), project_id: ids.project }),
    id: (b) => b.task.id,
    getId: (b) => b.task.id,
  },
  {
    operation: 'createTimeEntry',
    path: '/api/v1/time-entries',
    body: (ids) => ({ project_id: ids.project, start_time: '2024-02-10T09:00:00Z', end_time: '2024-02-10T10:00:00Z' }),
    id: (b) => b.time_entry.id,
    getId: (b) => b.time_entry.id,
  },
  {
    operation: 'startTimer',
    path: '/api/v1/timer/start',
    body: (ids) => ({ project_id: ids.project }),
    id: (b) => b.timer.id,
    getId: (b) => b.time_entry.id,
  },
  {
    operation: 'createWebhook',
    path: '/api/v1/webhooks',
    body: () => ({ name: unique('hook'), url: 'https://hooks.example.com/in', events: ['*'] }),
    id: (b) => b.webhook.id,
    getId: (b) => b.webhook.id,
  },
  {
    operation: 'createWarehouse',
    path: '/api/v1/inventory/warehouses',
    body: () => ({ code: unique('W'), name: 'Warehouse' }),
    id: (b) => b.warehouse.id,
    getId: (b) => b.warehouse.id,
  },
  {
    operation: 'createStockItem',
    path: '/api/v1/inventory/items',
    body: () => ({ sku: unique('SKU'), name: 'Item' }),
    id: (b) => b.item.id,
    getId: (b) => b.item.id,
  },
  {
    operation: 'createStockMovement',
    path: '/api/v1/inventory/movements',
    body: (ids) => ({ movement_type: 'purchase', stock_item_id: ids.item, warehouse_id: ids.warehouse, quantity: 5 }),
    id: (b) => b.movement.id,
    getId: (b) => b.movement.id,
  },
  {
    operation: 'createStockTransfer',
    path: '/api/v1/inventory/transfers',
    body: (ids) => ({
      stock_item_id: ids.item,
      from_warehouse_id: ids.warehouse,
      to_warehouse_id: ids.warehouse2,
      quantity: 1,
    }),
    id: (b) => b.reference_id,
    getId: (b) => b.transfer.reference_id,
  },
];

/** The document's operations that answer 201, with whether they declare a Location header. */
function documented201s(): Map<string, boolean> {
  const doc = JSON.parse(readFileSync(join(__dirname, '../../../openapi/openapi.json'), 'utf8')) as {
    paths: Record<string, Record<string, any>>;
  };
  const out = new Map<string, boolean>();
  for (const item of Object.values(doc.paths)) {
    for (const op of Object.values(item)) {
      const created = op.responses?.['201'];
      if (created) out.set(op.operationId, created.headers?.Location !== undefined);
    }
  }
  return out;
}

describe('Location on 201', () => {
  let ctx: TestContext;
  const admin = { token: ADMIN_TOKEN };
  const ids: Record<string, number> = {};

  beforeAll(async () => {
    ctx = await createTestContext();
    const must = async (path: string, body: unknown, pick: (b: any) => number) => {
      const res = await ctx.t.post(path, body, admin);
      if (res.status !== 201) throw new Error(`${path}: ${res.status} ${res.text}`);
      return pick(res.body);
    };
    ids.user = (await ctx.t.get('/api/v1/users/me', admin)).body.user.id;
    ids.project = await must('/api/v1/projects', { name: 'Location project' }, (b) => b.project.id);
    ids.token = await must(
      '/api/v1/admin/api-tokens',
      { name: 'to rotate', user_id: ids.user, scopes: ['read:projects'] },
      (b) => b.api_token.id,
    );
    ids.warehouse = await must('/api/v1/inventory/warehouses', { code: 'LOC1', name: 'One' }, (b) => b.warehouse.id);
    ids.warehouse2 = await must('/api/v1/inventory/warehouses', { code: 'LOC2', name: 'Two' }, (b) => b.warehouse.id);
    ids.item = await must('/api/v1/inventory/items', { sku: 'LOC-ITEM', name: 'Item' }, (b) => b.item.id);
    await must(
      '/api/v1/inventory/movements',
      { movement_type: 'purchase', stock_item_id: ids.item, warehouse_id: ids.warehouse, quantity: 100 },
      (b) => b.movement.id,
    );
  });

  afterAll(async () => {
    await ctx.close();
  });

  it('should cover every operation of the document that answers 201', () => {
    const documented = documented201s();
    // The CSV import creates many entries, not one resource: its 201 has no Location.
    const expected = [...documented.keys()].filter((id) => id !== 'importTimeEntries').sort();
    expect(CREATED.map((c) => c.operation).sort()).toEqual(expected);
    for (const id of expected) expect({ id, location: documented.get(id) }).toEqual({ id, location: true });
    expect(documented.get('importTimeEntries')).toBe(false);
  });

  it.each(CREATED.map((c) => [c.operation, c] as const))(
    'should point %s at what it created, which a GET answers',
    async (_operation, created) => {
      const path = created.path.replace('{token}', String(ids.token));
      const res = await ctx.t.post(path, created.body(ids), admin);
      expect(res.status).toBe(201);
      const id = created.id(res.body);
      const location = res.headers.get('location') ?? '';
      expect(location).toMatch(new RegExp(`^/api/v1/[a-z/-]+/${id}$`));
      const fetched = await ctx.t.get(location, admin);
      expect(fetched.status).toBe(200);
      expect(created.getId(fetched.body)).toBe(id);
      if (created.operation === 'startTimer') await ctx.t.post('/api/v1/timer/stop', undefined, admin);
    },
  );

  it('should carry the same Location on an idempotent replay', async () => {
    const headers = { 'idempotency-key': `location-${process.pid}` };
    const first = await ctx.t.post('/api/v1/projects', { name: 'Replayed project' }, { ...admin, headers });
    expect(first.status).toBe(201);
    const location = first.headers.get('location');
    expect(location).toBe(`/api/v1/projects/${first.body.project.id}`);
    const replay = await ctx.t.post('/api/v1/projects', { name: 'Replayed project' }, { ...admin, headers });
    expect(replay.status).toBe(201);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(replay.headers.get('location')).toBe(location);
  });

  it('should carry the same Location on a replay whose stored body hides a secret', async () => {
    const headers = { 'idempotency-key': `location-token-${process.pid}` };
    const body = { name: 'replayed token', user_id: ids.user, scopes: ['read:projects'] };
    const first = await ctx.t.post('/api/v1/admin/api-tokens', body, { ...admin, headers });
    const replay = await ctx.t.post('/api/v1/admin/api-tokens', body, { ...admin, headers });
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(replay.headers.get('location')).toBe(`/api/v1/admin/api-tokens/${first.body.api_token.id}`);
  });

  it('should send no Location on answers that created nothing', async () => {
    const dryRun = await ctx.t.request('POST', '/api/v1/time-entries/import-csv', {
      ...admin,
      query: { dry_run: 'true' },
      headers: { 'content-type': 'text/csv' },
      rawBody: `project_id,start_time,end_time\n${ids.project},2024-03-01T09:00:00Z,2024-03-01T10:00:00Z\n`,
    });
    expect(dryRun.status).toBe(200);
    expect(dryRun.headers.get('location')).toBeNull();
    const invalid = await ctx.t.post('/api/v1/projects', { name: '' }, admin);
    expect(invalid.status).toBe(400);
    expect(invalid.headers.get('location')).toBeNull();
    const list = await ctx.t.get('/api/v1/projects', admin);
    expect(list.headers.get('location')).toBeNull();
  });
});
