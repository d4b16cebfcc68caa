import { ADMIN_TOKEN, createTestContext, type TestContext } from '../support/factories';
import { Receiver } from '../support/receiver';
import { type ServerProcess, startServerProcess } from '../support/server-process';
import { redisPrefixFor } from '../support/test-app';
import { TEST_DB, TEST_REDIS_URL } from '../support/test-databases';

jest.setTimeout(120_000);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The critical paths against two server processes sharing PostgreSQL and Redis, as replicas
 * behind a load balancer: requests alternate between this process's app and a `node dist/src/main.js`.
 */
(TEST_DB === 'postgres' && TEST_REDIS_URL ? describe : describe.skip)(
  'two replicas sharing PostgreSQL and Redis',
  () => {
    const receiver = new Receiver();
    let ctx: TestContext;
    let other: ServerProcess;
    let projectId: number;
    const ENV = {
      WEBHOOK_ALLOWED_PRIVATE_HOSTS: '127.0.0.1',
      WEBHOOK_DISPATCH_INTERVAL_MS: '100',
    };

    beforeAll(async () => {
      await receiver.start();
      ctx = await createTestContext({ redis: true, env: ENV });
      other = await startServerProcess({
        ...ENV,
        DATABASE_URL: ctx.t.databaseUrl,
        REDIS_URL: TEST_REDIS_URL,
        REDIS_KEY_PREFIX: redisPrefixFor(ctx.t.databaseUrl),
      });
      projectId = (await ctx.t.post('/api/v1/projects', { name: 'Replicas' }, { token: ADMIN_TOKEN })).body.project.id;
    });

    afterAll(async () => {
      await other?.stop();
      await ctx?.close();
      await receiver.stop();
    });

    interface Answer {
      status: number;
      body: Record<string, unknown> & { error_code?: string };
      replayed: boolean;
    }

    /** Request i goes to this process when i is even, to the other replica when odd. */
    const call = async (i: number, method: string, path: string, token: string, body?: unknown, headers = {}) => {
      const base = i % 2 === 0 ? ctx.t.baseUrl : other.baseUrl;
      const res = await fetch(`${base}${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...headers },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      return {
        status: res.status,
        body: (text ? JSON.parse(text) : {}) as Answer['body'],
        replayed: res.headers.get('idempotent-replayed') === 'true',
      };
    };
    const spread = (n: number, request: (i: number) => Promise<Answer>) =>
      Promise.all(Array.from({ length: n }, (_, i) => request(i)));

    it('should keep one running timer per user: one of 20 starts wins, one of 10 stops ends it', async () => {
      const { token } = await ctx.newToken({ scopes: ['read:*', 'write:*'] });
      const starts = await spread(20, (i) => call(i, 'POST', '/api/v1/timer/start', token, { project_id: projectId }));
      expect(starts.filter((r) => r.status === 201)).toHaveLength(1);
      expect(starts.filter((r) => r.body.error_code === 'timer_already_running')).toHaveLength(19);
      const stops = await spread(10, (i) => call(i, 'POST', '/api/v1/timer/stop', token));
      expect(stops.filter((r) => r.status === 200)).toHaveLength(1);
      expect(stops.filter((r) => r.body.error_code === 'no_active_timer')).toHaveLength(9);
    });

    it('should run a keyed create exactly once, and replay it on either replica', async () => {
      const { token } = await ctx.newToken({ scopes: ['read:*', 'write:*'] });
      const entry = {
        project_id: projectId,
        start_time: '2026-02-02T09:00:00Z',
        end_time: '2026-02-02T10:00:00Z',
        notes: 'once',
      };
      const key = { 'idempotency-key': 'replicas-once' };
      const first = await spread(10, (i) => call(i, 'POST', '/api/v1/time-entries', token, entry, key));
      for (const r of first) expect([201, 409]).toContain(r.status);
      expect(first.some((r) => r.status === 201)).toBe(true);
      // The stored response is written behind: a retry may meet 409 for a moment, then replays.
      for (const i of [0, 1]) {
        let retry = await call(i, 'POST', '/api/v1/time-entries', token, entry, key);
        for (let n = 0; n < 50 && retry.status === 409; n++) {
          await sleep(100);
          retry = await call(i, 'POST', '/api/v1/time-entries', token, entry, key);
        }
        expect(retry).toMatchObject({ status: 201, replayed: true });
      }
      const list = await ctx.t.get('/api/v1/time-entries', { token });
      expect(list.body.time_entries).toHaveLength(1);
    });

    it('should share the rate limit: 100 of 160 admitted across both replicas', async () => {
      const { token } = await ctx.newToken({ scopes: ['read:users'] });
      const answers = await spread(160, (i) => call(i, 'GET', '/api/v1/users/me', token));
      expect(answers.filter((r) => r.status === 200)).toHaveLength(100);
      expect(answers.filter((r) => r.status === 429)).toHaveLength(60);
    });

    it('should never overdraw stock: 6 transfers of 5 from 15 across replicas admit exactly 3', async () => {
      const admin = ADMIN_TOKEN;
      const warehouse = async (code: string) =>
        (await call(0, 'POST', '/api/v1/inventory/warehouses', admin, { code, name: code })).body.warehouse as {
          id: number;
        };
      const [from, to] = [await warehouse('rep-a'), await warehouse('rep-b')];
      const item = (await call(1, 'POST', '/api/v1/inventory/items', admin, { sku: 'rep-1', name: 'Replicated' })).body
        .item as { id: number };
      const purchase = {
        movement_type: 'purchase',
        stock_item_id: item.id,
        warehouse_id: from.id,
        quantity: 15,
        unit_cost: 1,
      };
      expect((await call(0, 'POST', '/api/v1/inventory/movements', admin, purchase)).status).toBe(201);
      const transfer = { stock_item_id: item.id, from_warehouse_id: from.id, to_warehouse_id: to.id, quantity: 5 };
      const answers = await spread(6, (i) => call(i, 'POST', '/api/v1/inventory/transfers', admin, transfer));
      expect(answers.filter((r) => r.status === 201)).toHaveLength(3);
      expect(answers.filter((r) => r.body.error_code === 'insufficient_stock')).toHaveLength(3);
    });

    it('should deliver each webhook event once, with both replicas dispatching', async () => {
      const hook = await ctx.t.post(
        '/api/v1/webhooks',
        { name: 'replicas', url: `${receiver.url}/in`, events: ['client.created'] },
        { token: ADMIN_TOKEN },
      );
      expect(hook.status).toBe(201);
      await spread(6, (i) => call(i, 'POST', '/api/v1/clients', ADMIN_TOKEN, { name: `Replica client ${i}` }));
      for (let n = 0; n < 50 && receiver.received.length < 6; n++) await sleep(100);
      await sleep(500); // time for a duplicate to show up, if there were one
      const ids = receiver.received.map((r) => r.headers['webhook-id']);
      expect(ids).toHaveLength(6);
      expect(new Set(ids).size).toBe(6);
    });
  },
);
