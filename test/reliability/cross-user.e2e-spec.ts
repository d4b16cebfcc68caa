import { WebhookDispatcher } from '../../src/modules/webhooks/webhook-dispatcher';
import { WEBHOOK_RESOLVER } from '../../src/modules/webhooks/webhook-sender';
import { createTestContext, RAISED_RATE_LIMITS, type TestContext } from '../support/factories';

/**
 * OWASP API1/API3: user A, holding every scope a normal user can have, against each of user B's
 * resources by id. Every attempt is refused (404, never revealing that the id exists, or 403 for
 * admin-only routes) and B's data reads the same afterwards.
 */
const SCOPES = ['read:*', 'write:*'];

describe('cross-user access matrix', () => {
  let ctx: TestContext;
  let a: { token: string };
  let b: { token: string; id: number; userId: number };
  const ids = { entry: 0, running: 0, webhook: 0, delivery: 0, project: 0 };

  beforeAll(async () => {
    ctx = await createTestContext({
      env: {
        WEBHOOK_DISPATCH_INTERVAL_MS: '3600000',
        ...RAISED_RATE_LIMITS,
      },
      overrides: [[WEBHOOK_RESOLVER, async () => [{ address: '93.184.216.34', family: 4 }]]],
    });
    a = await ctx.newToken({ scopes: SCOPES });
    const issued = await ctx.newToken({ scopes: SCOPES });
    b = { token: issued.token, id: issued.id, userId: issued.user.id };
    const asB = { token: b.token };
    ids.project = (await ctx.t.post('/api/v1/projects', { name: 'Shared' }, { token: ctx.adminToken })).body.project.id;
    ids.entry = (
      await ctx.t.post(
        '/api/v1/time-entries',
        {
          project_id: ids.project,
          start_time: '2026-01-05T09:00:00Z',
          end_time: '2026-01-05T10:00:00Z',
          notes: 'b-private',
        },
        asB,
      )
    ).body.time_entry.id;
    ids.running = (await ctx.t.post('/api/v1/timer/start', { project_id: ids.project }, asB)).body.timer.id;
    const hook = await ctx.t.post(
      '/api/v1/webhooks',
      { name: 'b-hook', url: 'https://hooks.example.com/in', events: ['*'] },
      asB,
    );
    expect(hook.status).toBe(201);
    ids.webhook = hook.body.webhook.id;
    ids.delivery = (await ctx.t.post(`/api/v1/webhooks/${ids.webhook}/test`, undefined, asB)).body.delivery.id;
  });

  afterAll(async () => {
    await ctx.close();
  });

  /** Everything B can see of B's own resources. */
  const snapshotOfB = async () => {
    const asB = { token: b.token };
    const read = async (path: string) => {
      const res = await ctx.t.get(path, asB);
      expect(res.status).toBe(200);
      return res.body as unknown;
    };
    // A running timer's duration grows by itself: compared without it.
    const live = (body: unknown) =>
      JSON.parse(JSON.stringify(body, (key, value: unknown) => (/duration|elapsed/.test(key) ? undefined : value)));
    return {
      entry: await read(`/api/v1/time-entries/${ids.entry}`),
      running: live(await read(`/api/v1/time-entries/${ids.running}`)),
      timer: live(await read('/api/v1/timer/status')),
      webhook: await read(`/api/v1/webhooks/${ids.webhook}`),
      deliveries: await read(`/api/v1/webhooks/${ids.webhook}/deliveries`),
      me: await read('/api/v1/users/me'),
    };
  };

  type Attempt = [method: 'get' | 'post' | 'patch' | 'put' | 'delete', path: () => string, body?: unknown];
  const byId: Array<[string, Attempt]> = [
    ['read an entry', ['get', () => `/api/v1/time-entries/${ids.entry}`]],
    ['update an entry', ['patch', () => `/api/v1/time-entries/${ids.entry}`, { notes: 'pwned' }]],
    ['replace an entry', ['put', () => `/api/v1/time-entries/${ids.entry}`, { notes: 'pwned' }]],
    ['delete an entry', ['delete', () => `/api/v1/time-entries/${ids.entry}`]],
    ['read a running entry', ['get', () => `/api/v1/time-entries/${ids.running}`]],
    ['delete a running entry', ['delete', () => `/api/v1/time-entries/${ids.running}`]],
    ['read a webhook', ['get', () => `/api/v1/webhooks/${ids.webhook}`]],
    ['update a webhook', ['patch', () => `/api/v1/webhooks/${ids.webhook}`, { url: 'https://attacker.example/x' }]],
    ['replace a webhook', ['put', () => `/api/v1/webhooks/${ids.webhook}`, { is_active: false }]],
    ['delete a webhook', ['delete', () => `/api/v1/webhooks/${ids.webhook}`]],
    ['list deliveries', ['get', () => `/api/v1/webhooks/${ids.webhook}/deliveries`]],
    ['redeliver', ['post', () => `/api/v1/webhooks/${ids.webhook}/deliveries/${ids.delivery}/redeliver`, undefined]],
    ['rotate a webhook secret', ['post', () => `/api/v1/webhooks/${ids.webhook}/rotate-secret`, undefined]],
    ['send a test event', ['post', () => `/api/v1/webhooks/${ids.webhook}/test`, undefined]],
  ];

  /** One attempt, made with A's token. */
  const asA = ([method, path, body]: Attempt) =>
    method === 'get' || method === 'delete'
      ? ctx.t[method](path(), { token: a.token })
      : ctx.t[method](path(), body, { token: a.token });

  it.each(byId)("should answer 404 when A tries to %s of B's, changing nothing", async (_, [method, path, body]) => {
    const before = await snapshotOfB();
    const res = await asA([method, path, body]);
    expect(res.status).toBe(404);
    expect(res.body.error_code).toBe('not_found');
    expect(res.text).not.toContain('b-private');
    expect(await snapshotOfB()).toEqual(before);
  });

  it.each<[string, Attempt, number]>([
    ['read B as a user', ['get', () => `/api/v1/users/${b.userId}`], 403],
    ['deactivate B', ['patch', () => `/api/v1/users/${b.userId}`, { is_active: false }], 403],
    ["list every user's tokens", ['get', () => '/api/v1/admin/api-tokens'], 403],
    ["read B's token", ['get', () => `/api/v1/admin/api-tokens/${b.id}`], 403],
    ["revoke B's token", ['delete', () => `/api/v1/admin/api-tokens/${b.id}`], 403],
    ["rotate B's token", ['post', () => `/api/v1/admin/api-tokens/${b.id}/rotate`, undefined], 403],
  ])('should refuse when A tries to %s (admin only)', async (_, [method, path, body], status) => {
    const before = await snapshotOfB();
    const res = await asA([method, path, body]);
    expect(res.status).toBe(status);
    expect(await snapshotOfB()).toEqual(before);
    // B's token still works.
    expect((await ctx.t.get('/api/v1/users/me', { token: b.token })).status).toBe(200);
  });

  it("should refuse a bulk action naming one of B's entries as a whole, touching none", async () => {
    const mine = (
      await ctx.t.post(
        '/api/v1/time-entries',
        { project_id: ids.project, start_time: '2026-01-06T09:00:00Z', end_time: '2026-01-06T10:00:00Z' },
        { token: a.token },
      )
    ).body.time_entry.id as number;
    const before = await snapshotOfB();
    for (const action of [{ action: 'delete' }, { action: 'set_paid', value: true }]) {
      const res = await ctx.t.post('/api/v1/time-entries/bulk', { entry_ids: [mine, ids.entry], ...action }, a);
      expect(res.status).toBe(404);
      expect(res.body.missing_ids).toEqual([ids.entry]);
    }
    expect((await ctx.t.get(`/api/v1/time-entries/${mine}`, a)).body.time_entry.paid).toBe(false);
    expect(await snapshotOfB()).toEqual(before);
  });

  it("should keep B's timer, entries and webhooks out of A's timer, lists, search and reports", async () => {
    const before = await snapshotOfB();
    const asA = { token: a.token };
    expect((await ctx.t.post('/api/v1/timer/stop', undefined, asA)).status).toBe(409);
    expect((await ctx.t.get('/api/v1/timer/status', asA)).body.active).toBe(false);
    const list = await ctx.t.get('/api/v1/time-entries', { ...asA, query: { user_id: String(b.userId) } });
    expect([200, 403]).toContain(list.status);
    if (list.status === 200) expect(list.text).not.toContain('b-private');
    const search = await ctx.t.get('/api/v1/search', { ...asA, query: { q: 'b-private' } });
    expect(search.status).toBe(200);
    expect(search.body.results).toEqual([]);
    const summary = await ctx.t.get('/api/v1/reports/summary', {
      ...asA,
      query: { start_date: '2026-01-01', end_date: '2026-01-31', user_id: String(b.userId) },
    });
    expect([200, 403]).toContain(summary.status);
    if (summary.status === 200) expect(summary.body.summary.total_hours ?? 0).not.toBe(1);
    const hooks = await ctx.t.get('/api/v1/webhooks', asA);
    expect(hooks.body.webhooks.map((w: { id: number }) => w.id)).not.toContain(ids.webhook);
    // The changes feed from its start: B's entries, timer and webhook were all logged in it.
    const feed = await ctx.t.get('/api/v1/changes', { ...asA, query: { limit: '1000' } });
    expect(feed.status).toBe(200);
    expect(feed.body.has_more).toBe(false);
    const seen = (feed.body.changes as Array<{ type: string; id: number }>).map((c) => `${c.type} ${c.id}`);
    for (const id of [ids.entry, ids.running]) expect(seen).not.toContain(`time_entry ${id}`);
    expect(seen).not.toContain(`webhook ${ids.webhook}`);
    expect(feed.text).not.toContain('b-private');
    const adminFeed = await ctx.t.get('/api/v1/changes', { token: ctx.adminToken, query: { limit: '1000' } });
    const adminSeen = (adminFeed.body.changes as Array<{ type: string; id: number }>).map((c) => `${c.type} ${c.id}`);
    expect(adminSeen).toContain(`time_entry ${ids.entry}`);
    expect(await snapshotOfB()).toEqual(before);
  });

  it.each([
    ['time entry', 'post', '/api/v1/time-entries', { id: 999999, created_at: '2020-01-01T00:00:00Z' }],
    ['own time entry', 'patch', '/api/v1/time-entries/{mine}', { user_id: 0 }],
    ['own time entry', 'patch', '/api/v1/time-entries/{mine}', { id: 1, created_at: '2020-01-01T00:00:00Z' }],
    ['webhook', 'post', '/api/v1/webhooks', { user_id: 0, secret: 'whsec_mine' }],
  ] as const)('should refuse mass assignment on a %s (%s %s)', async (_, method, route, extra) => {
    const asA = { token: a.token };
    const mine = (await ctx.t.get('/api/v1/time-entries', asA)).body.time_entries[0]?.id as number | undefined;
    const path = route.replace('{mine}', String(mine));
    const body: Record<string, unknown> = { ...extra };
    if ('user_id' in body) body.user_id = b.userId;
    if (path === '/api/v1/webhooks') Object.assign(body, { name: 'x', url: 'https://h.example/x', events: ['*'] });
    if (path === '/api/v1/time-entries') {
      Object.assign(body, {
        project_id: ids.project,
        start_time: '2026-01-07T09:00:00Z',
        end_time: '2026-01-07T10:00:00Z',
        notes: 'planted',
      });
    }
    const before = await snapshotOfB();
    const res = await ctx.t[method](path, body, asA);
    expect(res.status).toBe(400);
    expect(res.body.error_code).toBe('validation_error');
    expect(Object.keys(res.body.errors)).toEqual(expect.arrayContaining(Object.keys(extra)));
    expect(await snapshotOfB()).toEqual(before);
    if (mine !== undefined) {
      expect((await ctx.t.get(`/api/v1/time-entries/${mine}`, asA)).body.time_entry).toMatchObject({ id: mine });
    }
  });

  it("should refuse, 403, a time entry that A files under B's user_id, creating nothing", async () => {
    const before = await snapshotOfB();
    const res = await ctx.t.post(
      '/api/v1/time-entries',
      {
        user_id: b.userId,
        project_id: ids.project,
        start_time: '2026-01-08T09:00:00Z',
        end_time: '2026-01-08T10:00:00Z',
        notes: 'planted-for-b',
      },
      { token: a.token },
    );
    expect(res.status).toBe(403);
    expect(res.body.error_code).toBe('forbidden');
    const list = await ctx.t.get('/api/v1/time-entries', { token: b.token });
    expect(list.text).not.toContain('planted-for-b');
    expect(await snapshotOfB()).toEqual(before);
  });

  it("should not send A's time entry and timer events to B's webhook, but shared ones and to admins", async () => {
    const adminHook = await ctx.t.post(
      '/api/v1/webhooks',
      { name: 'admin-hook', url: 'https://hooks.example.com/admin', events: ['*'] },
      { token: ctx.adminToken },
    );
    expect(adminHook.status).toBe(201);
    const asA = { token: a.token };
    const entry = await ctx.t.post(
      '/api/v1/time-entries',
      {
        project_id: ids.project,
        start_time: '2026-01-09T09:00:00Z',
        end_time: '2026-01-09T10:00:00Z',
        notes: 'a-secret',
      },
      asA,
    );
    expect(entry.status).toBe(201);
    expect((await ctx.t.post('/api/v1/timer/start', { project_id: ids.project }, asA)).status).toBe(201);
    expect((await ctx.t.post('/api/v1/timer/stop', undefined, asA)).status).toBe(200);
    expect((await ctx.t.post('/api/v1/projects', { name: 'Shared by A' }, { token: ctx.adminToken })).status).toBe(201);
    await ctx.t.app.get(WebhookDispatcher).runOnce();

    const types = async (hookId: number, token: string) =>
      (
        (await ctx.t.get(`/api/v1/webhooks/${hookId}/deliveries`, { token, query: { per_page: '100' } })).body
          .deliveries as Array<{ event_type: string }>
      ).map((d) => d.event_type);
    const toB = await types(ids.webhook, b.token);
    expect(toB).toContain('project.created');
    // B's own entry and timer start (made before the webhook, fanned out now); none of A's.
    const count = (type: string) => toB.filter((t) => t === type).length;
    expect([count('time_entry.created'), count('timer.started'), count('timer.stopped')]).toEqual([1, 1, 0]);
    const toAdmin = await types(adminHook.body.webhook.id as number, ctx.adminToken);
    expect(toAdmin).toEqual(expect.arrayContaining(['time_entry.created', 'timer.stopped', 'project.created']));
  });
});
