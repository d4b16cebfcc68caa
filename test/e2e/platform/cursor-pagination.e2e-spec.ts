import { encodeCursor } from '../../../src/common/pagination/cursor';
import { TimeEntryEntity } from '../../../src/modules/time-entries/time-entry.entity';
import { WebhookDeliveryEntity } from '../../../src/modules/webhooks/webhook.entities';
import { ADMIN_TOKEN, createTestContext, RAISED_RATE_LIMITS, type TestContext } from '../../support/factories';
import type { ApiResponse } from '../../support/test-app';

jest.setTimeout(180_000);

const SCOPES = ['read:time_entries', 'write:time_entries'];
const HOUR = 3_600_000;
const BASE = Date.parse('2024-01-01T00:00:00Z');

interface Stored {
  id: number;
  userId: number;
  projectId: number | null;
  start: number;
  billable: boolean;
  running: boolean;
}

/** Newest first, ties on start_time broken by the higher id: the list's documented order. */
const newestFirst = (a: Stored, b: Stored) => b.start - a.start || b.id - a.id;

/** Inserts entries straight into the table (a thousand through the API would take minutes). */
async function insertEntries(
  ctx: TestContext,
  rows: Array<{ userId: number; projectId: number | null; start: number; billable: boolean; running?: boolean }>,
): Promise<void> {
  const now = new Date();
  for (let i = 0; i < rows.length; i += 100) {
    await ctx.t.dataSource
      .createQueryBuilder()
      .insert()
      .into(TimeEntryEntity)
      .values(
        rows.slice(i, i + 100).map((r) => ({
          userId: r.userId,
          projectId: r.projectId,
          clientId: null,
          taskId: null,
          startTime: new Date(r.start),
          endTime: r.running ? null : new Date(r.start + HOUR / 2),
          durationSeconds: r.running ? null : 1800,
          notes: null,
          tags: null,
          source: r.running ? 'timer' : 'manual',
          billable: r.billable,
          paid: false,
          invoiceNumber: null,
          createdAt: now,
          updatedAt: now,
        })),
      )
      .execute();
  }
}

async function storedEntries(ctx: TestContext): Promise<Stored[]> {
  const rows = await ctx.t.dataSource.getRepository(TimeEntryEntity).find();
  return rows.map((e) => ({
    id: e.id,
    userId: e.userId,
    projectId: e.projectId,
    start: e.startTime.getTime(),
    billable: e.billable,
    running: e.endTime === null,
  }));
}

/** A deterministic shuffle, so ids do not follow start times and the id tie-break has work to do. */
function shuffled<T>(items: T[]): T[] {
  const out = [...items];
  let seed = 45;
  for (let i = out.length - 1; i > 0; i--) {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    const j = seed % (i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

interface Walk<T> {
  items: T[];
  /** Each page's pagination, in order. */
  pages: Array<Record<string, unknown>>;
}

/** Follows `next_cursor` from the first page to the last. */
async function walk<T = Record<string, unknown>>(
  ctx: TestContext,
  path: string,
  key: string,
  token: string,
  query: Record<string, string | number | boolean> = {},
): Promise<Walk<T>> {
  const items: T[] = [];
  const pages: Array<Record<string, unknown>> = [];
  let cursor: string | null = null;
  do {
    const res: ApiResponse = await ctx.t.get(path, { token, query: cursor === null ? query : { ...query, cursor } });
    expect(res.status).toBe(200);
    items.push(...(res.body[key] as T[]));
    pages.push(res.body.pagination);
    cursor = res.body.pagination.next_cursor;
    expect(pages.length).toBeLessThan(200);
  } while (cursor !== null);
  return { items, pages };
}

const ids = (items: Array<{ id: number }>) => items.map((i) => i.id);

describe('cursor pagination', () => {
  let ctx: TestContext;
  let alice: { token: string; id: number };
  let bob: { token: string; id: number };
  let projectA: number;
  let projectB: number;
  let stored: Stored[];

  beforeAll(async () => {
    ctx = await createTestContext({
      env: {
        ...RAISED_RATE_LIMITS,
        WEBHOOK_ALLOWED_PRIVATE_HOSTS: '127.0.0.1',
        // No delivery runs meanwhile: the lists compared must not change between two reads.
        WEBHOOK_DISPATCH_INTERVAL_MS: '3600000',
      },
    });
    projectA = (await ctx.t.post('/api/v1/projects', { name: 'Cursor A' }, { token: ADMIN_TOKEN })).body.project.id;
    projectB = (await ctx.t.post('/api/v1/projects', { name: 'Cursor B' }, { token: ADMIN_TOKEN })).body.project.id;
    const a = await ctx.newToken({ scopes: SCOPES });
    const b = await ctx.newToken({ scopes: SCOPES });
    alice = { token: a.token, id: a.user.id };
    bob = { token: b.token, id: b.user.id };
    // Three entries per start time, alice's and bob's on the same hours: ties within a user's list
    // and across users in the admin's.
    const rows = [];
    for (let i = 0; i < 1000; i++) {
      rows.push({
        userId: alice.id,
        projectId: i % 2 ? projectA : projectB,
        start: BASE + Math.floor(i / 3) * HOUR,
        billable: i % 4 !== 0,
      });
    }
    for (let i = 0; i < 300; i++) {
      rows.push({ userId: bob.id, projectId: projectA, start: BASE + Math.floor(i / 3) * HOUR, billable: true });
    }
    rows.push({ userId: alice.id, projectId: projectA, start: BASE + 2000 * HOUR, billable: true, running: true });
    await insertEntries(ctx, shuffled(rows));
    stored = await storedEntries(ctx);
  });

  afterAll(async () => {
    await ctx.close();
  });

  const completed = (userId: number) => stored.filter((e) => e.userId === userId && !e.running).sort(newestFirst);

  describe('time entries', () => {
    it("should visit each of a user's 1,000 entries exactly once, newest first, ties by id", async () => {
      const { items, pages } = await walk<{ id: number }>(ctx, '/api/v1/time-entries', 'time_entries', alice.token, {
        per_page: 100,
      });
      expect(ids(items)).toEqual(completed(alice.id).map((e) => e.id));
      expect(pages.map((p) => p.page)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
      for (const page of pages) {
        expect(page).toMatchObject({ total: 1000, pages: 10, per_page: 100, total_is_estimate: false });
      }
      expect(pages[9]).toMatchObject({ has_next: false, next_cursor: null, next_page: null, prev_page: 9 });
      expect(pages[3]).toMatchObject({ has_next: true, has_prev: true, next_page: 5, prev_page: 3 });
    });

    it('should honour the filters on every page after a cursor', async () => {
      const { items } = await walk<{ id: number }>(ctx, '/api/v1/time-entries', 'time_entries', alice.token, {
        per_page: 37,
        project_id: projectA,
        billable: true,
        start_date: '2024-01-03',
        end_date: '2024-01-10',
      });
      const from = Date.parse('2024-01-03T00:00:00Z');
      const to = Date.parse('2024-01-11T00:00:00Z');
      const expected = completed(alice.id).filter(
        (e) => e.projectId === projectA && e.billable && e.start >= from && e.start < to,
      );
      expect(expected.length).toBeGreaterThan(37 * 2);
      expect(ids(items)).toEqual(expected.map((e) => e.id));
    });

    it('should include the running entry when asked, in its place', async () => {
      const { items } = await walk<{ id: number }>(ctx, '/api/v1/time-entries', 'time_entries', alice.token, {
        per_page: 100,
        include_active: true,
      });
      const all = stored.filter((e) => e.userId === alice.id).sort(newestFirst);
      expect(ids(items)).toEqual(all.map((e) => e.id));
      expect(all[0].running).toBe(true);
    });

    it("should walk the admin's list of every user's entries, ties across users by id", async () => {
      const { items, pages } = await walk<{ id: number }>(ctx, '/api/v1/time-entries', 'time_entries', ADMIN_TOKEN, {
        per_page: 100,
      });
      expect(ids(items)).toEqual(
        stored
          .filter((e) => !e.running)
          .sort(newestFirst)
          .map((e) => e.id),
      );
      expect(pages).toHaveLength(13);
    });

    it('should give numbered pages a next_cursor that leads to the next numbered page', async () => {
      const third = await ctx.t.get('/api/v1/time-entries', { token: alice.token, query: { page: 3, per_page: 50 } });
      const fourth = await ctx.t.get('/api/v1/time-entries', { token: alice.token, query: { page: 4, per_page: 50 } });
      const after = await ctx.t.get('/api/v1/time-entries', {
        token: alice.token,
        query: { cursor: third.body.pagination.next_cursor, per_page: 50 },
      });
      expect(after.status).toBe(200);
      expect(ids(after.body.time_entries)).toEqual(ids(fourth.body.time_entries));
      expect(after.body.pagination).toEqual({ ...fourth.body.pagination, next_cursor: expect.any(String) });
      const last = await ctx.t.get('/api/v1/time-entries', { token: alice.token, query: { page: 20, per_page: 50 } });
      expect(last.body.pagination).toMatchObject({ page: 20, has_next: false, next_cursor: null });
      const beyond = await ctx.t.get('/api/v1/time-entries', { token: alice.token, query: { page: 21, per_page: 50 } });
      expect(beyond.body).toMatchObject({ time_entries: [], pagination: { has_next: false, next_cursor: null } });
    });

    it("should show a user only their own entries after a cursor taken from the admin's list", async () => {
      const first = await ctx.t.get('/api/v1/time-entries', { token: ADMIN_TOKEN, query: { per_page: 10 } });
      const res = await ctx.t.get('/api/v1/time-entries', {
        token: bob.token,
        query: { cursor: first.body.pagination.next_cursor, per_page: 100 },
      });
      expect(res.status).toBe(200);
      expect(res.body.time_entries.length).toBeGreaterThan(0);
      for (const entry of res.body.time_entries) expect(entry.user_id).toBe(bob.id);
    });

    it('should refuse page and cursor together', async () => {
      const first = await ctx.t.get('/api/v1/time-entries', { token: alice.token, query: { per_page: 10 } });
      const res = await ctx.t.get('/api/v1/time-entries', {
        token: alice.token,
        query: { page: 2, cursor: first.body.pagination.next_cursor },
      });
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({
        error_code: 'validation_error',
        errors: { cursor: ['cursor and page cannot be combined: pass one of them.'] },
      });
    });

    it('should refuse a cursor that is malformed, altered, of another list or of another sort', async () => {
      const first = await ctx.t.get('/api/v1/time-entries', { token: alice.token, query: { per_page: 10 } });
      const cursor: string = first.body.pagination.next_cursor;
      const flipped = cursor.slice(0, 20) + (cursor[20] === 'A' ? 'B' : 'A') + cursor.slice(21);
      await ctx.t.post('/api/v1/clients', { name: 'Cursor client 1' }, { token: ADMIN_TOKEN });
      await ctx.t.post('/api/v1/clients', { name: 'Cursor client 2' }, { token: ADMIN_TOKEN });
      const clientCursor = (await ctx.t.get('/api/v1/clients', { token: ADMIN_TOKEN, query: { per_page: 1 } })).body
        .pagination.next_cursor as string;
      const otherSort = encodeCursor({
        list: 'time_entries',
        sort: 'start_time,id',
        values: ['2024-01-01T00:00:00.000Z', 1],
        rowsBefore: 10,
      });
      const wrongValues = encodeCursor({
        list: 'time_entries',
        sort: '-start_time,-id',
        values: ['x', 1],
        rowsBefore: 10,
      });
      for (const [bad, message] of [
        ['not-a-cursor', /not one this API issued/],
        ['a b', /must be a value from pagination.next_cursor/],
        [flipped, /not one this API issued/],
        [clientCursor, /belongs to another list \(clients\)/],
        [otherSort, /issued for sort start_time,id; this request sorts by -start_time,-id/],
        [wrongValues, /does not fit this list/],
        ['x'.repeat(1025), /cursor must be shorter than or equal to 1024 characters/],
      ] as const) {
        const res = await ctx.t.get('/api/v1/time-entries', { token: alice.token, query: { cursor: bad } });
        expect(res.status).toBe(400);
        expect(res.body.error_code).toBe('validation_error');
        expect(Object.keys(res.body.errors)).toEqual(['cursor']);
        expect(res.body.errors.cursor.join(' ')).toMatch(message);
      }
    });
  });

  describe('every other list', () => {
    beforeAll(async () => {
      const admin = { token: ADMIN_TOKEN };
      for (const name of ['delta', 'Alpha', 'charlie', 'bravo', 'echo']) {
        await ctx.t.post('/api/v1/clients', { name }, admin);
      }
      for (const name of ['Same', 'Same', 'Other', 'Same', 'Also']) {
        await ctx.t.post('/api/v1/projects', { name }, admin);
      }
      const tasks: Array<[string, string | null]> = [
        ['urgent', null],
        ['low', '2024-05-01'],
        ['urgent', '2024-03-01'],
        ['medium', null],
        ['urgent', '2024-03-01'],
        ['low', null],
        ['high', '2024-01-01'],
        ['medium', '2024-02-01'],
      ];
      for (const [priority, due] of tasks) {
        await ctx.t.post(
          '/api/v1/tasks',
          { name: `task ${priority}`, project_id: projectA, priority, due_date: due ?? undefined },
          admin,
        );
      }
      for (let i = 0; i < 3; i++) {
        await ctx.newToken({ scopes: ['read:projects'], user: { id: alice.id, username: '', role: 'user' } });
      }
      const hooks: number[] = [];
      for (let i = 0; i < 4; i++) {
        const hook = await ctx.t.post(
          '/api/v1/webhooks',
          { name: `hook ${i}`, url: 'http://127.0.0.1:9/in', events: ['*'] },
          admin,
        );
        expect(hook.status).toBe(201);
        hooks.push(hook.body.webhook.id);
      }
      await ctx.t.dataSource.getRepository(WebhookDeliveryEntity).insert(
        Array.from({ length: 7 }, (_, i) => ({
          webhookId: hooks[0],
          eventId: `evt_cursor_${i}`,
          eventType: 'client.created',
          payload: '{}',
          status: 'failed' as const,
          attempts: 1,
          nextAttemptAt: new Date(),
          createdAt: new Date(),
        })),
      );
      const warehouses: number[] = [];
      for (const code of ['w-c', 'w-a', 'w-b']) {
        warehouses.push(
          (await ctx.t.post('/api/v1/inventory/warehouses', { code, name: code }, admin)).body.warehouse.id,
        );
      }
      const items: number[] = [];
      for (const [sku, name] of [
        ['s-3', 'Nut'],
        ['s-1', 'Bolt'],
        ['s-2', 'Nut'],
        ['s-4', 'Bolt'],
      ]) {
        items.push((await ctx.t.post('/api/v1/inventory/items', { sku, name }, admin)).body.item.id);
      }
      for (const item of items) {
        for (const warehouse of warehouses) {
          const move = {
            movement_type: 'purchase',
            stock_item_id: item,
            warehouse_id: warehouse,
            quantity: 10,
            unit_cost: 1,
          };
          expect((await ctx.t.post('/api/v1/inventory/movements', move, admin)).status).toBe(201);
        }
      }
      for (let i = 0; i < 3; i++) {
        const transfer = {
          stock_item_id: items[i],
          from_warehouse_id: warehouses[0],
          to_warehouse_id: warehouses[1],
          quantity: 1,
        };
        expect((await ctx.t.post('/api/v1/inventory/transfers', transfer, admin)).status).toBe(201);
      }
      hookId = hooks[0];
    });
    let hookId: number;

    const LISTS: Array<[string, string, () => string]> = [
      ['clients', 'clients', () => '/api/v1/clients'],
      ['projects', 'projects', () => '/api/v1/projects'],
      ['tasks', 'tasks', () => '/api/v1/tasks'],
      ['users', 'users', () => '/api/v1/users'],
      ['API tokens', 'api_tokens', () => '/api/v1/admin/api-tokens'],
      ['webhooks', 'webhooks', () => '/api/v1/webhooks'],
      ['webhook deliveries', 'deliveries', () => `/api/v1/webhooks/${hookId}/deliveries`],
      ['warehouses', 'warehouses', () => '/api/v1/inventory/warehouses'],
      ['stock items', 'items', () => '/api/v1/inventory/items'],
      ['stock levels', 'stock_levels', () => '/api/v1/inventory/stock-levels'],
      ['stock transfers', 'transfers', () => '/api/v1/inventory/transfers'],
      ['movement history', 'movements', () => '/api/v1/inventory/reports/movement-history'],
    ];

    it.each(LISTS)('should page %s by cursor in the order of its numbered pages', async (_name, key, path) => {
      const whole = await ctx.t.get(path(), { token: ADMIN_TOKEN, query: { per_page: 100 } });
      expect(whole.status).toBe(200);
      expect(whole.body.pagination).toMatchObject({ has_next: false, next_cursor: null });
      expect(whole.body[key].length).toBeGreaterThanOrEqual(3);
      const { items, pages } = await walk(ctx, path(), key, ADMIN_TOKEN, { per_page: 2 });
      expect(items).toEqual(whole.body[key]);
      expect(pages.at(-1)).toMatchObject({ has_next: false, next_cursor: null, total: whole.body[key].length });
    });

    it('should order tasks by priority, then due date with the undated last, then id', async () => {
      const { items } = await walk<{ priority: string; due_date: string | null; id: number }>(
        ctx,
        '/api/v1/tasks',
        'tasks',
        ADMIN_TOKEN,
        { per_page: 3, project_id: projectA },
      );
      expect(items.map((t) => [t.priority, t.due_date])).toEqual([
        ['urgent', '2024-03-01'],
        ['urgent', '2024-03-01'],
        ['urgent', null],
        ['high', '2024-01-01'],
        ['medium', '2024-02-01'],
        ['medium', null],
        ['low', '2024-05-01'],
        ['low', null],
      ]);
      expect(items[0].id).toBeLessThan(items[1].id);
    });
  });
});

describe('cursor pagination past the count cap', () => {
  let ctx: TestContext;
  let few: { token: string; id: number };

  beforeAll(async () => {
    ctx = await createTestContext({
      env: RAISED_RATE_LIMITS,
      adjustConfig: (config) => {
        config.listCountCap = 5;
      },
    });
    const many = await ctx.newToken({ scopes: SCOPES });
    const f = await ctx.newToken({ scopes: SCOPES });
    few = { token: f.token, id: f.user.id };
    await insertEntries(ctx, [
      ...Array.from({ length: 20 }, (_, i) => ({
        userId: many.user.id,
        projectId: null,
        start: BASE + i * HOUR,
        billable: true,
      })),
      ...Array.from({ length: 3 }, (_, i) => ({
        userId: few.id,
        projectId: null,
        start: BASE + i * HOUR,
        billable: true,
      })),
    ]);
  });

  afterAll(async () => {
    await ctx.close();
  });

  it('should estimate the total past the cap, and say so, while paging stays exact', async () => {
    // A filter: counted over the table (without one, the kept counts answer exactly, see below).
    const query = { per_page: 10, billable: 'true' };
    const first = await ctx.t.get('/api/v1/time-entries', { token: ADMIN_TOKEN, query });
    expect(first.body.pagination).toMatchObject({ total_is_estimate: true, has_next: true, page: 1 });
    // At least the rows this page has shown exist (SQLite: the cap, so that bound).
    expect(first.body.pagination.total).toBeGreaterThanOrEqual(11);
    expect(first.body.pagination.pages).toBe(Math.ceil(first.body.pagination.total / 10));
    const { items, pages } = await walk<{ id: number }>(
      ctx,
      '/api/v1/time-entries',
      'time_entries',
      ADMIN_TOKEN,
      query,
    );
    expect(items).toHaveLength(23);
    expect(new Set(ids(items)).size).toBe(23);
    for (const page of pages) expect(page.total_is_estimate).toBe(true);
    expect(pages.at(-1)).toMatchObject({ has_next: false, next_cursor: null });
  });

  it('should count exactly up to the cap', async () => {
    const res = await ctx.t.get('/api/v1/time-entries', { token: few.token, query: { billable: 'true' } });
    expect(res.body.pagination).toMatchObject({ total: 3, pages: 1, total_is_estimate: false, has_next: false });
  });

  it('should count completed entries without other filters exactly past the cap (kept counts)', async () => {
    const everyone = await ctx.t.get('/api/v1/time-entries', { token: ADMIN_TOKEN, query: { per_page: 10 } });
    expect(everyone.body.pagination).toMatchObject({ total: 23, pages: 3, total_is_estimate: false });
    const one = await ctx.t.get('/api/v1/time-entries', { token: ADMIN_TOKEN, query: { user_id: few.id } });
    expect(one.body.pagination).toMatchObject({ total: 3, total_is_estimate: false });
  });
});
