import { Webhook } from 'standardwebhooks';
import { WebhookDispatcher } from '../../../src/modules/webhooks/webhook-dispatcher';
import { WebhookDeliveryEntity, WebhookEntity } from '../../../src/modules/webhooks/webhook.entities';
import { WEBHOOK_RESOLVER } from '../../../src/modules/webhooks/webhook-sender';
import { legacySignature } from '../../../src/modules/webhooks/webhook-signature';
import { ADMIN_TOKEN, createTestContext, type TestContext } from '../../support/factories';
import { Receiver } from '../../support/receiver';
import { startServerProcess } from '../../support/server-process';
import { redisPrefixFor } from '../../support/test-app';

jest.setTimeout(60_000);

const ENV = {
  WEBHOOK_ALLOWED_PRIVATE_HOSTS: '127.0.0.1',
  WEBHOOK_RETRY_BASE_SECONDS: '1',
  // Dispatch by hand in these tests (runOnce), never on a timer.
  WEBHOOK_DISPATCH_INTERVAL_MS: '3600000',
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Resolves `evil.test` to loopback: a DNS answer the guard must refuse. */
const stubResolver = async (hostname: string) =>
  hostname === 'evil.test' ? [{ address: '127.0.0.1', family: 4 }] : [{ address: '93.184.216.34', family: 4 }];

/** The Standard Webhooks headers of a received delivery, as a verifier takes them. */
const standardHeaders = (hit: { headers: Record<string, string | string[] | undefined> }) => ({
  'webhook-id': hit.headers['webhook-id'] as string,
  'webhook-timestamp': hit.headers['webhook-timestamp'] as string,
  'webhook-signature': hit.headers['webhook-signature'] as string,
});

describe('webhooks', () => {
  let ctx: TestContext;
  const admin = { token: ADMIN_TOKEN };
  const receiver = new Receiver();
  let dispatch: () => Promise<void>;

  beforeAll(async () => {
    await receiver.start();
    ctx = await createTestContext({ env: ENV, overrides: [[WEBHOOK_RESOLVER, stubResolver]] });
    dispatch = () => ctx.t.app.get(WebhookDispatcher).runOnce();
  });

  afterAll(async () => {
    await ctx.close();
    await receiver.stop();
  });

  beforeEach(() => {
    receiver.received.length = 0;
    receiver.respond = () => ({ status: 200 });
  });

  const createHook = (body: Record<string, unknown>, token = ADMIN_TOKEN) =>
    ctx.t.post('/api/v1/webhooks', { name: 'hook', url: `${receiver.url}/in`, events: ['*'], ...body }, { token });
  const deliveries = (id: number) =>
    ctx.t.get(`/api/v1/webhooks/${id}/deliveries`, admin).then((r) => r.body.deliveries);
  const deactivate = (id: number) => ctx.t.patch(`/api/v1/webhooks/${id}`, { is_active: false }, admin);

  describe('subscriptions API', () => {
    it('should return the secret once, list without it, and validate url and events', async () => {
      const res = await createHook({ events: ['project.created'], description: 'mine' });
      expect(res.status).toBe(201);
      expect(res.body.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
      expect(res.body.webhook).toMatchObject({
        name: 'hook',
        events: ['project.created'],
        is_active: true,
        max_retries: 5,
        timeout_seconds: 10,
      });
      // Inside the webhook object too, where the original's clients read it.
      expect(res.body.webhook.secret).toBe(res.body.secret);
      const list = await ctx.t.get('/api/v1/webhooks', admin);
      expect(list.text).not.toContain(res.body.secret);
      expect(list.body.webhooks.some((w: { id: number }) => w.id === res.body.webhook.id)).toBe(true);
      const one = await ctx.t.get(`/api/v1/webhooks/${res.body.webhook.id}`, admin);
      expect(one.body.webhook).not.toHaveProperty('secret');
      expect(one.text).not.toContain(res.body.secret);
      for (const url of [
        'http://10.0.0.1/x',
        'http://localhost/x',
        'http://169.254.169.254/',
        'ftp://example.com/',
        'http://[::1]/',
      ]) {
        const bad = await createHook({ url });
        expect([url, bad.status, Object.keys(bad.body.errors ?? {})]).toEqual([url, 400, ['url']]);
      }
      const events = await createHook({ events: ['project.exploded'] });
      expect(Object.keys(events.body.errors)).toEqual(['events']);
      await deactivate(res.body.webhook.id);
    });

    it('should list every event it accepts, the wildcard included, each with a description', async () => {
      const catalog = (await ctx.t.get('/api/v1/webhooks/events', admin)).body;
      expect(catalog.events).toHaveLength(17);
      expect(catalog.events).toEqual(expect.arrayContaining(['timer.paused', 'timer.resumed']));
      expect(catalog.events).toContain('*');
      expect(Object.keys(catalog.descriptions)).toEqual(catalog.events);
      expect(catalog.descriptions['*']).toMatch(/every event/i);
      expect((await createHook({ events: catalog.events, is_active: false })).status).toBe(201);
    });

    it('should refuse IPv6 forms of loopback and private addresses, saying how to allow a host', async () => {
      for (const url of [
        'http://[::127.0.0.1]/',
        'http://[::7f00:1]/',
        'http://[::ffff:10.0.0.1]/',
        'http://[::ffff:0:127.0.0.1]/',
        'http://[64:ff9b::169.254.169.254]/',
        'http://[2002:7f00:1::]/',
      ]) {
        const bad = await createHook({ url });
        expect([url, bad.status, bad.body.error_code, Object.keys(bad.body.errors ?? {})]).toEqual([
          url,
          400,
          'validation_error',
          ['url'],
        ]);
        expect(bad.body.errors.url[0]).toMatch(/list .+ in WEBHOOK_ALLOWED_PRIVATE_HOSTS to allow it/);
      }
      const refused = await createHook({ url: 'http://10.0.0.1/x' });
      const hint =
        'url host 10.0.0.1 is a private, loopback or link-local address; list 10.0.0.1 in WEBHOOK_ALLOWED_PRIVATE_HOSTS to allow it';
      expect(refused.body).toMatchObject({ message: hint, errors: { url: [hint] } });
      const id = (await createHook({ is_active: false })).body.webhook.id as number;
      const patched = await ctx.t.patch(`/api/v1/webhooks/${id}`, { url: 'http://[::7f00:1]:8080/in' }, admin);
      expect([patched.status, Object.keys(patched.body.errors ?? {})]).toEqual([400, ['url']]);
      // The allow-listed 127.0.0.1 is that host only, not its IPv6 forms.
      expect((await createHook({ url: `http://127.0.0.1:${receiver.port}/in`, is_active: false })).status).toBe(201);
    });

    it('should return the secret in the webhook object and null it in an idempotent replay', async () => {
      const key = `webhook-${Date.now()}`;
      const body = { name: 'replayed', url: `${receiver.url}/in`, events: ['*'], is_active: false };
      const post = (path: string, payload?: unknown) =>
        ctx.t.post(path, payload, { ...admin, headers: { 'idempotency-key': key } });
      const first = await post('/api/v1/webhooks', body);
      expect(first.status).toBe(201);
      expect(first.body.webhook.secret).toMatch(/^whsec_/);
      expect(first.body.secret).toBe(first.body.webhook.secret);
      const replay = await post('/api/v1/webhooks', body);
      expect(replay.status).toBe(201);
      expect(replay.headers.get('idempotent-replayed')).toBe('true');
      expect(replay.body.webhook.id).toBe(first.body.webhook.id);
      expect(replay.body.secret).toBeNull();
      expect(replay.body.webhook.secret).toBeNull();
      expect(replay.text).not.toContain(first.body.secret);

      const id = first.body.webhook.id as number;
      const rotate = (k: string) =>
        ctx.t.post(`/api/v1/webhooks/${id}/rotate-secret`, undefined, { ...admin, headers: { 'idempotency-key': k } });
      const rotated = await rotate(`${key}-rotate`);
      expect(rotated.status).toBe(200);
      expect(rotated.body.webhook.secret).toMatch(/^whsec_/);
      expect(rotated.body.webhook.secret).not.toBe(first.body.secret);
      expect(rotated.body.secret).toBe(rotated.body.webhook.secret);
      const rotatedAgain = await rotate(`${key}-rotate`);
      expect(rotatedAgain.headers.get('idempotent-replayed')).toBe('true');
      expect(rotatedAgain.body).toMatchObject({ secret: null, webhook: { id, secret: null } });
      expect(rotatedAgain.text).not.toContain(rotated.body.secret);

      const got = await ctx.t.get(`/api/v1/webhooks/${id}`, admin);
      expect(got.body.webhook).not.toHaveProperty('secret');
      expect(got.text).not.toContain(rotated.body.secret);
    });

    it("should keep users out of each other's webhooks and let admins see all", async () => {
      const a = await ctx.newToken({ scopes: ['read:webhooks', 'write:webhooks'] });
      const b = await ctx.newToken({ scopes: ['read:webhooks', 'write:webhooks'] });
      const mine = (await createHook({ is_active: false }, a.token)).body.webhook.id as number;
      expect((await ctx.t.get(`/api/v1/webhooks/${mine}`, { token: b.token })).status).toBe(404);
      expect((await ctx.t.delete(`/api/v1/webhooks/${mine}`, { token: b.token })).status).toBe(404);
      expect((await ctx.t.get('/api/v1/webhooks', { token: b.token })).body.webhooks).toEqual([]);
      expect((await ctx.t.get(`/api/v1/webhooks/${mine}`, admin)).status).toBe(200);
      const readOnly = await ctx.newToken({ scopes: ['read:webhooks'] });
      expect((await createHook({}, readOnly.token)).status).toBe(403);
    });

    it('should rotate the secret and delete with its deliveries', async () => {
      const created = await createHook({ events: ['client.created'] });
      const id = created.body.webhook.id as number;
      await ctx.t.post('/api/v1/clients', { name: 'Hooked client' }, admin);
      await dispatch();
      expect(await deliveries(id)).toHaveLength(1);
      const rotated = await ctx.t.post(`/api/v1/webhooks/${id}/rotate-secret`, undefined, admin);
      expect(rotated.status).toBe(200);
      expect(rotated.body.secret).not.toBe(created.body.secret);
      expect((await ctx.t.delete(`/api/v1/webhooks/${id}`, admin)).status).toBe(200);
      expect((await ctx.t.get(`/api/v1/webhooks/${id}/deliveries`, admin)).status).toBe(404);
    });
  });

  describe('delivery', () => {
    it('should send nothing during the request, then a signed event the reference library verifies', async () => {
      const created = await createHook({ events: ['project.created'] });
      const { secret } = created.body;
      const project = await ctx.t.post('/api/v1/projects', { name: 'Webhooked' }, admin);
      expect(receiver.received).toHaveLength(0);
      await dispatch();
      expect(receiver.received).toHaveLength(1);
      const [hit] = receiver.received;
      const payload = new Webhook(secret).verify(hit.body, standardHeaders(hit)) as Record<string, any>;
      expect(payload).toMatchObject({
        event_type: 'project.created',
        user: { id: 1, username: 'admin' },
        data: { id: project.body.project.id, name: 'Webhooked' },
      });
      expect(payload.id).toBe(hit.headers['webhook-id']);
      expect(hit.headers['x-webhook-event']).toBe('project.created');
      expect(hit.headers['x-webhook-signature']).toBe(legacySignature(secret, hit.body));
      const [delivery] = await deliveries(created.body.webhook.id);
      expect(delivery).toMatchObject({
        status: 'success',
        attempts: 1,
        response_status: 200,
        event_type: 'project.created',
      });
      await deactivate(created.body.webhook.id);
    });

    it('should sign with both secrets while a rotation overlaps, each verifiable, then with the new one only', async () => {
      const created = await createHook({ events: ['client.created'] });
      const id = created.body.webhook.id as number;
      const before = Date.now();
      const rotated = await ctx.t.post(`/api/v1/webhooks/${id}/rotate-secret`, undefined, admin);
      expect(rotated.status).toBe(200);
      const until = Date.parse(rotated.body.previous_secret_expires_at);
      expect(until - before).toBeGreaterThanOrEqual(24 * 3_600_000 - 1000);
      expect(until - Date.now()).toBeLessThanOrEqual(24 * 3_600_000);
      const [oldSecret, newSecret] = [created.body.secret as string, rotated.body.secret as string];

      const deliver = async (name: string) => {
        receiver.received.length = 0;
        await ctx.t.post('/api/v1/clients', { name }, admin);
        await dispatch();
        expect(receiver.received).toHaveLength(1);
        const [hit] = receiver.received;
        return { hit, headers: standardHeaders(hit) };
      };

      const during = await deliver(`Rotating ${id}`);
      const signatures = during.headers['webhook-signature'].split(' ');
      expect(signatures).toHaveLength(2);
      expect(signatures.every((s) => s.startsWith('v1,'))).toBe(true);
      for (const secret of [newSecret, oldSecret]) {
        expect(new Webhook(secret).verify(during.hit.body, during.headers)).toMatchObject({
          event_type: 'client.created',
        });
      }
      // The original's single-value header follows the new secret at once.
      expect(during.hit.headers['x-webhook-signature']).toBe(legacySignature(newSecret, during.hit.body));

      // Once the overlap has ended, only the new secret signs.
      await ctx.t.dataSource
        .createQueryBuilder()
        .update(WebhookEntity)
        .set({ previousSecretExpiresAt: new Date(Date.now() - 1000) })
        .where('id = :id', { id })
        .execute();
      const after = await deliver(`Rotated ${id}`);
      expect(after.headers['webhook-signature'].split(' ')).toHaveLength(1);
      expect(new Webhook(newSecret).verify(after.hit.body, after.headers)).toMatchObject({
        event_type: 'client.created',
      });
      expect(() => new Webhook(oldSecret).verify(after.hit.body, after.headers)).toThrow();
      await deactivate(id);
    });

    it('should fire time entry and timer events from the services', async () => {
      const created = await createHook({
        events: ['time_entry.created', 'timer.started', 'timer.stopped', 'time_entry.deleted'],
      });
      const project = (await ctx.t.post('/api/v1/projects', { name: 'Timed hooks' }, admin)).body.project.id;
      const entry = await ctx.t.post(
        '/api/v1/time-entries',
        { project_id: project, start_time: '2025-01-01T09:00:00Z', end_time: '2025-01-01T10:00:00Z' },
        admin,
      );
      await ctx.t.post('/api/v1/timer/start', { project_id: project }, admin);
      await ctx.t.post('/api/v1/timer/stop', undefined, admin);
      await ctx.t.delete(`/api/v1/time-entries/${entry.body.time_entry.id}`, admin);
      await dispatch();
      // Deliveries go out concurrently: no order is promised.
      expect(receiver.received.map((r) => String(r.headers['x-webhook-event'])).sort()).toEqual([
        'time_entry.created',
        'time_entry.deleted',
        'timer.started',
        'timer.stopped',
      ]);
      await deactivate(created.body.webhook.id);
    });

    it('should retry with backoff, keeping the event id, until it succeeds', async () => {
      const created = await createHook({ events: ['client.created'] });
      const id = created.body.webhook.id as number;
      let calls = 0;
      receiver.respond = () => ({ status: ++calls === 1 ? 500 : 200 });
      await ctx.t.post('/api/v1/clients', { name: 'Retry client' }, admin);
      const before = Date.now();
      await dispatch();
      const after = Date.now();
      const [first] = await deliveries(id);
      expect(first).toMatchObject({ status: 'retrying', attempts: 1, response_status: 500 });
      // The API shows whole seconds; the row has the exact time. First retry: base (1 s) +-20 %.
      const row = await ctx.t.dataSource.getRepository(WebhookDeliveryEntity).findOneByOrFail({ id: first.id });
      const due = row.nextAttemptAt.getTime();
      expect(due).toBeGreaterThanOrEqual(before + 800);
      expect(due).toBeLessThanOrEqual(after + 1200);
      // Not sent again before it is due (checked while there is time left to check it).
      if (Date.now() < due - 200) {
        await dispatch();
        expect(receiver.received).toHaveLength(1);
      }
      await sleep(Math.max(0, due - Date.now()) + 100);
      await dispatch();
      expect(receiver.received).toHaveLength(2);
      expect(receiver.received[1].headers['webhook-id']).toBe(receiver.received[0].headers['webhook-id']);
      expect((await deliveries(id))[0]).toMatchObject({ status: 'success', attempts: 2 });
      await deactivate(id);
    });

    it('should give up after max_retries, disable on 410, time out, and never follow redirects', async () => {
      const failing = (await createHook({ events: ['client.created'], max_retries: 0 })).body.webhook.id;
      const gone = (await createHook({ events: ['client.created'], url: `${receiver.url}/gone` })).body.webhook.id;
      const slow = (await createHook({ events: ['client.created'], url: `${receiver.url}/slow`, timeout_seconds: 1 }))
        .body.webhook.id;
      const moved = (await createHook({ events: ['client.created'], url: `${receiver.url}/moved` })).body.webhook.id;
      receiver.respond = (req) =>
        req.path === '/gone'
          ? { status: 410 }
          : req.path === '/slow'
            ? { status: 200, delayMs: 3000 }
            : req.path === '/moved'
              ? { status: 302, headers: { location: `${receiver.url}/elsewhere` } }
              : { status: 500 };
      await ctx.t.post('/api/v1/clients', { name: 'Many hooks' }, admin);
      await dispatch();
      expect((await deliveries(failing))[0]).toMatchObject({ status: 'failed', attempts: 1, response_status: 500 });
      expect((await deliveries(gone))[0]).toMatchObject({ status: 'failed', response_status: 410 });
      expect((await ctx.t.get(`/api/v1/webhooks/${gone}`, admin)).body.webhook.is_active).toBe(false);
      const timedOut = (await deliveries(slow))[0];
      expect(timedOut.status).toBe('retrying');
      expect(timedOut.error_message).toMatch(/timeout/);
      expect((await deliveries(moved))[0]).toMatchObject({ status: 'retrying', response_status: 302 });
      expect(receiver.received.some((r) => r.path === '/elsewhere')).toBe(false);
      for (const id of [failing, slow, moved]) await deactivate(id);
      // Their pending retries are never sent once the webhooks are off.
      await sleep(1500);
      receiver.received.length = 0;
      await dispatch();
      expect(receiver.received).toHaveLength(0);
      expect((await deliveries(slow))[0]).toMatchObject({ status: 'failed', error_message: 'webhook inactive' });
    });

    it('should refuse a host whose DNS answer is loopback, sending nothing', async () => {
      const created = await createHook({ events: ['client.created'], url: `http://evil.test:${receiver.port}/in` });
      expect(created.status).toBe(201);
      await ctx.t.post('/api/v1/clients', { name: 'Rebinding' }, admin);
      await dispatch();
      expect(receiver.received).toHaveLength(0);
      const [delivery] = await deliveries(created.body.webhook.id);
      expect(delivery.error_message).toMatch(/blocked/);
      await deactivate(created.body.webhook.id);
    });

    it('should send test events and redeliver the same event', async () => {
      const id = (await createHook({ events: ['task.completed'] })).body.webhook.id;
      const test = await ctx.t.post(`/api/v1/webhooks/${id}/test`, undefined, admin);
      expect(test.status).toBe(202);
      await dispatch();
      expect(receiver.received.map((r) => r.headers['x-webhook-event'])).toEqual(['webhook.test']);
      const again = await ctx.t.post(
        `/api/v1/webhooks/${id}/deliveries/${test.body.delivery.id}/redeliver`,
        undefined,
        admin,
      );
      expect(again.status).toBe(202);
      await dispatch();
      expect(receiver.received).toHaveLength(2);
      expect(receiver.received[1].headers['webhook-id']).toBe(receiver.received[0].headers['webhook-id']);
      const filtered = await ctx.t.get(`/api/v1/webhooks/${id}/deliveries`, { ...admin, query: { status: 'success' } });
      expect(filtered.body.deliveries).toHaveLength(2);
      await deactivate(id);
    });
  });

  describe('across restarts and processes', () => {
    it('should lease a delivery it is sending for a minute, so another dispatcher cannot take it', async () => {
      const id = (await createHook({ events: ['client.created'] })).body.webhook.id;
      await ctx.t.post('/api/v1/clients', { name: `Leased ${id}` }, admin);
      receiver.respond = () => ({ status: 200, delayMs: 1000 });
      const sending = dispatch();
      let row: { status: string; locked_until: unknown } | undefined;
      for (let i = 0; i < 50 && row?.status !== 'sending'; i++) {
        await sleep(20);
        [row] = await ctx.t.dataSource.query(
          'SELECT status, locked_until FROM webhook_deliveries WHERE webhook_id = ' + id,
        );
      }
      expect(row?.status).toBe('sending');
      const lockedUntil =
        row!.locked_until instanceof Date ? row!.locked_until : new Date(`${String(row!.locked_until)}Z`);
      expect(lockedUntil.getTime() - Date.now()).toBeGreaterThan(50_000);
      await sending;
      expect(receiver.received).toHaveLength(1);
      await deactivate(id);
    });

    it('should deliver after a crash between commit and send, exactly once with two dispatchers', async () => {
      const id = (await createHook({ events: ['client.created'] })).body.webhook.id;
      const serverEnv = {
        ...ENV,
        DATABASE_URL: ctx.t.databaseUrl,
        REDIS_KEY_PREFIX: redisPrefixFor(ctx.t.databaseUrl),
      };
      // A real server process commits the changes (and their outbox rows), then dies by SIGKILL
      // before its dispatcher's first tick: nothing was sent.
      const crashed = await startServerProcess(serverEnv);
      for (let i = 0; i < 5; i++) {
        const res = await fetch(`${crashed.baseUrl}/api/v1/clients`, {
          method: 'POST',
          headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
          body: JSON.stringify({ name: `Outbox ${i}` }),
        });
        expect(res.status).toBe(201);
      }
      await crashed.stop('SIGKILL');
      expect(receiver.received).toHaveLength(0);

      // Restarted, twice over: two processes whose dispatchers tick every 100 ms race for the events.
      const restarted = await Promise.all(
        [1, 2].map(() => startServerProcess({ ...serverEnv, WEBHOOK_DISPATCH_INTERVAL_MS: '100' })),
      );
      try {
        for (let i = 0; i < 100 && receiver.received.length < 5; i++) await sleep(100);
        await sleep(500); // room for a duplicate to show up
      } finally {
        await Promise.all(restarted.map((p) => p.stop()));
      }
      const events = receiver.received.map((r) => r.headers['webhook-id']);
      expect(events).toHaveLength(5);
      expect(new Set(events).size).toBe(5);
      expect(await deliveries(id)).toHaveLength(5);
      await deactivate(id);
    });
  });
});
