import type { AppConfig } from '../../../src/config/app-config';
import { WebhookDeliveryEntity } from '../../../src/modules/webhooks/webhook.entities';
import { ADMIN_TOKEN, createTestContext, RAISED_RATE_LIMITS, type TestContext } from '../../support/factories';
import { LoopbackServer } from '../../support/receiver';
import { createTestApp } from '../../support/test-app';

jest.setTimeout(60_000);

const ENV = {
  // The tests poll the deliveries API.
  ...RAISED_RATE_LIMITS,
  WEBHOOK_ALLOWED_PRIVATE_HOSTS: '127.0.0.1',
  // Far enough away that no retry happens during a test: each delivery here is attempted once.
  WEBHOOK_RETRY_BASE_SECONDS: '60',
  // The dispatchers run on their timers, as in production.
  WEBHOOK_DISPATCH_INTERVAL_MS: '100',
};
/** Claims run out after 3 s unless renewed; the attempts below last longer. */
const LEASE_MS = 3000;
const shortLease = (config: AppConfig) => {
  config.webhooks.claimLeaseMs = LEASE_MS;
};
const HOOK_SCOPES = ['read:webhooks', 'write:webhooks'];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `probe` until it returns something truthy; fails after `ms`. */
type Maybe<T> = T | false | null | undefined;
async function until<T>(probe: () => Maybe<T> | Promise<Maybe<T>>, ms = 15_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${ms} ms`);
    await sleep(100);
  }
}

interface Hit {
  path: string;
  webhookId: string;
  at: number;
  /** When the connection of this request closed (the sender ended the attempt); null while open. */
  endedAt: number | null;
}

/**
 * A loopback receiver whose behaviour is the first path segment: `/ok` answers at once, `/hang`
 * never answers, `/trickle` sends 200 and a Content-Length of 60, then one byte a second.
 */
class SlowReceiver extends LoopbackServer {
  readonly hits: Hit[] = [];

  constructor() {
    super((req, res) => {
      const hit: Hit = {
        path: req.url ?? '/',
        webhookId: String(req.headers['webhook-id']),
        at: Date.now(),
        endedAt: null,
      };
      this.hits.push(hit);
      res.on('close', () => (hit.endedAt = Date.now()));
      req.resume();
      req.on('end', () => {
        if (hit.path.startsWith('/ok/')) res.end('ok');
        if (hit.path.startsWith('/trickle/')) {
          res.writeHead(200, { 'content-type': 'text/plain', 'content-length': '60' });
          res.write('.');
          let sent = 1;
          const drip = setInterval(() => (++sent < 60 ? res.write('.') : res.end('.')), 1000);
          res.on('close', () => clearInterval(drip));
        }
      });
    });
  }

  url(mode: 'ok' | 'hang' | 'trickle', tag: string): string {
    return `http://127.0.0.1:${this.port}/${mode}/${tag}`;
  }

  hitsOf(url: string): Hit[] {
    return this.hits.filter((h) => url.endsWith(h.path));
  }
}

describe('webhook delivery limits', () => {
  let ctx: TestContext;
  const receiver = new SlowReceiver();
  let tags = 0;

  beforeAll(async () => {
    await receiver.start();
    ctx = await createTestContext({ env: ENV, adjustConfig: shortLease });
  });

  afterAll(async () => {
    await ctx?.close();
    await receiver.stop();
  });

  /** A webhook (subscribed to nothing these tests fire) at a fresh URL of the receiver. */
  const createHook = async (
    mode: 'ok' | 'hang' | 'trickle',
    timeoutSeconds: number,
    token = ADMIN_TOKEN,
    t = ctx.t,
  ) => {
    const url = receiver.url(mode, `${++tags}`);
    const res = await t.post(
      '/api/v1/webhooks',
      { name: `${mode} hook`, url, events: ['task.completed'], timeout_seconds: timeoutSeconds },
      { token },
    );
    expect(res.status).toBe(201);
    return { id: res.body.webhook.id as number, url };
  };
  /** Queues one `webhook.test` event for this webhook only. */
  const queueEvent = async (id: number, token = ADMIN_TOKEN, t = ctx.t) =>
    expect((await t.post(`/api/v1/webhooks/${id}/test`, undefined, { token })).status).toBe(202);
  const deliveries = async (id: number) =>
    (await ctx.t.get(`/api/v1/webhooks/${id}/deliveries`, { token: ADMIN_TOKEN })).body.deliveries as Array<
      Record<string, any>
    >;
  /** The webhook's deliveries once every one of them has a recorded outcome. */
  const settled = (id: number, count = 1, ms?: number) =>
    until(async () => {
      const list = await deliveries(id);
      return list.length === count && list.every((d) => !['pending', 'sending'].includes(d.status)) && list;
    }, ms);
  const deactivate = (id: number) =>
    ctx.t.patch(`/api/v1/webhooks/${id}`, { is_active: false }, { token: ADMIN_TOKEN });

  it('should cut off a receiver trickling its answer at timeout_seconds, record a failure and schedule a retry', async () => {
    const hook = await createHook('trickle', 2);
    await queueEvent(hook.id);
    const [delivery] = await settled(hook.id);
    expect(delivery).toMatchObject({ status: 'retrying', attempts: 1, error_message: 'timeout after 2s' });
    expect(delivery.duration_ms).toBeGreaterThanOrEqual(1900);
    expect(delivery.duration_ms).toBeLessThan(5000);
    // Retried per the backoff schedule: first after WEBHOOK_RETRY_BASE_SECONDS (60 s) +-20 %.
    expect(Date.parse(delivery.next_attempt_at) - Date.now()).toBeGreaterThan(30_000);
    // The receiver saw its connection closed near the deadline, not when it was done trickling.
    const [hit] = receiver.hitsOf(hook.url);
    await until(() => hit.endedAt !== null, 3000);
    expect(hit.endedAt! - hit.at).toBeLessThan(5000);
    const hook2 = (await ctx.t.get(`/api/v1/webhooks/${hook.id}`, { token: ADMIN_TOKEN })).body.webhook;
    expect(hook2).toMatchObject({ total_deliveries: 1, successful_deliveries: 0, failed_deliveries: 1 });
    await deactivate(hook.id);
  });

  it("should deliver another user's event promptly while one webhook's receiver hangs", async () => {
    const a = await ctx.newToken({ scopes: HOOK_SCOPES });
    const b = await ctx.newToken({ scopes: HOOK_SCOPES });
    const hanging = await createHook('hang', 10, a.token);
    const prompt = await createHook('ok', 10, b.token);
    await queueEvent(hanging.id, a.token);
    const [stuck] = await until(() => receiver.hitsOf(hanging.url).length > 0 && receiver.hitsOf(hanging.url));
    const queuedAt = Date.now();
    await queueEvent(prompt.id, b.token);
    const [hit] = await until(() => receiver.hitsOf(prompt.url).length > 0 && receiver.hitsOf(prompt.url), 15_000);
    // Well before the hanging attempt's 10 s are over (generous: the machine may be busy).
    expect(hit.at - queuedAt).toBeLessThan(5000);
    expect(stuck.endedAt).toBeNull();
    expect((await settled(prompt.id))[0]).toMatchObject({ status: 'success', attempts: 1 });
    const [timedOut] = await settled(hanging.id, 1, 20_000);
    expect(timedOut).toMatchObject({ status: 'retrying', error_message: 'timeout after 10s' });
    await deactivate(hanging.id);
    await deactivate(prompt.id);
  });

  it('should send each event once with two dispatchers while attempts outlive the claim lease', async () => {
    // A second app on the same database: two dispatchers racing for the same deliveries.
    const other = await createTestApp({ databaseUrl: ctx.t.databaseUrl, env: ENV, adjustConfig: shortLease });
    try {
      // Each attempt lasts its whole 6 s timeout: twice the 3 s lease.
      const hook = await createHook('trickle', 6);
      for (let i = 0; i < 3; i++) await queueEvent(hook.id, ADMIN_TOKEN, i % 2 ? other : ctx.t);
      const list = await settled(hook.id, 3, 30_000);
      await sleep(LEASE_MS); // room for a duplicate to show up
      const sent = receiver.hitsOf(hook.url).map((h) => h.webhookId);
      expect(sent).toHaveLength(3);
      expect(new Set(sent).size).toBe(3);
      for (const d of list) {
        expect(d).toMatchObject({ status: 'retrying', attempts: 1, error_message: 'timeout after 6s' });
      }
      await deactivate(hook.id);
    } finally {
      await other.close();
    }
  });

  it('should end an attempt in flight at shutdown without waiting for its timeout, and record it for a retry', async () => {
    // Its own database, so no other dispatcher takes the delivery.
    const own = await createTestContext({ env: ENV });
    let closed = false;
    let hookId: number;
    try {
      const hook = await createHook('hang', 30, ADMIN_TOKEN, own.t);
      hookId = hook.id;
      await queueEvent(hook.id, ADMIN_TOKEN, own.t);
      const [hit] = await until(() => receiver.hitsOf(hook.url).length > 0 && receiver.hitsOf(hook.url));
      const closing = Date.now();
      await own.close();
      closed = true;
      expect(Date.now() - closing).toBeLessThan(10_000);
      // The receiver sees its connection close soon after.
      await until(() => hit.endedAt !== null, 3000);
    } finally {
      if (!closed) await own.close();
    }
    // Read what the stopped app recorded, from a fresh app on its database whose dispatcher stays idle.
    const reader = await createTestApp({
      databaseUrl: own.t.databaseUrl,
      env: { ...ENV, WEBHOOK_DISPATCH_INTERVAL_MS: '3600000' },
    });
    try {
      const row = await reader.dataSource.getRepository(WebhookDeliveryEntity).findOneByOrFail({ webhookId: hookId! });
      expect(row).toMatchObject({ status: 'retrying', attempts: 1, errorMessage: 'aborted: server shutting down' });
      expect(row.lockedUntil).toBeNull();
    } finally {
      await reader.close();
    }
  });
});
