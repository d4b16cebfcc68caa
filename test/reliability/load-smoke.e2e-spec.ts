import { TimeEntryEntity } from '../../src/modules/time-entries/time-entry.entity';
import { ADMIN_TOKEN, createTestContext, type TestContext } from '../support/factories';
import { type ServerProcess, startServerProcess } from '../support/server-process';
import { redisPrefixFor } from '../support/test-app';
import { TEST_DB, TEST_REDIS_URL } from '../support/test-databases';

jest.setTimeout(120_000);

/** The production per-token limit (contract §4): the server runs with its defaults. */
const PER_MINUTE = 100;
const CLIENTS = 20;
/** Each client's requests: its whole quota, then 30 beyond it (all inside one minute). */
const REQUESTS_PER_CLIENT = PER_MINUTE + 30;
/** Each client paces itself, so the smoke test loads the server without starving suites running beside it. */
const REQUESTS_PER_SECOND_PER_CLIENT = 20;
/** Not a speed measurement (that is `npm run bench`): a bound that only a hang or a queue collapse breaks. */
const P99_BUDGET_MS = 2000;

interface Outcome {
  client: number;
  kind: 'list' | 'projects' | 'create';
  status: number;
  ms: number;
  errorCode?: string;
  retryAfter: string | null;
}

/**
 * Reliability row load_smoke: 20 keep-alive clients, one token each, 130 requests each (a
 * read/write mix) against a real server process with the default limits. Never a 5xx; 429 only
 * once a token's minute is used up, and then for every further request of it; every 201 is one
 * row, nothing more.
 */
describe('load smoke: 20 clients, one token each', () => {
  let ctx: TestContext;
  let server: ServerProcess;
  let projectId: number;
  const tokens: Array<{ token: string; userId: number }> = [];

  beforeAll(async () => {
    ctx = await createTestContext();
    projectId = (await ctx.t.post('/api/v1/projects', { name: 'Load smoke' }, { token: ADMIN_TOKEN })).body.project.id;
    for (let i = 0; i < CLIENTS; i++) {
      const { token, user } = await ctx.newToken({
        scopes: ['read:time_entries', 'write:time_entries', 'read:projects'],
      });
      tokens.push({ token, userId: user.id });
    }
    const shared: Record<string, string> =
      TEST_DB === 'postgres' && TEST_REDIS_URL
        ? { REDIS_URL: TEST_REDIS_URL, REDIS_KEY_PREFIX: redisPrefixFor(ctx.t.databaseUrl) }
        : {};
    server = await startServerProcess({ DATABASE_URL: ctx.t.databaseUrl, ...shared });
  });

  afterAll(async () => {
    await server?.stop();
    await ctx?.close();
  });

  const runClient = async (client: number): Promise<Outcome[]> => {
    const { token } = tokens[client];
    const outcomes: Outcome[] = [];
    const base = Date.UTC(2025, 0, 1) + client * 86_400_000 * 14;
    for (let n = 0; n < REQUESTS_PER_CLIENT; n++) {
      const started = Date.now();
      const kind = (['list', 'projects', 'create'] as const)[n % 3];
      const init: RequestInit = { headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' } };
      let path = '/api/v1/time-entries?per_page=10';
      if (kind === 'projects') path = '/api/v1/projects?per_page=10';
      if (kind === 'create') {
        path = '/api/v1/time-entries';
        // One hour apart each: a non-admin's entries must never overlap.
        const start = base + n * 3_600_000;
        init.method = 'POST';
        init.body = JSON.stringify({
          project_id: projectId,
          start_time: new Date(start).toISOString(),
          end_time: new Date(start + 1_800_000).toISOString(),
          notes: `load ${client}/${n}`,
        });
      }
      const res = await fetch(`${server.baseUrl}${path}`, init);
      const body = (await res.json()) as { error_code?: string };
      outcomes.push({
        client,
        kind,
        status: res.status,
        ms: Date.now() - started,
        errorCode: body.error_code,
        retryAfter: res.headers.get('retry-after'),
      });
      const pause = 1000 / REQUESTS_PER_SECOND_PER_CLIENT - (Date.now() - started);
      if (pause > 0) await new Promise((r) => setTimeout(r, pause));
    }
    return outcomes;
  };

  it('should never answer 5xx, limit each token at its quota, and write exactly the rows it confirmed', async () => {
    const started = Date.now();
    const perClient = await Promise.all(Array.from({ length: CLIENTS }, (_, client) => runClient(client)));
    // The quota assertions below hold within one minute (at 20 requests/s a client needs about 7 s).
    expect(Date.now() - started).toBeLessThan(55_000);
    const all = perClient.flat();

    expect(all.filter((o) => o.status >= 500)).toEqual([]);
    expect(all.filter((o) => ![200, 201, 429].includes(o.status))).toEqual([]);

    for (const outcomes of perClient) {
      // Within one minute a token gets exactly its quota, then 429 for every further request.
      const statuses = outcomes.map((o) => o.status);
      const firstLimited = statuses.indexOf(429);
      expect(firstLimited).toBe(PER_MINUTE);
      expect(statuses.slice(firstLimited).every((s) => s === 429)).toBe(true);
      for (const limited of outcomes.slice(firstLimited)) {
        expect(limited.errorCode).toBe('rate_limited');
        expect(Number(limited.retryAfter)).toBeGreaterThanOrEqual(1);
      }
      const created = outcomes.filter((o) => o.kind === 'create' && o.status === 201).length;
      const rows = await ctx.t.dataSource
        .getRepository(TimeEntryEntity)
        .countBy({ userId: tokens[outcomes[0].client].userId });
      expect(rows).toBe(created);
    }

    const latencies = all.map((o) => o.ms).sort((a, b) => a - b);
    const p99 = latencies[Math.floor(latencies.length * 0.99)];
    expect(p99).toBeLessThan(P99_BUDGET_MS);
  });
});
