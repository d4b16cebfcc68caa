import { ChangeLog } from '../../../src/modules/changes/change-log';
import { TransactionService } from '../../../src/database/transaction.service';
import { ADMIN_TOKEN, createTestContext, RAISED_RATE_LIMITS, type TestContext } from '../../support/factories';
import { type ServerProcess, startServerProcess } from '../../support/server-process';
import { redisPrefixFor } from '../../support/test-app';
import { TEST_DB, TEST_REDIS_URL } from '../../support/test-databases';

jest.setTimeout(120_000);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Page {
  changes: Array<{ type: string; id: number; action: string }>;
  next_cursor: string;
  has_more: boolean;
}

/**
 * The no-skip guarantee under load: writers on two server processes commit concurrently, some
 * transactions take their change's id early and commit late, while a reader follows next_cursor.
 * Once the writers stop and the reader drains, it has seen every logged change exactly once.
 */
describe('changes feed under concurrent writers on two processes', () => {
  let ctx: TestContext;
  let other: ServerProcess;

  beforeAll(async () => {
    ctx = await createTestContext({ env: RAISED_RATE_LIMITS, ...(TEST_REDIS_URL ? { redis: true } : {}) });
    other = await startServerProcess({
      ...RAISED_RATE_LIMITS,
      DATABASE_URL: ctx.t.databaseUrl,
      ...(TEST_REDIS_URL ? { REDIS_URL: TEST_REDIS_URL, REDIS_KEY_PREFIX: redisPrefixFor(ctx.t.databaseUrl) } : {}),
    });
  });

  afterAll(async () => {
    await other?.stop();
    await ctx?.close();
  });

  const bases = () => [ctx.t.baseUrl, other.baseUrl];
  const call = async (base: string, method: string, path: string, body?: unknown) => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };

  it('should hand every change to a reader exactly once', async () => {
    const transactions = ctx.t.app.get(TransactionService);
    const log = ctx.t.app.get(ChangeLog);
    let writing = true;
    let slowSeq = 0;

    // Fast writers: client creations, alternating between the two processes.
    const writer = async (w: number) => {
      for (let i = 0; writing; i++) {
        const res = await call(bases()[(w + i) % 2], 'POST', '/api/v1/clients', { name: `race ${w}-${i}` });
        expect(res.status).toBe(201);
      }
    };
    // Slow writers: the change row (and its id) first, the COMMIT hundreds of milliseconds later,
    // through the app's own transaction and ChangeLog SQL. Ids that are not their own resources'
    // (far above the clients') keep them apart in the check.
    const slowWriter = async () => {
      while (writing) {
        const id = 1_000_000 + ++slowSeq;
        await transactions.run(null, async (manager) => {
          await log.record(manager, null, { type: 'client', id, action: 'updated', data: { slow: id } });
          await sleep(TEST_DB === 'postgres' ? 150 + Math.random() * 450 : 20 + Math.random() * 60);
        });
        await sleep(Math.random() * 50);
      }
    };

    const seen: string[] = [];
    let cursor: string | undefined;
    const readOnce = async (i: number) => {
      const query = new URLSearchParams({ limit: '5', ...(cursor ? { cursor } : {}) });
      const res = await call(bases()[i % 2], 'GET', `/api/v1/changes?${query.toString()}`);
      expect(res.status).toBe(200);
      const page = res.body as unknown as Page;
      for (const change of page.changes) seen.push(`${change.type}:${change.id}:${change.action}`);
      cursor = page.next_cursor;
      return page;
    };
    const reader = async () => {
      for (let i = 0; writing; i++) {
        await readOnce(i);
        await sleep(Math.random() * 20);
      }
    };

    const running = Promise.all([
      writer(0),
      writer(1),
      writer(2),
      writer(3),
      slowWriter(),
      slowWriter(),
      slowWriter(),
      reader(),
    ]);
    await sleep(4000);
    writing = false;
    await running;
    // Drain: everything has committed now.
    for (let i = 0; ; i++) {
      const page = await readOnce(i);
      if (!page.has_more && page.changes.length === 0) break;
    }

    const logged = await ctx.t.dataSource.query<Array<{ type: string; resource_id: number; action: string }>>(
      'SELECT type, resource_id, action FROM changes ORDER BY id',
    );
    const expected = logged.map((row) => `${row.type}:${Number(row.resource_id)}:${row.action}`);
    expect(slowSeq).toBeGreaterThan(3);
    expect(expected.length).toBeGreaterThan(20);
    const duplicates = seen.filter((key, i) => seen.indexOf(key) !== i);
    const missed = expected.filter((key) => !seen.includes(key));
    expect({ duplicates, missed }).toEqual({ duplicates: [], missed: [] });
    expect(seen.length).toBe(expected.length);
  });
});
