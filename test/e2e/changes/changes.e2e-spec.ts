import { TransactionService } from '../../../src/database/transaction.service';
import { ChangeLog } from '../../../src/modules/changes/change-log';
import { ChangesService } from '../../../src/modules/changes/changes.service';
import { ADMIN_TOKEN, createTestContext, RAISED_RATE_LIMITS, type TestContext } from '../../support/factories';
import { TEST_DB } from '../../support/test-databases';

type Change = {
  cursor: string;
  type: string;
  id: number;
  action: string;
  changed_at: string;
  actor: { id: number; username: string } | null;
  data: Record<string, unknown> | null;
};

describe('changes feed', () => {
  let ctx: TestContext;
  const admin = { token: ADMIN_TOKEN };

  beforeAll(async () => {
    ctx = await createTestContext({ env: RAISED_RATE_LIMITS });
  });

  afterAll(async () => {
    await ctx.close();
  });

  /** Follows next_cursor until nothing is left; returns the changes and the final cursor. */
  async function drain(token: string, cursor?: string, query: Record<string, string | number> = {}) {
    const seen: Change[] = [];
    let next = cursor;
    for (let i = 0; i < 1000; i++) {
      const res = await ctx.t.get('/api/v1/changes', { token, query: { ...query, ...(next ? { cursor: next } : {}) } });
      expect(res.status).toBe(200);
      seen.push(...(res.body.changes as Change[]));
      expect(typeof res.body.next_cursor).toBe('string');
      next = res.body.next_cursor as string;
      if (!res.body.has_more) return { changes: seen, cursor: next };
    }
    throw new Error('the feed never ended');
  }

  /** The current position: drain everything from the start. */
  const position = async (token = ADMIN_TOKEN) => (await drain(token)).cursor;

  it('should log project create, update and archive once each, in order, with data as GET returned it', async () => {
    const start = await position();
    const created = await ctx.t.post('/api/v1/projects', { name: 'Feed P' }, admin);
    const id = created.body.project.id as number;
    const afterCreate = (await ctx.t.get(`/api/v1/projects/${id}`, admin)).body.project;
    expect((await ctx.t.patch(`/api/v1/projects/${id}`, { status: 'on_hold', name: 'Feed P2' }, admin)).status).toBe(
      200,
    );
    const afterUpdate = (await ctx.t.get(`/api/v1/projects/${id}`, admin)).body.project;
    expect((await ctx.t.delete(`/api/v1/projects/${id}`, admin)).status).toBe(200);
    const afterArchive = (await ctx.t.get(`/api/v1/projects/${id}`, admin)).body.project;
    const { changes } = await drain(ADMIN_TOKEN, start);
    expect(changes.map((c) => [c.type, c.id, c.action])).toEqual([
      ['project', id, 'created'],
      ['project', id, 'updated'],
      ['project', id, 'updated'],
    ]);
    expect(changes.map((c) => c.data)).toEqual([afterCreate, afterUpdate, afterArchive]);
    expect(changes[0].actor).toEqual({ id: expect.any(Number), username: 'admin' });
    expect(changes[0].changed_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  });

  it('should log clients and tasks, task deletion with null data', async () => {
    const start = await position();
    const client = (await ctx.t.post('/api/v1/clients', { name: 'Feed client' }, admin)).body.client;
    const project = (await ctx.t.post('/api/v1/projects', { name: 'Feed tasks' }, admin)).body.project;
    const task = (await ctx.t.post('/api/v1/tasks', { name: 'T', project_id: project.id }, admin)).body.task;
    const taskAfterCreate = (await ctx.t.get(`/api/v1/tasks/${task.id}`, admin)).body.task;
    await ctx.t.delete(`/api/v1/tasks/${task.id}`, admin);
    await ctx.t.delete(`/api/v1/clients/${client.id}`, admin);
    const clientNow = (await ctx.t.get(`/api/v1/clients/${client.id}`, admin)).body.client;
    const { changes } = await drain(ADMIN_TOKEN, start);
    expect(changes.map((c) => [c.type, c.id, c.action])).toEqual([
      ['client', client.id, 'created'],
      ['project', project.id, 'created'],
      ['task', task.id, 'created'],
      ['task', task.id, 'deleted'],
      ['client', client.id, 'updated'],
    ]);
    expect(changes[2].data).toEqual(taskAfterCreate);
    expect(changes[3].data).toBeNull();
    expect(changes[4].data).toEqual(clientNow);
  });

  it("should log a deleted task's entries as updated, without the task, for their owners only", async () => {
    const project = (await ctx.t.post('/api/v1/projects', { name: 'Feed task knock-on' }, admin)).body.project;
    const task = (await ctx.t.post('/api/v1/tasks', { name: 'Doomed', project_id: project.id }, admin)).body.task;
    const a = await ctx.newToken({ scopes: ['read:time_entries', 'write:time_entries'] });
    const b = await ctx.newToken({ scopes: ['read:time_entries', 'write:time_entries'] });
    const book = async (token: string, day: number) =>
      (
        await ctx.t.post(
          '/api/v1/time-entries',
          {
            project_id: project.id,
            task_id: task.id,
            start_time: `2025-04-0${day}T09:00:00Z`,
            end_time: `2025-04-0${day}T10:00:00Z`,
          },
          { token },
        )
      ).body.time_entry as { id: number; updated_at: string };
    const entryA = await book(a.token, 1);
    const entryB = await book(b.token, 2);
    const startA = await position(a.token);
    const startAdmin = await position();
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect((await ctx.t.delete(`/api/v1/tasks/${task.id}`, admin)).status).toBe(200);

    const afterA = (await ctx.t.get(`/api/v1/time-entries/${entryA.id}`, { token: a.token })).body.time_entry;
    expect(afterA).toMatchObject({ task_id: null, task: null, duration_seconds: 3600 });
    // updated_at moves, so updated_since finds the entry too.
    expect(afterA.updated_at > entryA.updated_at).toBe(true);
    const seenByA = (await drain(a.token, startA)).changes;
    expect(seenByA.map((c) => [c.type, c.id, c.action])).toEqual([['time_entry', entryA.id, 'updated']]);
    expect(seenByA[0].data).toEqual(afterA);
    const seenByAdmin = (await drain(ADMIN_TOKEN, startAdmin)).changes;
    expect(seenByAdmin.map((c) => [c.type, c.id, c.action])).toEqual([
      ['task', task.id, 'deleted'],
      ['time_entry', entryA.id, 'updated'],
      ['time_entry', entryB.id, 'updated'],
    ]);
  });

  it('should log time entry create, update, delete, bulk and the timer, per user', async () => {
    const project = (await ctx.t.post('/api/v1/projects', { name: 'Feed entries' }, admin)).body.project;
    const a = await ctx.newToken({ scopes: ['read:time_entries', 'write:time_entries', 'read:projects'] });
    const b = await ctx.newToken({ scopes: ['read:time_entries', 'write:time_entries'] });
    const startA = await position(a.token);
    const startB = await position(b.token);
    const entry = (
      await ctx.t.post(
        '/api/v1/time-entries',
        { project_id: project.id, start_time: '2025-03-01T09:00:00Z', end_time: '2025-03-01T10:00:00Z' },
        { token: a.token },
      )
    ).body.time_entry;
    const created = (await ctx.t.get(`/api/v1/time-entries/${entry.id}`, { token: a.token })).body.time_entry;
    await ctx.t.patch(`/api/v1/time-entries/${entry.id}`, { notes: 'edited' }, { token: a.token });
    const updated = (await ctx.t.get(`/api/v1/time-entries/${entry.id}`, { token: a.token })).body.time_entry;
    const other = (
      await ctx.t.post(
        '/api/v1/time-entries',
        { project_id: project.id, start_time: '2025-03-02T09:00:00Z', end_time: '2025-03-02T10:00:00Z' },
        { token: b.token },
      )
    ).body.time_entry;
    expect(other).toBeDefined();
    const bulk = await ctx.t.post(
      '/api/v1/time-entries/bulk',
      { entry_ids: [entry.id], action: 'set_paid', value: true },
      { token: a.token },
    );
    expect(bulk.status).toBe(200);
    const paid = (await ctx.t.get(`/api/v1/time-entries/${entry.id}`, { token: a.token })).body.time_entry;
    const started = (await ctx.t.post('/api/v1/timer/start', { project_id: project.id }, { token: a.token })).body
      .timer;
    const stopped = (await ctx.t.post('/api/v1/timer/stop', undefined, { token: a.token })).body.time_entry;
    await ctx.t.delete(`/api/v1/time-entries/${entry.id}`, { token: a.token });

    const seenByA = (await drain(a.token, startA)).changes.filter((c) => c.type === 'time_entry');
    expect(seenByA.map((c) => [c.id, c.action])).toEqual([
      [entry.id, 'created'],
      [entry.id, 'updated'],
      [entry.id, 'updated'],
      [started.id, 'created'],
      [started.id, 'updated'],
      [entry.id, 'deleted'],
    ]);
    expect(seenByA.map((c) => c.data)).toEqual([created, updated, paid, started, stopped, null]);
    // B never sees A's entries, only its own.
    const seenByB = (await drain(b.token, startB)).changes;
    expect(seenByB.map((c) => [c.type, c.id, c.action])).toEqual([['time_entry', other.id, 'created']]);
    // The admin sees both users' entries.
    const all = (await drain(ADMIN_TOKEN, startA)).changes.filter((c) => c.type === 'time_entry');
    expect(all.map((c) => c.id)).toContain(other.id);
  });

  it('should log one created per imported CSV row, and nothing for a dry run', async () => {
    const project = (await ctx.t.post('/api/v1/projects', { name: 'Feed import' }, admin)).body.project;
    const a = await ctx.newToken({ scopes: ['read:time_entries', 'write:time_entries'] });
    const start = await position(a.token);
    const csv =
      'project_id,start_time,end_time\n' +
      `${project.id},2025-04-01T09:00:00Z,2025-04-01T10:00:00Z\n` +
      `${project.id},2025-04-02T09:00:00Z,2025-04-02T10:00:00Z\n` +
      `${project.id},2025-04-03T09:00:00Z,2025-04-03T10:00:00Z\n`;
    const dry = await ctx.t.post(
      '/api/v1/time-entries/import-csv',
      { csv },
      { token: a.token, query: { dry_run: true } },
    );
    expect(dry.status).toBe(200);
    expect((await drain(a.token, start)).changes).toEqual([]);
    const res = await ctx.t.post('/api/v1/time-entries/import-csv', { csv }, { token: a.token });
    expect(res.body.created).toBe(3);
    const { changes } = await drain(a.token, start);
    expect(changes.map((c) => c.action)).toEqual(['created', 'created', 'created']);
    for (const change of changes) {
      const got = await ctx.t.get(`/api/v1/time-entries/${change.id}`, { token: a.token });
      expect(change.data).toEqual(got.body.time_entry);
    }
  });

  it('should log webhooks (owner only, never the secret), inventory and transfers', async () => {
    const owner = await ctx.newToken({ scopes: ['read:webhooks', 'write:webhooks'] });
    const stranger = await ctx.newToken({ scopes: ['read:webhooks'] });
    const start = await position();
    const strangerStart = await position(stranger.token);
    const hook = await ctx.t.post(
      '/api/v1/webhooks',
      { name: 'feed hook', url: 'https://hooks.example.com/in', events: ['*'] },
      { token: owner.token },
    );
    expect(hook.status).toBe(201);
    const hookId = hook.body.webhook.id as number;
    await ctx.t.patch(`/api/v1/webhooks/${hookId}`, { name: 'renamed' }, { token: owner.token });
    const hookNow = (await ctx.t.get(`/api/v1/webhooks/${hookId}`, { token: owner.token })).body.webhook;
    await ctx.t.delete(`/api/v1/webhooks/${hookId}`, { token: owner.token });
    const w1 = (await ctx.t.post('/api/v1/inventory/warehouses', { code: 'fa', name: 'A' }, admin)).body.warehouse;
    const w2 = (await ctx.t.post('/api/v1/inventory/warehouses', { code: 'fb', name: 'B' }, admin)).body.warehouse;
    const item = (await ctx.t.post('/api/v1/inventory/items', { sku: 'feed-1', name: 'Bolt' }, admin)).body.item;
    const moved = await ctx.t.post(
      '/api/v1/inventory/movements',
      { stock_item_id: item.id, warehouse_id: w1.id, movement_type: 'purchase', quantity: 10, unit_cost: 1 },
      admin,
    );
    expect(moved.status).toBe(201);
    const transferred = await ctx.t.post(
      '/api/v1/inventory/transfers',
      { stock_item_id: item.id, from_warehouse_id: w1.id, to_warehouse_id: w2.id, quantity: 4 },
      admin,
    );
    expect(transferred.status).toBe(201);
    const itemNow = (await ctx.t.get(`/api/v1/inventory/items/${item.id}`, admin)).body.item;

    const { changes } = await drain(ADMIN_TOKEN, start);
    expect(changes.map((c) => [c.type, c.id, c.action])).toEqual([
      ['webhook', hookId, 'created'],
      ['webhook', hookId, 'updated'],
      ['webhook', hookId, 'deleted'],
      ['warehouse', w1.id, 'created'],
      ['warehouse', w2.id, 'created'],
      ['inventory_item', item.id, 'created'],
      ['inventory_item', item.id, 'updated'],
      ['inventory_item', item.id, 'updated'],
      ['warehouse', w1.id, 'updated'],
      ['warehouse', w2.id, 'updated'],
    ]);
    expect(changes[1].data).toEqual(hookNow);
    expect(JSON.stringify(changes)).not.toContain('whsec_');
    expect(changes[7].data).toEqual(itemNow);
    // Another user never sees the owner's webhook.
    expect((await drain(stranger.token, strangerStart)).changes).toEqual([]);
  });

  it('should leave inventory changes out while the inventory module is switched off', async () => {
    const start = await position();
    const warehouse = await ctx.t.post('/api/v1/inventory/warehouses', { code: 'off1', name: 'Off' }, admin);
    expect(warehouse.status).toBe(201);
    const project = await ctx.t.post('/api/v1/projects', { name: 'Feed while inventory is off' }, admin);
    expect(project.status).toBe(201);
    expect((await ctx.t.patch('/api/v1/admin/settings', { inventory_enabled: false }, admin)).status).toBe(200);
    try {
      const { changes } = await drain(ADMIN_TOKEN, start);
      expect(changes.map((c) => [c.type, c.id])).toEqual([['project', project.body.project.id]]);
    } finally {
      expect((await ctx.t.patch('/api/v1/admin/settings', { inventory_enabled: true }, admin)).status).toBe(200);
    }
    const { changes } = await drain(ADMIN_TOKEN, start);
    expect(changes.map((c) => c.type)).toEqual(['warehouse', 'project']);
  });

  it('should show user and api_token changes to admins only, never a secret', async () => {
    const start = await position();
    const user = await ctx.newUser();
    const token = await ctx.newToken({ scopes: ['read:*'], user });
    const rotated = await ctx.t.post(`/api/v1/admin/api-tokens/${token.id}/rotate`, undefined, admin);
    expect(rotated.status).toBe(201);
    const { changes } = await drain(ADMIN_TOKEN, start, { types: 'user,api_token' });
    expect(changes.map((c) => [c.type, c.action])).toEqual([
      ['user', 'created'],
      ['api_token', 'created'],
      ['api_token', 'updated'],
      ['api_token', 'created'],
    ]);
    const text = JSON.stringify(changes);
    expect(text).not.toContain(token.token);
    expect(text).not.toContain(rotated.body.token);
    expect(text).not.toContain('token_hash');
    // read:* is not admin: no user or api_token types, even when asked for.
    expect((await drain(rotated.body.token, start, { types: 'user,api_token' })).changes).toEqual([]);
    // admin:all without the admin role is not enough either.
    const notAdmin = await ctx.newToken({ scopes: ['admin:all'] });
    const seen = (await drain(notAdmin.token, start)).changes.map((c) => c.type);
    expect(seen).not.toContain('user');
    expect(seen).not.toContain('api_token');
  });

  it('should filter every list by updated_since, inclusive', async () => {
    const lists: Array<[string, string, (n: number) => Record<string, unknown>]> = [
      ['/api/v1/projects', 'projects', (n) => ({ name: `Since P${n}` })],
      ['/api/v1/clients', 'clients', (n) => ({ name: `Since C${n}` })],
      ['/api/v1/webhooks', 'webhooks', (n) => ({ name: `h${n}`, url: 'https://hooks.example.com/x', events: ['*'] })],
      ['/api/v1/inventory/warehouses', 'warehouses', (n) => ({ code: `since${n}`, name: `W${n}` })],
      ['/api/v1/inventory/items', 'items', (n) => ({ sku: `since-${n}`, name: `I${n}` })],
    ];
    const project = (await ctx.t.post('/api/v1/projects', { name: 'Since tasks' }, admin)).body.project;
    lists.push(['/api/v1/tasks', 'tasks', (n) => ({ name: `T${n}`, project_id: project.id })]);
    lists.push([
      '/api/v1/time-entries',
      'time_entries',
      (n) => ({ project_id: project.id, start_time: `2025-05-0${n}T09:00:00Z`, end_time: `2025-05-0${n}T10:00:00Z` }),
    ]);
    for (const [path, plural, body] of lists) {
      const singular = Object.keys((await ctx.t.post(path, body(1), admin)).body).find((k) => k !== 'message')!;
      await new Promise((resolve) => setTimeout(resolve, 1100));
      const second = (await ctx.t.post(path, body(2), admin)).body[singular] as { id: number; updated_at: string };
      const since = second.updated_at;
      const listed = await ctx.t.get(path, { ...admin, query: { updated_since: since, per_page: 100 } });
      expect(listed.status).toBe(200);
      const ids = (listed.body[plural] as Array<{ id: number }>).map((r) => r.id);
      expect({ path, ids }).toEqual({ path, ids: [second.id] });
    }
    const bad = await ctx.t.get('/api/v1/projects', {
      ...admin,
      query: { updated_since: 'yesterday' },
      validate: false,
    });
    expect(bad.status).toBe(400);
  });

  it('should leave out the types a token cannot read', async () => {
    const noEntries = await ctx.newToken({ scopes: ['read:projects'] });
    const { changes } = await drain(noEntries.token);
    expect(changes.length).toBeGreaterThan(0);
    // Inventory routes accept read:projects too (contract §3), so its types come along.
    expect([...new Set(changes.map((c) => c.type))].sort()).toEqual(['inventory_item', 'project', 'warehouse']);
  });

  it('should page with limit and filter with types, without skipping or repeating', async () => {
    const start = await position();
    const ids: number[] = [];
    for (let i = 0; i < 7; i++) {
      ids.push((await ctx.t.post('/api/v1/clients', { name: `Paged ${i}` }, admin)).body.client.id);
    }
    await ctx.t.post('/api/v1/projects', { name: 'Not a client' }, admin);
    const pages: number[] = [];
    let cursor = start;
    for (;;) {
      const res = await ctx.t.get('/api/v1/changes', { ...admin, query: { cursor, limit: 3, types: 'client' } });
      expect(res.status).toBe(200);
      expect(res.body.changes.length).toBeLessThanOrEqual(3);
      pages.push(res.body.changes.length);
      for (const change of res.body.changes as Change[]) expect(change.type).toBe('client');
      cursor = res.body.next_cursor;
      if (!res.body.has_more) break;
    }
    expect(pages.reduce((a, b) => a + b, 0)).toBe(7);
    const all = (await drain(ADMIN_TOKEN, start, { limit: 2, types: 'client' })).changes;
    expect(all.map((c) => c.id)).toEqual(ids);
    // A change's own cursor resumes right after it.
    const resumed = (await drain(ADMIN_TOKEN, all[3].cursor, { types: 'client' })).changes;
    expect(resumed.map((c) => c.id)).toEqual(ids.slice(4));
  });

  it('should hand over, once, a change whose transaction took its id before a position and committed after it', async () => {
    const start = await position();
    let release!: () => void;
    let recorded!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const inside = new Promise<void>((resolve) => (recorded = resolve));
    const log = ctx.t.app.get(ChangeLog);
    const slow = ctx.t.app.get(TransactionService).run(null, async (manager) => {
      await log.record(manager, null, { type: 'client', id: 990_001, action: 'updated', data: { held: true } });
      recorded();
      await held;
    });
    await inside;
    // PostgreSQL: a later change commits first (SQLite queues writers, so it would wait for the held one).
    const before =
      TEST_DB === 'postgres' ? (await ctx.t.post('/api/v1/clients', { name: 'Overtakes' }, admin)).body.client : null;
    const first = await drain(ADMIN_TOKEN, start, { types: 'client' });
    expect(first.changes.map((c) => c.id)).toEqual(before ? [before.id] : []);
    release();
    await slow;
    const after = (await ctx.t.post('/api/v1/clients', { name: 'After the held one' }, admin)).body.client;
    const second = await drain(ADMIN_TOKEN, first.cursor, { types: 'client' });
    expect(second.changes.map((c) => c.id)).toEqual([990_001, after.id]);
  });

  it('should give the same cursor back (or an equivalent) when nothing is new', async () => {
    const cursor = await position();
    const res = await ctx.t.get('/api/v1/changes', { ...admin, query: { cursor } });
    expect(res.body).toMatchObject({ changes: [], has_more: false });
    const again = await ctx.t.get('/api/v1/changes', { ...admin, query: { cursor: res.body.next_cursor } });
    expect(again.body.changes).toEqual([]);
  });

  it('should refuse a garbage cursor, an unknown type and a limit out of range', async () => {
    const queries: Array<Record<string, string | number>> = [
      { cursor: 'garbage' },
      { cursor: Buffer.from('{"k":"x"}').toString('base64url') },
      { types: 'project,nope' },
      { limit: 0 },
      { limit: 1001 },
    ];
    for (const query of queries) {
      const res = await ctx.t.get('/api/v1/changes', { ...admin, query, validate: false });
      expect(res.status).toBe(400);
      expect(res.body.error_code).toBe('validation_error');
    }
  });
  // Last: it purges the whole log.
  it('should answer 410 cursor_expired for a cursor older than the retained history', async () => {
    // A page into the history, and the position after all of it.
    const paged = (await ctx.t.get('/api/v1/changes', { ...admin, query: { limit: 1 } })).body.next_cursor as string;
    const old = await position();
    await ctx.t.post('/api/v1/clients', { name: 'Before purge' }, admin);
    const beforePurge = await position();
    const feed = ctx.t.app.get(ChangesService);
    // Nothing is older than the retention yet: nothing goes, every cursor still works.
    expect(await feed.purgeExpired()).toBe(0);
    expect((await ctx.t.get('/api/v1/changes', { ...admin, query: { cursor: old } })).status).toBe(200);
    // Days later, everything logged so far is past the retention.
    expect(await feed.purgeExpired(new Date(Date.now() + 31 * 86_400_000))).toBeGreaterThan(0);
    for (const cursor of [paged, old]) {
      const expired = await ctx.t.get('/api/v1/changes', { ...admin, query: { cursor } });
      expect(expired.status).toBe(410);
      expect(expired.body.error_code).toBe('cursor_expired');
    }
    // A cursor taken after the purged changes still works, and so does starting over.
    expect((await ctx.t.get('/api/v1/changes', { ...admin, query: { cursor: beforePurge } })).status).toBe(200);
    const fresh = await ctx.t.get('/api/v1/changes', admin);
    expect(fresh.status).toBe(200);
    expect(fresh.body.changes).toEqual([]);
    const client = (await ctx.t.post('/api/v1/clients', { name: 'After purge' }, admin)).body.client;
    const after = await drain(ADMIN_TOKEN, fresh.body.next_cursor as string);
    expect(after.changes.map((c) => [c.type, c.id])).toEqual([['client', client.id]]);
  });
});
