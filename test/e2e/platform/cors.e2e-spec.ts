import { ADMIN_TOKEN, createTestContext, type TestContext } from '../../support/factories';

/** Contract §10: CORS for the origins in CORS_ORIGINS, nothing for the others. */

const APP = 'https://app.example.com';
const OTHER = 'https://evil.example.net';
const EXPOSED =
  'ETag, Location, X-Request-ID, X-RateLimit-Limit, X-RateLimit-Remaining, X-RateLimit-Reset, RateLimit, ' +
  'RateLimit-Policy, Retry-After, Idempotent-Replayed';
const REQUEST_HEADERS = [
  'authorization',
  'x-api-key',
  'content-type',
  'idempotency-key',
  'if-match',
  'if-none-match',
  'x-request-id',
];

const corsHeaders = (headers: Headers) => [...headers.keys()].filter((name) => name.startsWith('access-control-'));
const varies = (headers: Headers) => (headers.get('vary') ?? '').split(/\s*,\s*/).map((v) => v.toLowerCase());

function preflight(ctx: TestContext, path: string, origin: string, method = 'POST') {
  return ctx.t.request('OPTIONS', path, {
    validate: false,
    headers: {
      origin,
      'access-control-request-method': method,
      'access-control-request-headers': 'authorization,content-type,idempotency-key',
    },
  });
}

function expectActualCors(headers: Headers, origin: string): void {
  expect(headers.get('access-control-allow-origin')).toBe(origin);
  expect(headers.get('access-control-expose-headers')).toBe(EXPOSED);
}

describe('CORS with a list of origins', () => {
  let ctx: TestContext;

  beforeAll(async () => {
    ctx = await createTestContext({ env: { CORS_ORIGINS: `${APP}, http://127.0.0.1:5173` } });
  });

  afterAll(async () => {
    await ctx.close();
  });

  it('should answer a preflight 204 without a token, with the methods, headers and max age of the contract', async () => {
    for (const [path, method] of [
      ['/api/v1/projects', 'POST'],
      ['/api/v1/time-entries/42', 'PUT'],
      ['/api/v1/admin/api-tokens/7', 'DELETE'],
      ['/api/v1/users/me', 'GET'],
    ]) {
      const res = await preflight(ctx, path, APP, method);
      expect(res.status).toBe(204);
      expect(res.text).toBe('');
      expect(res.headers.get('access-control-allow-origin')).toBe(APP);
      expect(res.headers.get('access-control-allow-methods')).toBe('GET, POST, PUT, PATCH, DELETE');
      const allowed = (res.headers.get('access-control-allow-headers') ?? '')
        .split(/\s*,\s*/)
        .map((h) => h.toLowerCase());
      expect(allowed).toEqual(expect.arrayContaining(REQUEST_HEADERS));
      expect(res.headers.get('access-control-max-age')).toBe('600');
      expect(varies(res.headers)).toContain('origin');
      expect(res.headers.get('x-request-id')).toBeTruthy();
      // Never authenticated, never counted against a token.
      expect(res.headers.get('www-authenticate')).toBeNull();
      expect(res.headers.get('x-ratelimit-limit')).toBeNull();
    }
  });

  it('should answer preflights before the per-IP limit on failed authentications could apply', async () => {
    const limit = ctx.t.config.rateLimit.authFailuresPerMinute;
    for (let i = 0; i < limit + 5; i++) {
      const res = await preflight(ctx, '/api/v1/time-entries', APP);
      expect(res.status).toBe(204);
    }
  });

  it('should carry the origin and the exposed headers on a successful answer', async () => {
    const res = await ctx.t.get('/api/v1/projects', { token: ADMIN_TOKEN, headers: { origin: APP } });
    expect(res.status).toBe(200);
    expectActualCors(res.headers, APP);
    expect(varies(res.headers)).toContain('origin');
    const second = await ctx.t.get('/api/v1/users/me', {
      token: ADMIN_TOKEN,
      headers: { origin: 'http://127.0.0.1:5173' },
    });
    expectActualCors(second.headers, 'http://127.0.0.1:5173');
  });

  it('should carry them on 401, 404, 400 and 413 answers too', async () => {
    const unauthorized = await ctx.t.get('/api/v1/projects', { headers: { origin: APP } });
    expect(unauthorized.status).toBe(401);
    expectActualCors(unauthorized.headers, APP);

    // Refused before the body is read (preParsing hook).
    const unauthorizedBody = await ctx.t.post('/api/v1/projects', { name: 'x' }, { headers: { origin: APP } });
    expect(unauthorizedBody.status).toBe(401);
    expectActualCors(unauthorizedBody.headers, APP);

    const notFound = await ctx.t.get('/api/v1/no-such-route', { token: ADMIN_TOKEN, headers: { origin: APP } });
    expect(notFound.status).toBe(404);
    expectActualCors(notFound.headers, APP);
    // Answered by the router itself, before any hook.
    for (const path of ['/api/v1/projects/%zz', `/api/v1/projects/${'9'.repeat(300)}`]) {
      const undecodable = await ctx.t.get(path, { token: ADMIN_TOKEN, headers: { origin: APP } });
      expect(undecodable.status).toBe(404);
      expectActualCors(undecodable.headers, APP);
      const foreign = await ctx.t.get(path, { token: ADMIN_TOKEN, headers: { origin: OTHER } });
      expect(corsHeaders(foreign.headers)).toEqual([]);
    }

    const invalid = await ctx.t.post(
      '/api/v1/projects',
      { name: '' },
      { token: ADMIN_TOKEN, headers: { origin: APP } },
    );
    expect(invalid.status).toBe(400);
    expectActualCors(invalid.headers, APP);

    const tooLarge = await ctx.t.request('POST', '/api/v1/projects', {
      token: ADMIN_TOKEN,
      headers: { origin: APP, 'content-type': 'application/json' },
      rawBody: JSON.stringify({ name: 'x'.repeat(1024 * 1024 + 10) }),
    });
    expect(tooLarge.status).toBe(413);
    expectActualCors(tooLarge.headers, APP);
  });

  it('should send no Access-Control header to a disallowed origin, and answer its preflight 404', async () => {
    const pre = await preflight(ctx, '/api/v1/projects', OTHER);
    expect(pre.status).toBe(404);
    expect(pre.body.error_code).toBe('not_found');
    expect(corsHeaders(pre.headers)).toEqual([]);

    const res = await ctx.t.get('/api/v1/projects', { token: ADMIN_TOKEN, headers: { origin: OTHER } });
    expect(res.status).toBe(200);
    expect(corsHeaders(res.headers)).toEqual([]);
    const unauthorized = await ctx.t.get('/api/v1/projects', { headers: { origin: OTHER } });
    expect(unauthorized.status).toBe(401);
    expect(corsHeaders(unauthorized.headers)).toEqual([]);
  });

  it('should match origins exactly', async () => {
    for (const origin of [
      `${APP}/`,
      'http://app.example.com',
      `${APP}:8443`,
      'https://APP.example.com.evil.net',
      'null',
    ]) {
      const res = await ctx.t.get('/api/v1/info', { headers: { origin } });
      expect(corsHeaders(res.headers)).toEqual([]);
    }
  });

  it('should send no Access-Control header without an Origin', async () => {
    const res = await ctx.t.get('/api/v1/projects', { token: ADMIN_TOKEN });
    expect(corsHeaders(res.headers)).toEqual([]);
  });

  it('should answer an OPTIONS that is no preflight without authentication', async () => {
    const res = await ctx.t.request('OPTIONS', '/api/v1/projects', { validate: false, headers: { origin: APP } });
    expect(res.status).not.toBe(401);
    expect(res.status).toBeLessThan(500);
  });

  it('should keep GET /metrics, outside the API, closed to pages of any origin', async () => {
    const res = await ctx.t.get('/metrics', { validate: false, headers: { origin: APP } });
    expect(res.status).toBe(200);
    expect(corsHeaders(res.headers)).toEqual([]);
  });
});

describe('CORS on a rate-limited token', () => {
  let ctx: TestContext;

  beforeAll(async () => {
    ctx = await createTestContext({
      env: { CORS_ORIGINS: APP },
      adjustConfig: (config) => {
        config.rateLimit.perMinute = 3;
      },
    });
  });

  afterAll(async () => {
    await ctx.close();
  });

  it('should carry the headers on a 429, and still answer preflights', async () => {
    let last = await ctx.t.get('/api/v1/users/me', { token: ADMIN_TOKEN, headers: { origin: APP } });
    for (let i = 0; i < 5 && last.status !== 429; i++) {
      last = await ctx.t.get('/api/v1/users/me', { token: ADMIN_TOKEN, headers: { origin: APP } });
    }
    expect(last.status).toBe(429);
    expectActualCors(last.headers, APP);
    expect(last.headers.get('retry-after')).toBeTruthy();
    const pre = await preflight(ctx, '/api/v1/users/me', APP, 'GET');
    expect(pre.status).toBe(204);
  });
});

describe('CORS for any origin', () => {
  let ctx: TestContext;

  beforeAll(async () => {
    ctx = await createTestContext({ env: { CORS_ORIGINS: '*' } });
  });

  afterAll(async () => {
    await ctx.close();
  });

  it('should allow every origin with *, without Vary: Origin', async () => {
    const pre = await preflight(ctx, '/api/v1/projects', OTHER);
    expect(pre.status).toBe(204);
    expect(pre.headers.get('access-control-allow-origin')).toBe('*');
    expect(pre.headers.get('access-control-allow-methods')).toBe('GET, POST, PUT, PATCH, DELETE');
    expect(pre.headers.get('access-control-max-age')).toBe('600');
    expect(varies(pre.headers)).not.toContain('origin');

    const res = await ctx.t.get('/api/v1/projects', { token: ADMIN_TOKEN, headers: { origin: OTHER } });
    expect(res.status).toBe(200);
    expectActualCors(res.headers, '*');
    expect(varies(res.headers)).not.toContain('origin');
    const unauthorized = await ctx.t.get('/api/v1/projects', { headers: { origin: OTHER } });
    expect(unauthorized.status).toBe(401);
    expectActualCors(unauthorized.headers, '*');
  });
});

describe('CORS switched off (the default)', () => {
  let ctx: TestContext;

  beforeAll(async () => {
    ctx = await createTestContext();
  });

  afterAll(async () => {
    await ctx.close();
  });

  it('should send no CORS header at all, and answer a preflight 404', async () => {
    const pre = await preflight(ctx, '/api/v1/projects', APP);
    expect(pre.status).toBe(404);
    expect(corsHeaders(pre.headers)).toEqual([]);
    const res = await ctx.t.get('/api/v1/projects', { token: ADMIN_TOKEN, headers: { origin: APP } });
    expect(res.status).toBe(200);
    expect(corsHeaders(res.headers)).toEqual([]);
  });
});
