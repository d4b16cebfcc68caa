import { RedisService } from '../../../src/common/redis/redis.service';
import { UserEntity } from '../../../src/modules/users/user.entity';
import { ADMIN_TOKEN, createTestContext, type TestContext } from '../../support/factories';
import { PrivateRedis } from '../../support/redis-server';
import { redisPrefixFor } from '../../support/test-app';
import { type ServerProcess, startServerProcess } from '../../support/server-process';

jest.setTimeout(120_000);

const REDIS_TIMEOUT_MS = 200;

/** Redis stops answering mid-traffic: limits fall back to the process, never a 500 or a hang. */
describe('rate limits when Redis fails', () => {
  const redis = new PrivateRedis();
  let ctx: TestContext;

  beforeAll(async () => {
    await redis.start();
    ctx = await createTestContext({ env: { REDIS_URL: redis.url, REDIS_TIMEOUT_MS: String(REDIS_TIMEOUT_MS) } });
  });

  afterAll(async () => {
    await ctx.close();
    await redis.stop();
  });

  const burst = async (token: string, n: number) => {
    const results: Array<{ status: number; ms: number }> = [];
    for (let i = 0; i < n; i++) {
      const started = Date.now();
      const res = await ctx.t.get('/api/v1/users/me', { token });
      results.push({ status: res.status, ms: Date.now() - started });
    }
    return results;
  };

  /** Health answers 200 again (Redis back and reconnected) within 5 s. */
  const healthyWithin5s = async () => {
    for (let i = 0; i < 50; i++) {
      await new Promise((r) => setTimeout(r, 100));
      if ((await ctx.t.get('/api/v1/health')).status === 200) return true;
    }
    return false;
  };

  const UNAVAILABLE = 'redis unavailable; using process-local state until it returns';
  const AVAILABLE = 'redis available again';
  /** RedisService's log of Redis going away and coming back, in order, with times and reasons. */
  const redisStateLogs = () =>
    ctx.t.logs
      .filter((l) => l.msg === UNAVAILABLE || l.msg === AVAILABLE)
      .map((l) => `${String(l.time)} ${String(l.msg)}${typeof l.reason === 'string' ? ` (${l.reason})` : ''}`);

  const expectBounded = (results: Array<{ status: number; ms: number }>) => {
    for (const r of results) {
      expect([200, 429]).toContain(r.status);
      // One Redis timeout at most, plus scheduling slack: never a hang.
      expect(r.ms).toBeLessThan(REDIS_TIMEOUT_MS + 1500);
    }
  };

  it('should keep serving on the process-local store while Redis is frozen, then recover', async () => {
    const { token } = await ctx.newToken({ scopes: ['read:users'] });
    expect((await burst(token, 3)).map((r) => r.status)).toEqual([200, 200, 200]);

    const frozenAt = new Date().toISOString();
    redis.freeze();
    try {
      const during = await burst(token, 20);
      expectBounded(during);
      expect(during.every((r) => r.status === 200)).toBe(true);
      // One warning for the outage, and no other change of Redis's state since the app started
      // (shown with the freeze's time when it fails).
      expect({ frozenAt, changes: redisStateLogs() }).toEqual({
        frozenAt,
        changes: [expect.stringContaining(`${UNAVAILABLE} (Command timed out)`)],
      });
    } finally {
      // Thawed even when an assertion failed: the file's other tests need Redis back.
      redis.thaw();
    }
    let recovered = false;
    for (let i = 0; i < 50 && !recovered; i++) {
      await new Promise((r) => setTimeout(r, 100));
      const healthy = (await ctx.t.get('/api/v1/health')).status === 200;
      recovered = healthy && ctx.t.logs.some((l) => l.msg === AVAILABLE);
    }
    expect(recovered).toBe(true);
    // Shared counting resumes: the 3 requests recorded in Redis before the outage still count.
    const after = await ctx.t.get('/api/v1/users/me', { token });
    expect(after.status).toBe(200);
    expect(Number(after.headers.get('x-ratelimit-remaining'))).toBeLessThanOrEqual(96);
  });

  it('should stay bounded under CLIENT PAUSE', async () => {
    const { token } = await ctx.newToken({ scopes: ['read:users'] });
    await redis.clientPause(2000);
    expectBounded(await burst(token, 10));
    await new Promise((r) => setTimeout(r, 2200));
    expect((await ctx.t.get('/api/v1/users/me', { token })).status).toBe(200);
  });

  it('should run exactly one of 10 concurrent keyed requests while Redis is frozen', async () => {
    const username = `frozen-${process.pid}`;
    redis.freeze();
    try {
      const results = await Promise.all(
        Array.from({ length: 10 }, async () => {
          const started = Date.now();
          const res = await ctx.t.post(
            '/api/v1/users',
            { username },
            {
              token: ADMIN_TOKEN,
              headers: { 'idempotency-key': `k-${username}` },
            },
          );
          return { status: res.status, ms: Date.now() - started };
        }),
      );
      for (const r of results) {
        expect([201, 409]).toContain(r.status);
        expect(r.ms).toBeLessThan(REDIS_TIMEOUT_MS + 3000);
      }
      expect(results.filter((r) => r.status === 201).length).toBeGreaterThanOrEqual(1);
    } finally {
      redis.thaw();
    }
    expect(await ctx.t.dataSource.getRepository(UserEntity).countBy({ username })).toBe(1);
  });

  it('should not count a request twice across a Redis restart', async () => {
    const { token } = await ctx.newToken({ scopes: ['read:users'] });
    expect((await burst(token, 5)).every((r) => r.status === 200)).toBe(true);
    await redis.stop('SIGKILL');
    const during = await burst(token, 10);
    expectBounded(during);
    await redis.start();
    expect(await healthyWithin5s()).toBe(true);
    const after = await burst(token, 5);
    expect(after.every((r) => r.status === 200)).toBe(true);
    const last = await ctx.t.get('/api/v1/users/me', { token });
    // The restarted Redis starts empty: it may hold the 6 requests made since it came back, and at
    // most the 10 made during the outage (if any command was queued), never a resent duplicate.
    const used = 100 - Number(last.headers.get('x-ratelimit-remaining'));
    expect(used).toBeGreaterThanOrEqual(6);
    expect(used).toBeLessThanOrEqual(16);
  });

  it('should report redis error on health while Redis is down, and never 500 when it is killed', async () => {
    const { token } = await ctx.newToken({ scopes: ['read:users'] });
    await redis.stop('SIGKILL');
    const results = await burst(token, 10);
    expectBounded(results);
    const health = await ctx.t.get('/api/v1/health');
    expect(health.status).toBe(503);
    expect(health.body).toMatchObject({ database: 'ok', redis: 'error', error_code: 'service_unavailable' });
    // The fallback applies the same limits in this process.
    const fallback = await Promise.all(Array.from({ length: 100 }, () => ctx.t.get('/api/v1/users/me', { token })));
    expect(fallback.filter((r) => r.status === 200)).toHaveLength(90);
    await redis.start();
    expect(await healthyWithin5s()).toBe(true);
    expect((await ctx.t.get('/api/v1/users/me', { token: ADMIN_TOKEN })).status).toBe(200);
  });

  it('should not take a blocked event loop for a Redis outage', async () => {
    expect(await healthyWithin5s()).toBe(true);
    const service = ctx.t.app.get(RedisService);
    const changesBefore = redisStateLogs();
    const reply = service.call((client) => client.ping(), 'fallback');
    // The command is written in this turn's check phase (ioredis's auto-pipelining); right after,
    // block the event loop for three timeouts while Redis answers. Its timeout timer is then due
    // before the loop next reads the socket, where the answer already waits.
    await new Promise<void>((resolve) =>
      setImmediate(() => {
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 3 * REDIS_TIMEOUT_MS);
        resolve();
      }),
    );
    expect(await reply).toBe('PONG');
    expect(redisStateLogs()).toEqual(changesBefore);
  });
});

/** Two server processes sharing one Redis admit the limit in total, not per process. */
describe('rate limits across two processes sharing Redis', () => {
  const redis = new PrivateRedis();
  let ctx: TestContext;
  let other: ServerProcess;

  beforeAll(async () => {
    await redis.start();
    ctx = await createTestContext({ env: { REDIS_URL: redis.url } });
    other = await startServerProcess({
      DATABASE_URL: ctx.t.databaseUrl,
      REDIS_URL: redis.url,
      REDIS_KEY_PREFIX: redisPrefixFor(ctx.t.databaseUrl),
    });
  });

  afterAll(async () => {
    await other?.stop();
    await ctx?.close();
    await redis.stop();
  });

  it('should admit 100 in total across both processes', async () => {
    const { token } = await ctx.newToken({ scopes: ['read:users'] });
    const headers = { authorization: `Bearer ${token}` };
    const requests = Array.from({ length: 160 }, (_, i) =>
      i % 2 === 0
        ? ctx.t.get('/api/v1/users/me', { token }).then((r) => r.status)
        : fetch(`${other.baseUrl}/api/v1/users/me`, { headers }).then((r) => r.status),
    );
    const statuses = await Promise.all(requests);
    expect(statuses.filter((s) => s === 200)).toHaveLength(100);
    expect(statuses.filter((s) => s === 429)).toHaveLength(60);
  });
});
