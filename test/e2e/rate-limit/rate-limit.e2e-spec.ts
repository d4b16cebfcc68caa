import { ADMIN_TOKEN, createTestContext, type TestContext } from '../../support/factories';
import { TEST_REDIS_URL } from '../../support/test-databases';

const stores = [{ name: 'process-local', redis: false }, ...(TEST_REDIS_URL ? [{ name: 'Redis', redis: true }] : [])];

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.each(stores)('per-token rate limits ($name)', ({ redis }) => {
  describe('with the default limits (100/min, 1000/h)', () => {
    let ctx: TestContext;

    beforeAll(async () => {
      ctx = await createTestContext({ redis });
    });

    afterAll(async () => {
      await ctx.close();
    });

    it('should send the contract headers on every authenticated response', async () => {
      const { token } = await ctx.newToken({ scopes: ['read:users'] });
      const res = await ctx.t.get('/api/v1/users/me', { token });
      expect(res.status).toBe(200);
      expect(res.headers.get('x-ratelimit-limit')).toBe('100');
      expect(res.headers.get('x-ratelimit-remaining')).toBe('99');
      const reset = Number(res.headers.get('x-ratelimit-reset'));
      expect(reset).toBeGreaterThanOrEqual(Math.floor(Date.now() / 1000) + 58);
      expect(reset).toBeLessThanOrEqual(Math.ceil(Date.now() / 1000) + 61);
      expect(res.headers.get('ratelimit-policy')).toBe('"minute";q=100;w=60, "hour";q=1000;w=3600');
      expect(res.headers.get('ratelimit')).toMatch(/^"minute";r=99;t=(59|60)$/);
      expect((await ctx.t.get('/api/v1/health')).headers.get('x-ratelimit-limit')).toBeNull();
    });

    it('should admit 100 sequential requests and refuse the 101st with 429', async () => {
      const { token } = await ctx.newToken({ scopes: ['read:users'] });
      for (let i = 0; i < 100; i++) {
        const res = await ctx.t.get('/api/v1/users/me', { token });
        expect(res.status).toBe(200);
      }
      const res = await ctx.t.get('/api/v1/users/me', { token });
      expect(res.status).toBe(429);
      expect(res.body).toMatchObject({
        error_code: 'rate_limited',
        limit_per_minute: 100,
        limit_per_hour: 1000,
        remaining_per_minute: 0,
        remaining_per_hour: 900,
      });
      expect(typeof res.body.request_id).toBe('string');
      const retryAfter = Number(res.headers.get('retry-after'));
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(60);
      expect(res.headers.get('x-ratelimit-remaining')).toBe('0');
      expect(res.headers.get('ratelimit')).toMatch(/^"minute";r=0;t=\d+$/);
      expect(res.headers.get('retry-after-token')).toBeNull();
    });

    it('should admit exactly 100 of 300 parallel requests', async () => {
      const { token } = await ctx.newToken({ scopes: ['read:users'] });
      const statuses = await Promise.all(
        Array.from({ length: 300 }, () => ctx.t.get('/api/v1/users/me', { token }).then((r) => r.status)),
      );
      expect(statuses.filter((s) => s === 200)).toHaveLength(100);
      expect(statuses.filter((s) => s === 429)).toHaveLength(200);
    });

    it('should keep tokens apart and not count failed authentications', async () => {
      const a = await ctx.newToken({ scopes: ['read:users'] });
      const b = await ctx.newToken({ scopes: ['read:users'] });
      await Promise.all(Array.from({ length: 100 }, () => ctx.t.get('/api/v1/users/me', { token: a.token })));
      expect((await ctx.t.get('/api/v1/users/me', { token: a.token })).status).toBe(429);
      const other = await ctx.t.get('/api/v1/users/me', { token: b.token });
      expect(other.status).toBe(200);
      expect(other.headers.get('x-ratelimit-remaining')).toBe('99');
      // 403 (scope) happens before the limiter: it does not consume quota either.
      const scoped = await ctx.newToken({ scopes: ['read:projects'] });
      for (let i = 0; i < 3; i++) {
        expect((await ctx.t.get('/api/v1/users/me', { token: scoped.token })).status).toBe(403);
      }
      const admin = await ctx.t.get('/api/v1/users/me', { token: ADMIN_TOKEN });
      expect(admin.status).toBe(200);
    });
  });

  describe('with short windows (5 per 2 s, 8 per 6 s)', () => {
    let ctx: TestContext;

    beforeAll(async () => {
      ctx = await createTestContext({
        redis,
        env: { API_TOKEN_RATE_LIMIT_PER_MINUTE: '5', API_TOKEN_RATE_LIMIT_PER_HOUR: '8' },
        adjustConfig: (config) => {
          config.rateLimit.minuteWindowMs = 2000;
          config.rateLimit.hourWindowMs = 6000;
        },
      });
    });

    afterAll(async () => {
      await ctx.close();
    });

    it('should allow no burst across a window boundary', async () => {
      const { token } = await ctx.newToken({ scopes: ['read:users'] });
      const first = await Promise.all(Array.from({ length: 5 }, () => ctx.t.get('/api/v1/users/me', { token })));
      expect(first.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
      // Well past a fixed window's boundary, but inside the sliding window of the first burst.
      await sleep(1200);
      const second = await Promise.all(Array.from({ length: 5 }, () => ctx.t.get('/api/v1/users/me', { token })));
      expect(second.map((r) => r.status)).toEqual([429, 429, 429, 429, 429]);
      await sleep(1000);
      expect((await ctx.t.get('/api/v1/users/me', { token })).status).toBe(200);
    });

    it('should trip the hour window while the minute window has room', async () => {
      const { token } = await ctx.newToken({ scopes: ['read:users'] });
      for (let i = 0; i < 5; i++) expect((await ctx.t.get('/api/v1/users/me', { token })).status).toBe(200);
      await sleep(2100);
      for (let i = 0; i < 3; i++) expect((await ctx.t.get('/api/v1/users/me', { token })).status).toBe(200);
      const res = await ctx.t.get('/api/v1/users/me', { token });
      expect(res.status).toBe(429);
      expect(res.body).toMatchObject({ remaining_per_minute: 2, remaining_per_hour: 0, limit_per_hour: 8 });
      expect(res.headers.get('ratelimit')).toMatch(/^"hour";r=0;t=\d$/);
      expect(Number(res.headers.get('retry-after'))).toBeGreaterThanOrEqual(3);
    });
  });
});
