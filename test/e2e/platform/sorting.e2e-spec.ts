import { encodeCursor } from '../../../src/common/pagination/cursor';
import { TimeEntryEntity } from '../../../src/modules/time-entries/time-entry.entity';
import { WebhookDeliveryEntity } from '../../../src/modules/webhooks/webhook.entities';
import { ADMIN_TOKEN, createTestContext, RAISED_RATE_LIMITS, type TestContext } from '../../support/factories';
import type { ApiResponse } from '../../support/test-app';

jest.setTimeout(300_000);

const SCOPES = ['read:time_entries', 'write:time_entries'];
const HOUR = 3_600_000;
const BASE = Date.parse('2024-01-01T00:00:00Z');
const DURATIONS = [900, 1800, 3600, 5400];
const PER_PAGE = 37;

type Item = Record<string, unknown> & { id: number };
type Query = Record<string, string | number | boolean>;

/** A sort as the API reads it, applied in JS: nulls are the largest value, `id` ends every order. */
function sortedBy<T extends Record<string, unknown>>(items: T[], sort: string, idOf: (item: T) => number): T[] {
  const keys = sort.split(',').map((part) => ({
    field: part.replace(/^-/, ''),
    sign: part.startsWith('-') ? -1 : 1,
  }));
  const last = keys[keys.length - 1];
  if (!keys.some((k) => k.field === 'id')) keys.push({ field: 'id', sign: last.sign });
  const compare = (a: unknown, b: unknown): number => {
    if (a === b) return 0;
    if (a === null || a === undefined) return 1;
    if (b === null || b === undefined) return -1;
    return (a as number | string) < (b as number | string) ? -1 : 1;
  };
  return [...items].sort((a, b) => {
    for (const { field, sign } of keys) {
      const c = field === 'id' ? idOf(a) - idOf(b) : compare(a[field], b[field]);
      if (c !== 0) return c * sign;
    }
    return 0;
  });
}

/** A deterministic shuffle, so ids follow neither start times nor durations nor projects. */
function shuffled<T>(items: T[]): T[] {
  const out = [...items];
  let seed = 47;
  for (let i = out.length - 1; i > 0; i--) {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    const j = seed % (i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

describe('sorting', () => {
  let ctx: TestContext;
  let alice: { token: string; id: number };
  const projects: number[] = [];

  /** Every item of a list, following `next_cursor` from the first page. */
  async function byCursor(path: string, key: string, token: string, query: Query): Promise<Item[]> {
    const items: Item[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res: ApiResponse = await ctx.t.get(path, { token, query: cursor === null ? query : { ...query, cursor } });
      expect(res.status).toBe(200);
      items.push(...(res.body[key] as Item[]));
      cursor = res.body.pagination.next_cursor;
      expect(++pages).toBeLessThan(200);
    } while (cursor !== null);
    return items;
  }

  /** Every item of a list, by page number. */
  async function byPage(path: string, key: string, token: string, query: Query): Promise<Item[]> {
    const items: Item[] = [];
    for (let page = 1; ; page++) {
      const res = await ctx.t.get(path, { token, query: { ...query, page } });
      expect(res.status).toBe(200);
      items.push(...(res.body[key] as Item[]));
      if (!res.body.pagination.has_next) return items;
      expect(page).toBeLessThan(200);
    }
  }

  const ids = (items: Item[]) => items.map((i) => i.id);

  beforeAll(async () => {
    ctx = await createTestContext({
      env: {
        ...RAISED_RATE_LIMITS,
        WEBHOOK_ALLOWED_PRIVATE_HOSTS: '127.0.0.1',
        // No delivery runs meanwhile: the lists compared must not change between two reads.
        WEBHOOK_DISPATCH_INTERVAL_MS: '3600000',
      },
    });
    for (const name of ['sort p1', 'sort p2', 'sort p3']) {
      projects.push((await ctx.t.post('/api/v1/projects', { name }, { token: ADMIN_TOKEN })).body.project.id);
    }
    const a = await ctx.newToken({ scopes: SCOPES });
    const bob = await ctx.newToken({ scopes: SCOPES });
    alice = { token: a.token, id: a.user.id };
    // 1,000 of alice's entries over 3 projects and 4 durations (hundreds of ties on each), 200 of
    // bob's for the admin's list, one running entry each (no end, no duration: nulls).
    const rows: Array<Partial<TimeEntryEntity>> = [];
    const now = new Date();
    const entry = (userId: number, i: number, running = false): Partial<TimeEntryEntity> => {
      const duration = DURATIONS[(i * 7) % DURATIONS.length];
      const start = BASE + i * HOUR * 2;
      return {
        userId,
        projectId: projects[i % 3],
        clientId: null,
        taskId: null,
        startTime: new Date(start),
        endTime: running ? null : new Date(start + duration * 1000),
        durationSeconds: running ? null : duration,
        notes: null,
        tags: null,
        source: running ? 'timer' : 'manual',
        billable: true,
        paid: false,
        invoiceNumber: null,
        createdAt: now,
        updatedAt: now,
      };
    };
    for (let i = 0; i < 1000; i++) rows.push(entry(alice.id, i));
    for (let i = 0; i < 200; i++) rows.push(entry(bob.user.id, i));
    rows.push(entry(alice.id, 5000, true), entry(bob.user.id, 5000, true));
    const ordered = shuffled(rows);
    for (let i = 0; i < ordered.length; i += 100) {
      await ctx.t.dataSource
        .createQueryBuilder()
        .insert()
        .into(TimeEntryEntity)
        .values(ordered.slice(i, i + 100))
        .execute();
    }
  });

  afterAll(async () => {
    await ctx.close();
  });

  describe('time entries', () => {
    const PATH = '/api/v1/time-entries';
    let all: Item[];

    beforeAll(async () => {
      all = await byCursor(PATH, 'time_entries', ADMIN_TOKEN, { per_page: 100, include_active: true });
      expect(all).toHaveLength(1202);
    });

    const completedOf = (userId?: number) =>
      all.filter((e) => e.end_time !== null && (userId === undefined || e.user_id === userId));

    it.each(['project_id', '-duration_seconds', '-project_id,duration_seconds,-start_time', 'end_time', '-end_time'])(
      "should page a user's 1,000 entries sorted by %s, by cursor and by page, each once in order",
      async (sort) => {
        const expected = ids(sortedBy(completedOf(alice.id), sort, (e) => e.id));
        expect(expected).toHaveLength(1000);
        const query = { per_page: PER_PAGE, sort };
        expect(ids(await byCursor(PATH, 'time_entries', alice.token, query))).toEqual(expected);
        expect(ids(await byPage(PATH, 'time_entries', alice.token, query))).toEqual(expected);
      },
    );

    it.each(['project_id', '-duration_seconds', 'end_time'])(
      "should page the admin's list of every user's entries sorted by %s, by cursor and by page",
      async (sort) => {
        const expected = ids(sortedBy(completedOf(), sort, (e) => e.id));
        expect(expected).toHaveLength(1200);
        const query = { per_page: PER_PAGE, sort };
        expect(ids(await byCursor(PATH, 'time_entries', ADMIN_TOKEN, query))).toEqual(expected);
        expect(ids(await byPage(PATH, 'time_entries', ADMIN_TOKEN, query))).toEqual(expected);
      },
    );

    it('should order a running entry (no end, no duration) as the largest value: last ascending, first descending', async () => {
      const mine = all.filter((e) => e.user_id === alice.id);
      for (const sort of ['duration_seconds', '-duration_seconds', '-end_time,project_id']) {
        const expected = ids(sortedBy(mine, sort, (e) => e.id));
        const query = { per_page: PER_PAGE, sort, include_active: true };
        const items = await byCursor(PATH, 'time_entries', alice.token, query);
        expect(ids(items)).toEqual(expected);
        expect(items[sort.startsWith('-') ? 0 : items.length - 1].end_time).toBeNull();
      }
    });

    it('should keep the default order (newest first) without sort', async () => {
      const res = await ctx.t.get(PATH, { token: alice.token, query: { per_page: 100 } });
      const defaultOrder = ids(sortedBy(completedOf(alice.id), '-start_time', (e) => e.id)).slice(0, 100);
      expect(ids(res.body.time_entries)).toEqual(defaultOrder);
      const sorted = await ctx.t.get(PATH, { token: alice.token, query: { per_page: 100, sort: 'project_id' } });
      expect(ids(sorted.body.time_entries)).not.toEqual(defaultOrder);
    });

    it('should refuse a cursor issued for another sort', async () => {
      const first = await ctx.t.get(PATH, { token: alice.token, query: { per_page: PER_PAGE, sort: 'project_id' } });
      const cursor = first.body.pagination.next_cursor as string;
      const queries: Query[] = [{ cursor }, { cursor, sort: '-project_id' }, { cursor, sort: 'project_id,-id' }];
      for (const query of queries) {
        const res = await ctx.t.get(PATH, { token: alice.token, query });
        expect(res.status).toBe(400);
        expect(res.body.error_code).toBe('validation_error');
        expect(res.body.errors.cursor.join(' ')).toMatch(/issued for sort project_id,id; this request sorts by/);
      }
      // The same order spelled out (`id` appended in the last field's direction) is the same sort.
      const same = await ctx.t.get(PATH, { token: alice.token, query: { cursor, sort: 'project_id,id' } });
      expect(same.status).toBe(200);
    });

    it('should refuse a cursor whose values do not fit the sort it names', async () => {
      const cursor = encodeCursor({ list: 'time_entries', sort: 'project_id,id', values: ['x', 1], rowsBefore: 37 });
      const res = await ctx.t.get(PATH, { token: alice.token, query: { cursor, sort: 'project_id' } });
      expect(res.status).toBe(400);
      expect(res.body.errors.cursor.join(' ')).toMatch(/does not fit this list/);
    });

    it('should refuse an unknown, repeated or empty sort field with 400 on sort', async () => {
      for (const [sort, message] of [
        ['notes', /Unknown sort field 'notes'; one of start_time, end_time, duration_seconds, project_id, id\./],
        ['-start_time,user_id', /Unknown sort field 'user_id'/],
        ['project_id,-project_id', /Sort field 'project_id' is repeated\./],
        ['', /Unknown sort field ''/],
        ['start_time,', /Unknown sort field ''/],
        ['--start_time', /Unknown sort field '-start_time'/],
      ] as const) {
        const res = await ctx.t.get(PATH, { token: alice.token, query: { sort } });
        expect(res.status).toBe(400);
        expect(res.body.error_code).toBe('validation_error');
        expect(Object.keys(res.body.errors)).toEqual(['sort']);
        expect(res.body.errors.sort.join(' ')).toMatch(message);
      }
    });
  });

  describe('every other list', () => {
    let hookId: number;
    const admin = { token: ADMIN_TOKEN };

    beforeAll(async () => {
      for (const name of ['delta', 'alpha', 'charlie', 'bravo']) {
        expect((await ctx.t.post('/api/v1/clients', { name }, admin)).status).toBe(201);
      }
      for (const [name, code] of [
        ['pb', 'c3'],
        ['pa', null],
        ['pd', 'c1'],
        ['pc', 'c2'],
      ]) {
        expect((await ctx.t.post('/api/v1/projects', { name, code: code ?? undefined }, admin)).status).toBe(201);
      }
      for (const name of ['tb', 'ta', 'tc', 'ta']) {
        expect((await ctx.t.post('/api/v1/tasks', { name, project_id: projects[0] }, admin)).status).toBe(201);
      }
      for (const username of ['sortuserb', 'sortuserc', 'sortusera']) await ctx.newUser({ username });
      for (const name of ['hookc', 'hooka', 'hookb']) {
        const hook = await ctx.t.post('/api/v1/webhooks', { name, url: 'http://127.0.0.1:9/in', events: ['*'] }, admin);
        expect(hook.status).toBe(201);
        hookId ??= hook.body.webhook.id;
      }
      await ctx.t.dataSource.getRepository(WebhookDeliveryEntity).insert(
        Array.from({ length: 5 }, (_, i) => ({
          webhookId: hookId,
          eventId: `evt_sort_${i}`,
          eventType: 'client.created',
          payload: '{}',
          status: 'failed' as const,
          attempts: 1,
          nextAttemptAt: new Date(),
          createdAt: new Date(),
        })),
      );
      const warehouses: number[] = [];
      for (const [code, name] of [
        ['wa', 'wz'],
        ['wb', 'wx'],
        ['wc', 'wy'],
      ]) {
        warehouses.push((await ctx.t.post('/api/v1/inventory/warehouses', { code, name }, admin)).body.warehouse.id);
      }
      const items: number[] = [];
      for (const [sku, name] of [
        ['sc', 'na'],
        ['sa', 'nc'],
        ['sb', 'nb'],
      ]) {
        items.push((await ctx.t.post('/api/v1/inventory/items', { sku, name }, admin)).body.item.id);
      }
      let quantity = 1;
      for (const item of items) {
        for (const warehouse of warehouses) {
          // Distinct quantities, none in the order of the default sort.
          const move = {
            movement_type: 'purchase',
            stock_item_id: item,
            warehouse_id: warehouse,
            quantity: 20 + ((quantity++ * 5) % 9),
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
    });

    /** [name, key, path, query, sort, the id of an item (stock levels have none: their sku + warehouse)] */
    const LISTS: Array<[string, string, () => string, Query, string, (item: Item) => number]> = [
      ['clients', 'clients', () => '/api/v1/clients', {}, '-name', (i) => i.id],
      ['projects', 'projects', () => '/api/v1/projects', {}, 'code,-name', (i) => i.id],
      ['tasks', 'tasks', () => '/api/v1/tasks', {}, 'name', (i) => i.id],
      ['users', 'users', () => '/api/v1/users', { q: 'sortuser' }, '-username', (i) => i.id],
      ['API tokens', 'api_tokens', () => '/api/v1/admin/api-tokens', {}, 'created_at', (i) => i.id],
      ['webhooks', 'webhooks', () => '/api/v1/webhooks', {}, 'name', (i) => i.id],
      ['webhook deliveries', 'deliveries', () => `/api/v1/webhooks/${hookId}/deliveries`, {}, 'id', (i) => i.id],
      ['warehouses', 'warehouses', () => '/api/v1/inventory/warehouses', {}, '-name', (i) => i.id],
      ['stock items', 'items', () => '/api/v1/inventory/items', {}, 'sku', (i) => i.id],
      [
        'stock levels',
        'stock_levels',
        () => '/api/v1/inventory/stock-levels',
        {},
        '-quantity_on_hand',
        (i) => Number(i.quantity_on_hand),
      ],
      [
        'stock transfers',
        'transfers',
        () => '/api/v1/inventory/transfers',
        {},
        'moved_at',
        (i) => Number(i.reference_id),
      ],
      [
        'movement history',
        'movements',
        () => '/api/v1/inventory/reports/movement-history',
        {},
        'moved_at',
        (i) => i.id,
      ],
    ];

    it.each(LISTS)(
      'should sort %s as asked, on one page and by cursor',
      async (_name, key, path, query, sort, idOf) => {
        const whole = await ctx.t.get(path(), { token: ADMIN_TOKEN, query: { ...query, per_page: 100 } });
        expect(whole.status).toBe(200);
        const defaultOrder = whole.body[key] as Item[];
        expect(defaultOrder.length).toBeGreaterThanOrEqual(3);
        // The movement history names its moved_at `date`.
        const comparable = defaultOrder.map((i) => ({ ...i, moved_at: i.moved_at ?? i.date }));
        const expected = sortedBy(comparable, sort, idOf).map(idOf);
        expect(expected).not.toEqual(comparable.map(idOf));
        const sorted = await ctx.t.get(path(), { token: ADMIN_TOKEN, query: { ...query, per_page: 100, sort } });
        expect(sorted.status).toBe(200);
        expect((sorted.body[key] as Item[]).map(idOf)).toEqual(expected);
        const paged = await byCursor(path(), key, ADMIN_TOKEN, { ...query, per_page: 2, sort });
        expect(paged.map(idOf)).toEqual(expected);
      },
    );

    it.each(LISTS)('should refuse an unknown sort field on %s with 400 on sort', async (_name, _key, path) => {
      const res = await ctx.t.get(path(), { token: ADMIN_TOKEN, query: { sort: 'nope,-id' } });
      expect(res.status).toBe(400);
      expect(res.body.error_code).toBe('validation_error');
      expect(res.body.errors).toEqual({
        sort: [expect.stringMatching(/^Unknown sort field 'nope'; one of .*\bid\.$/)],
      });
    });
  });
});
