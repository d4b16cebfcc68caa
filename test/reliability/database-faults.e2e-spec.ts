import { Client } from 'pg';
import { sendThroughClients } from '../support/clients';
import { ADMIN_TOKEN, createTestContext, RAISED_RATE_LIMITS, type TestContext } from '../support/factories';
import { UserEntity } from '../../src/modules/users/user.entity';
import { PrivatePostgres } from '../support/postgres-server';
import { TEST_DB } from '../support/test-databases';

jest.setTimeout(120_000);

const admin = { token: ADMIN_TOKEN };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Retries a request until it succeeds: every answer on the way is that or a 503 (never a 500 or a
 * hang), it does succeed, and health is back to 200 (no restart needed).
 */
async function expectRecovery(
  request: () => Promise<{ status: number }>,
  success: number,
  health: () => Promise<{ status: number }>,
) {
  const statuses: number[] = [];
  for (let i = 0; i < 100 && statuses.at(-1) !== success; i++) {
    statuses.push((await request()).status);
    if (statuses.at(-1) !== success) await sleep(100);
  }
  expect(statuses.at(-1)).toBe(success);
  for (const status of statuses) expect([success, 503]).toContain(status);
  expect((await health()).status).toBe(200);
}

/** PostgreSQL going away under the app: its connections killed, then the whole server stopped. */
(TEST_DB === 'postgres' ? describe : describe.skip)('PostgreSQL faults', () => {
  describe('connections terminated (pg_terminate_backend)', () => {
    let ctx: TestContext;
    let database: string;
    // A long query timeout, so what the request meets is the kill, not a timeout.
    beforeAll(async () => {
      ctx = await createTestContext({ env: { DB_TIMEOUT_MS: '10000' } });
      database = new URL(ctx.t.databaseUrl).pathname.slice(1);
    });
    afterAll(async () => {
      await ctx.close();
    });

    const withClient = async <T>(work: (c: Client) => Promise<T>): Promise<T> => {
      const client = new Client({ connectionString: ctx.t.databaseUrl });
      await client.connect();
      try {
        return await work(client);
      } finally {
        await client.end();
      }
    };
    const terminate = (where: string) =>
      withClient((c) =>
        c.query(
          `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid() AND ${where}`,
          [database],
        ),
      );

    it('should answer 503 to the request whose connection dies, then serve again without a restart', async () => {
      const outside = new Client({ connectionString: ctx.t.databaseUrl });
      await outside.connect();
      try {
        // An uncommitted row with the same username: the app's INSERT waits on it, mid-request.
        await outside.query('BEGIN');
        await outside.query(
          `INSERT INTO users (username, role, is_active, timezone, created_at, updated_at)
           VALUES ('fault-victim', 'user', true, 'UTC', now(), now())`,
        );
        const pending = ctx.t.post('/api/v1/users', { username: 'fault-victim' }, admin);
        let waiting = 0;
        for (let i = 0; i < 100 && waiting === 0; i++) {
          await sleep(50);
          const { rows } = await outside.query(
            `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1 AND wait_event_type = 'Lock'`,
            [database],
          );
          waiting = rows[0].n as number;
        }
        expect(waiting).toBe(1);
        await terminate(`wait_event_type = 'Lock'`);
        const res = await pending;
        expect(res.status).toBe(503);
        expect(res.body.error_code).toBe('service_unavailable');
        expect(res.text).not.toMatch(/terminat|INSERT|SELECT/i);
        await outside.query('ROLLBACK');
      } finally {
        await outside.end();
      }
      // Every other connection of the app's pool dies too; the pool replaces them on its own.
      await terminate('true');
      await expectRecovery(
        () => ctx.t.post('/api/v1/users', { username: 'fault-victim' }, admin),
        201,
        () => ctx.t.get('/api/v1/health'),
      );
    });

    it('should commit nothing of an import whose connection is killed mid-way, and import all of it on retry', async () => {
      const project = (await ctx.t.post('/api/v1/projects', { name: 'Import fault' }, admin)).body.project.id as number;
      const rows = ['project_id,start_time,end_time,notes'];
      for (let i = 0; i < 5_000; i++) {
        const start = new Date(Date.UTC(2023, 0, 1) + i * 3_600_000);
        rows.push(
          `${project},${start.toISOString()},${new Date(start.getTime() + 1_800_000).toISOString()},fault ${i}`,
        );
      }
      const csv = rows.join('\n');
      const importCsv = () =>
        ctx.t.request('POST', '/api/v1/time-entries/import-csv', {
          ...admin,
          rawBody: csv,
          headers: { 'content-type': 'text/csv' },
        });
      const imported = () =>
        withClient(async (c) => {
          const { rows: r } = await c.query(`SELECT count(*)::int AS n FROM time_entries WHERE project_id = $1`, [
            project,
          ]);
          return r[0].n as number;
        });

      const pending = importCsv();
      // Kill the connection as soon as the import's transaction is busy writing.
      let killed = 0;
      for (let i = 0; i < 300 && killed === 0; i++) {
        const { rows: busy } = await withClient((c) =>
          c.query(
            `SELECT pg_terminate_backend(pid) AS done FROM pg_stat_activity
             WHERE datname = $1 AND pid <> pg_backend_pid() AND state <> 'idle' AND query ILIKE '%time_entries%'`,
            [database],
          ),
        );
        killed = busy.length;
        if (killed === 0) await sleep(10);
      }
      expect(killed).toBeGreaterThan(0);
      const res = await pending;
      expect(res.status).toBe(503);
      expect(res.body.error_code).toBe('service_unavailable');
      expect(await imported()).toBe(0);

      let retry = await importCsv();
      for (let i = 0; i < 20 && retry.status === 503; i++) retry = await importCsv();
      expect(retry.status).toBe(201);
      expect(retry.body).toMatchObject({ created: 5_000, failed: 0 });
      expect(await imported()).toBe(5_000);
    });
  });

  // Needs Debian's PostgreSQL binaries (initdb, pg_ctl) to run a private cluster.
  (PrivatePostgres.available ? describe : describe.skip)('server stopped and started again', () => {
    const server = new PrivatePostgres();
    let ctx: TestContext;
    const DB_TIMEOUT_MS = 1000;

    beforeAll(async () => {
      await server.init();
      server.start();
      ctx = await createTestContext({
        databaseUrl: server.url,
        env: { DB_TIMEOUT_MS: String(DB_TIMEOUT_MS), ...RAISED_RATE_LIMITS },
      });
    });
    // The cluster is removed even when the app does not close (a hang is still this hook's failure).
    afterAll(async () => {
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error('the app did not close within 60 s')), 60_000);
      });
      try {
        await Promise.race([ctx?.close(), deadline]);
      } finally {
        clearTimeout(timer);
        server.destroy();
      }
    });

    it('should answer 503 quickly while the server is down, and recover when it is back', async () => {
      expect((await ctx.t.get('/api/v1/users/me', admin)).status).toBe(200);
      server.stop('immediate');
      await sleep(600); // past the token lookup cache

      const started = Date.now();
      const res = await ctx.t.post('/api/v1/users', { username: 'while-down' }, admin);
      expect(res.status).toBe(503);
      expect(res.body.error_code).toBe('service_unavailable');
      expect(Date.now() - started).toBeLessThan(DB_TIMEOUT_MS * 2 + 2000);
      expect((await ctx.t.get('/api/v1/health')).status).toBe(503);

      server.start();
      await expectRecovery(
        () => ctx.t.post('/api/v1/users', { username: 'after-restart' }, admin),
        201,
        () => ctx.t.get('/api/v1/health'),
      );
      expect((await ctx.t.get('/api/v1/users/me', admin)).status).toBe(200);
    });

    it('should run each keyed request at most once across a PostgreSQL crash, and answer its retries', async () => {
      const requests = Array.from({ length: 120 }, (_, i) => ({ username: `pg-crash-${i}`, key: `pg-crash-key-${i}` }));
      const send = ({ username, key }: (typeof requests)[number]) =>
        ctx.t.post('/api/v1/users', { username }, { ...admin, headers: { 'idempotency-key': key } });

      // 20 clients; PostgreSQL dies (immediate shutdown) as the tenth answer arrives, with up to 20
      // keyed requests in every stage: claimed, committing, committed with the response unstored.
      let answered = 0;
      const firsts = await sendThroughClients(20, requests, send, () => {
        if (++answered === 10) server.stop('immediate');
      });
      for (const first of firsts) expect([201, 503]).toContain(first.status);
      expect(firsts.filter((first) => first.status === 503).length).toBeGreaterThan(50);
      server.start();

      // Each request retried with its key until the database answers again.
      const users = ctx.t.dataSource.getRepository(UserEntity);
      for (const [i, request] of requests.entries()) {
        let retry = await send(request);
        for (let attempt = 0; attempt < 50 && retry.status === 503; attempt++) {
          await sleep(100);
          retry = await send(request);
        }
        const first = firsts[i];
        // Ran now; replayed; or 409: its change committed just before the crash, whose answer (503
        // or 201) did not get its response stored (an asynchronous commit the crash cut short).
        expect([201, 409]).toContain(retry.status);
        if (retry.status === 409) expect(retry.body.error_code).toBe('idempotency_key_in_use');
        if (first.status === 201) {
          expect(retry.status === 201 && retry.headers.get('idempotent-replayed') === null).toBe(false);
          if (retry.status === 201) expect(retry.text).toBe(first.text);
        }
        expect(await users.countBy({ username: request.username })).toBe(1);
      }
    });
  });
});
