import { ADMIN_TOKEN, createTestContext, type TestContext } from '../../support/factories';
import { TcpProxy } from '../../support/tcp-proxy';
import { createFreshDatabase, TEST_DB } from '../../support/test-databases';

const DB_TIMEOUT_MS = 400;

/**
 * A database that stops answering: PostgreSQL behind a proxy that swallows traffic, SQLite held
 * under an exclusive lock by another connection. Requests get 503 within the timeout, never hang.
 */
describe('database not answering', () => {
  let ctx: TestContext;
  let proxy: TcpProxy | undefined;
  let lock: { exec(sql: string): unknown; close(): unknown } | undefined;

  beforeAll(async () => {
    let databaseUrl = await createFreshDatabase();
    if (TEST_DB === 'postgres') {
      const url = new URL(databaseUrl);
      proxy = new TcpProxy(url.hostname, Number(url.port || 5432));
      url.port = String(await proxy.start());
      url.hostname = '127.0.0.1';
      databaseUrl = url.toString();
    }
    ctx = await createTestContext({ databaseUrl, env: { DB_TIMEOUT_MS: String(DB_TIMEOUT_MS) } });
  });

  afterAll(async () => {
    proxy?.resume();
    lock?.close();
    await ctx.close();
    await proxy?.stop();
  });

  const stall = async () => {
    if (proxy) {
      proxy.pause();
      return;
    }
    const Database = (await import('better-sqlite3')).default;
    const db = new Database(ctx.t.databaseUrl.slice('sqlite:'.length));
    db.exec('BEGIN EXCLUSIVE');
    lock = db;
  };
  const recover = () => {
    if (proxy) proxy.resume();
    if (lock) {
      lock.exec('ROLLBACK');
      lock.close();
      lock = undefined;
    }
  };

  /**
   * An Idempotency-Key request whose claim cannot be written gets 503 (the token still cached, so
   * the claim is the first thing to reach the database), and the same key runs once it is back.
   */
  const keyedRequestSurvives = async () => {
    const key = { 'idempotency-key': `outage-${process.pid}` };
    expect((await ctx.t.get('/api/v1/users/me', { token: ADMIN_TOKEN })).status).toBe(200);
    await stall();
    const during = await ctx.t.post(
      '/api/v1/users',
      { username: 'keyed-outage' },
      { token: ADMIN_TOKEN, headers: key },
    );
    expect(during.status).toBe(503);
    expect(during.body.error_code).toBe('service_unavailable');
    recover();
    let after = during;
    for (let i = 0; i < 50 && after.status !== 201; i++) {
      await new Promise((r) => setTimeout(r, 100));
      after = await ctx.t.post('/api/v1/users', { username: 'keyed-outage' }, { token: ADMIN_TOKEN, headers: key });
    }
    expect(after.status).toBe(201);
    expect(after.headers.get('idempotent-replayed')).toBeNull();
  };

  it('should answer 503 service_unavailable within the timeout, then recover', async () => {
    expect((await ctx.t.get('/api/v1/users/me', { token: ADMIN_TOKEN })).status).toBe(200);
    await new Promise((r) => setTimeout(r, 600)); // let the token lookup cache expire
    await stall();

    const started = Date.now();
    const res = await ctx.t.post('/api/v1/users', { username: 'during-outage' }, { token: ADMIN_TOKEN });
    const elapsed = Date.now() - started;
    expect(res.status).toBe(503);
    expect(res.body.error_code).toBe('service_unavailable');
    expect(res.text).not.toMatch(/SELECT|INSERT|timeout exceeded/i);
    // Bounded by the configured timeout (plus scheduling slack), never a hang.
    expect(elapsed).toBeLessThan(DB_TIMEOUT_MS * 2 + 2000);

    if (TEST_DB === 'postgres') {
      const health = await ctx.t.get('/api/v1/health');
      expect(health.status).toBe(503);
      expect(health.body).toMatchObject({ error_code: 'service_unavailable', status: 'unhealthy', database: 'error' });
    }

    recover();
    let ok = 0;
    for (let i = 0; i < 50 && ok === 0; i++) {
      const again = await ctx.t.post('/api/v1/users', { username: `after-outage-${i}` }, { token: ADMIN_TOKEN });
      if (again.status === 201) ok = again.status;
      else await new Promise((r) => setTimeout(r, 100));
    }
    expect(ok).toBe(201);
    expect((await ctx.t.get('/api/v1/health')).status).toBe(200);
    await keyedRequestSurvives();
  });
});
