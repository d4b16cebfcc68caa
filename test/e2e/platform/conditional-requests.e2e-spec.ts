import { ADMIN_TOKEN, createTestContext, RAISED_RATE_LIMITS, type TestContext } from '../../support/factories';
import type { ApiResponse } from '../../support/test-app';

/**
 * Contract §10: every single-resource GET sends a strong `ETag` that changes with the body, and
 * 304 for a matching `If-None-Match`; every PUT, PATCH and DELETE honours `If-Match` (stale: 409
 * `conflict`, nothing changed), the tag of a GET being the current one for the write.
 */

type Method = 'PUT' | 'PATCH' | 'DELETE';

interface Resource {
  name: string;
  /** Creates one and returns its GET path. */
  create: () => Promise<string>;
  /** Each write with a body that changes the representation (`n` makes bodies differ). */
  writes: Partial<Record<Method, (n: number) => unknown>>;
  /** The envelope key; a write answering with it carries the resource's new ETag. */
  envelope: string;
}

const TAG = /^"[A-Za-z0-9_-]{27}"$/;

describe('conditional requests', () => {
  let ctx: TestContext;
  const admin = { token: ADMIN_TOKEN };
  let seq = 0;
  const unique = (prefix: string) => `${prefix}-${process.pid}-${++seq}`;
  let warehouseA: number;
  let warehouseB: number;

  const post = async (path: string, body: unknown) => {
    const res = await ctx.t.post(path, body, admin);
    if (res.status !== 201) throw new Error(`${path}: ${res.status} ${res.text}`);
    return res.body;
  };
  const newProject = async () => (await post('/api/v1/projects', { name: unique('project') })).project.id as number;
  const newItem = async () =>
    (await post('/api/v1/inventory/items', { sku: unique('sku'), name: unique('item') })).item.id as number;

  beforeAll(async () => {
    ctx = await createTestContext({ env: { ...RAISED_RATE_LIMITS, WEBHOOK_ALLOWED_PRIVATE_HOSTS: '127.0.0.1' } });
    warehouseA = (await post('/api/v1/inventory/warehouses', { code: unique('wa'), name: 'A' })).warehouse.id;
    warehouseB = (await post('/api/v1/inventory/warehouses', { code: unique('wb'), name: 'B' })).warehouse.id;
  });

  afterAll(async () => {
    await ctx.close();
  });

  const send = (method: Method | 'GET', path: string, headers: Record<string, string> = {}, body?: unknown) =>
    ctx.t.request(method, path, { ...admin, headers, body });

  let day = 0;
  const nextDay = () => `2024-05-${String(++day).padStart(2, '0')}`;

  const RESOURCES: Resource[] = [
    {
      name: 'project',
      envelope: 'project',
      create: async () => `/api/v1/projects/${await newProject()}`,
      writes: {
        PUT: (n) => ({ name: unique(`renamed${n}`) }),
        PATCH: (n) => ({ description: `d${n}` }),
        DELETE: () => undefined,
      },
    },
    {
      name: 'client',
      envelope: 'client',
      create: async () => `/api/v1/clients/${(await post('/api/v1/clients', { name: unique('client') })).client.id}`,
      writes: {
        PUT: (n) => ({ name: unique(`renamed${n}`) }),
        PATCH: (n) => ({ company: `c${n}` }),
        DELETE: () => undefined,
      },
    },
    {
      name: 'task',
      envelope: 'task',
      create: async () => {
        const task = await post('/api/v1/tasks', { name: unique('task'), project_id: await newProject() });
        return `/api/v1/tasks/${task.task.id}`;
      },
      writes: {
        PUT: (n) => ({ name: unique(`renamed${n}`) }),
        PATCH: (n) => ({ description: `d${n}` }),
        DELETE: () => undefined,
      },
    },
    {
      name: 'time entry',
      envelope: 'time_entry',
      create: async () => {
        const d = nextDay();
        const entry = await post('/api/v1/time-entries', {
          project_id: await newProject(),
          start_time: `${d}T09:00:00Z`,
          end_time: `${d}T10:00:00Z`,
        });
        return `/api/v1/time-entries/${entry.time_entry.id}`;
      },
      writes: { PUT: (n) => ({ notes: `put ${n}` }), PATCH: (n) => ({ notes: `patch ${n}` }), DELETE: () => undefined },
    },
    {
      name: 'user',
      envelope: 'user',
      create: async () => `/api/v1/users/${(await post('/api/v1/users', { username: unique('u') })).user.id}`,
      writes: { PATCH: (n) => ({ full_name: `Name ${n}` }) },
    },
    {
      name: 'API token',
      envelope: 'api_token',
      create: async () => {
        const user = (await post('/api/v1/users', { username: unique('owner') })).user.id as number;
        const token = await post('/api/v1/admin/api-tokens', {
          name: unique('t'),
          user_id: user,
          scopes: ['read:projects'],
        });
        return `/api/v1/admin/api-tokens/${token.api_token.id}`;
      },
      writes: { PATCH: (n) => ({ name: `token ${n}` }), DELETE: () => undefined },
    },
    {
      name: 'webhook',
      envelope: 'webhook',
      create: async () => {
        const hook = await post('/api/v1/webhooks', {
          name: unique('hook'),
          // Never delivered: no task is moved to done here.
          url: 'http://127.0.0.1:9/in',
          events: ['task.completed'],
        });
        return `/api/v1/webhooks/${hook.webhook.id}`;
      },
      writes: {
        PUT: (n) => ({ name: `hook ${n}` }),
        PATCH: (n) => ({ description: `d${n}` }),
        DELETE: () => undefined,
      },
    },
    {
      name: 'warehouse',
      envelope: 'warehouse',
      create: async () => {
        const w = await post('/api/v1/inventory/warehouses', { code: unique('w'), name: 'W' });
        return `/api/v1/inventory/warehouses/${w.warehouse.id}`;
      },
      writes: { PUT: (n) => ({ name: `W ${n}` }), PATCH: (n) => ({ notes: `n${n}` }), DELETE: () => undefined },
    },
    {
      name: 'stock item',
      envelope: 'item',
      create: async () => `/api/v1/inventory/items/${await newItem()}`,
      writes: { PUT: (n) => ({ name: `I ${n}` }), PATCH: (n) => ({ description: `d${n}` }), DELETE: () => undefined },
    },
  ];

  const tagOf = (res: ApiResponse) => res.headers.get('etag') as string;

  describe.each(RESOURCES)('$name', (resource) => {
    it('should send an ETag that answers If-None-Match with 304 until the resource changes', async () => {
      const path = await resource.create();
      const first = await send('GET', path);
      expect(first.status).toBe(200);
      const tag = tagOf(first);
      expect(tag).toMatch(TAG);
      expect(tagOf(await send('GET', path))).toBe(tag);

      for (const header of [tag, `W/${tag}`, `"other", ${tag}`, '*']) {
        const cached = await send('GET', path, { 'if-none-match': header, 'x-request-id': 'cond-1' });
        expect(cached.status).toBe(304);
        expect(cached.text).toBe('');
        expect(tagOf(cached)).toBe(tag);
        expect(cached.headers.get('x-request-id')).toBe('cond-1');
      }
      expect((await send('GET', path, { 'if-none-match': '"other"' })).status).toBe(200);

      const [method, body] = Object.entries(resource.writes).find(([m]) => m !== 'DELETE') as [
        Method,
        (n: number) => unknown,
      ];
      expect((await send(method, path, {}, body(1))).status).toBe(200);
      const changed = await send('GET', path, { 'if-none-match': tag });
      expect(changed.status).toBe(200);
      expect(tagOf(changed)).toMatch(TAG);
      expect(tagOf(changed)).not.toBe(tag);
    });

    for (const method of Object.keys(resource.writes) as Method[]) {
      it(`should refuse a ${method} with a stale If-Match and change nothing, and accept the current tag`, async () => {
        const body = resource.writes[method] as (n: number) => unknown;
        const path = await resource.create();
        const before = await send('GET', path);
        const tag = tagOf(before);

        for (const stale of ['"stale"', `W/${tag}`, `"a", "b"`]) {
          const refused = await send(method, path, { 'if-match': stale }, body(2));
          expect(refused.status).toBe(409);
          expect(refused.body.error_code).toBe('conflict');
          expect(refused.body.request_id).toBeTruthy();
        }
        const after = await send('GET', path);
        expect(after.body).toEqual(before.body);
        expect(tagOf(after)).toBe(tag);

        const done = await send(method, path, { 'if-match': `"stale", ${tag}` }, body(3));
        expect(done.status).toBe(200);
        const now = await send('GET', path);
        if (now.status === 404) return; // deleted
        expect(tagOf(now)).not.toBe(tag);
        // A write that answers with the resource sends the tag a GET now sends.
        if (done.body[resource.envelope] !== undefined) expect(tagOf(done)).toBe(tagOf(now));
        // The old tag is stale from now on; `*` still matches a resource that exists.
        expect((await send(method, path, { 'if-match': tag }, body(4))).status).toBe(409);
        expect([200, 404]).toContain((await send(method, path, { 'if-match': '*' }, body(5))).status);
      });
    }
  });

  it('should tag the current user, a stock movement and a transfer, and answer 304', async () => {
    const item = await newItem();
    const movement = await post('/api/v1/inventory/movements', {
      movement_type: 'purchase',
      stock_item_id: item,
      warehouse_id: warehouseA,
      quantity: 10,
      unit_cost: 2,
    });
    const transfer = await post('/api/v1/inventory/transfers', {
      stock_item_id: item,
      from_warehouse_id: warehouseA,
      to_warehouse_id: warehouseB,
      quantity: 3,
    });
    for (const path of [
      '/api/v1/users/me',
      `/api/v1/inventory/movements/${movement.movement.id}`,
      `/api/v1/inventory/transfers/${transfer.reference_id}`,
    ]) {
      const first = await send('GET', path);
      expect(first.status).toBe(200);
      expect(tagOf(first)).toMatch(TAG);
      const cached = await send('GET', path, { 'if-none-match': tagOf(first) });
      expect(cached.status).toBe(304);
      expect(cached.text).toBe('');
    }
  });

  it("should change a stock item's tag when its stock moves (a derived value of its body)", async () => {
    const item = await newItem();
    const path = `/api/v1/inventory/items/${item}`;
    const tag = tagOf(await send('GET', path));
    await post('/api/v1/inventory/movements', {
      movement_type: 'purchase',
      stock_item_id: item,
      warehouse_id: warehouseA,
      quantity: 1,
      unit_cost: 1,
    });
    expect((await send('PATCH', path, { 'if-match': tag }, { description: 'late' })).status).toBe(409);
    const fresh = tagOf(await send('GET', path));
    expect(fresh).not.toBe(tag);
    expect((await send('PATCH', path, { 'if-match': fresh }, { description: 'fresh' })).status).toBe(200);
  });

  it("should change a project's tag when its hours change, and accept the new one", async () => {
    const project = await newProject();
    const path = `/api/v1/projects/${project}`;
    const tag = tagOf(await send('GET', path));
    const d = nextDay();
    await post('/api/v1/time-entries', {
      project_id: project,
      start_time: `${d}T09:00:00Z`,
      end_time: `${d}T11:00:00Z`,
    });
    const read = await send('GET', path);
    expect(read.body.project.total_hours).toBe(2);
    expect(tagOf(read)).not.toBe(tag);
    expect((await send('PUT', path, { 'if-match': tag }, { name: unique('late') })).status).toBe(409);
    expect((await send('PUT', path, { 'if-match': tagOf(read) }, { name: unique('fresh') })).status).toBe(200);
  });

  it('should let a running time entry be edited with the tag read earlier, though its duration grows', async () => {
    const entry = await post('/api/v1/timer/start', { project_id: await newProject() });
    const path = `/api/v1/time-entries/${entry.timer.id}`;
    const tag = tagOf(await send('GET', path));
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect((await send('GET', path, { 'if-none-match': tag })).status).toBe(304);
    const edited = await send('PATCH', path, { 'if-match': tag }, { notes: 'still running' });
    expect(edited.status).toBe(200);
    expect(tagOf(edited)).not.toBe(tag);
    expect((await ctx.t.post('/api/v1/timer/stop', undefined, admin)).status).toBe(200);
  });

  describe('races', () => {
    it('should let exactly one of 10 parallel PUTs with the same If-Match win', async () => {
      const path = `/api/v1/projects/${await newProject()}`;
      const tag = tagOf(await send('GET', path));
      const names = Array.from({ length: 10 }, (_, i) => unique(`racer${i}`));
      const results = await Promise.all(names.map((name) => send('PUT', path, { 'if-match': tag }, { name })));
      const statuses = results.map((r) => r.status).sort();
      expect(statuses).toEqual([200, ...Array<number>(9).fill(409)]);
      const winner = results.find((r) => r.status === 200) as ApiResponse;
      for (const loser of results.filter((r) => r.status === 409)) expect(loser.body.error_code).toBe('conflict');
      const final = await send('GET', path);
      expect(final.body.project.name).toBe(winner.body.project.name);
      expect(tagOf(final)).toBe(tagOf(winner));
    });

    it.each([
      ['client', async () => `/api/v1/clients/${(await post('/api/v1/clients', { name: unique('c') })).client.id}`],
      [
        'task',
        async () =>
          `/api/v1/tasks/${(await post('/api/v1/tasks', { name: unique('t'), project_id: await newProject() })).task.id}`,
      ],
    ])('should let one of a DELETE and a PUT with the same If-Match on a %s win', async (_name, create) => {
      const path = await create();
      const before = await send('GET', path);
      const tag = tagOf(before);
      const name = unique('put');
      const [deleted, put] = await Promise.all([
        send('DELETE', path, { 'if-match': tag }),
        send('PUT', path, { 'if-match': tag }, { name }),
      ]);
      // The loser is 409; a PUT that comes after a task's DELETE finds no task at all: 404.
      const loser = deleted.status === 200 ? put : deleted;
      expect([deleted.status, put.status]).toContain(200);
      expect(loser.status === 409 || (loser === put && put.status === 404 && put.body.error_code === 'not_found')).toBe(
        true,
      );
      const after = await send('GET', path);
      if (put.status === 200) {
        expect(after.body).toEqual(put.body.task ? { task: put.body.task } : { client: put.body.client });
      } else if (after.status === 200) {
        // DELETE of a client deactivates it; the name stays.
        expect(after.body.client).toMatchObject({ status: 'inactive', name: before.body.client.name });
      } else {
        expect(after.status).toBe(404);
      }
    });
  });
});
