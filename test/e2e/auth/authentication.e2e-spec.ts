import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { hashApiToken } from '../../../src/common/auth/api-token';
import { ApiTokenEntity } from '../../../src/modules/api-tokens/api-token.entity';
import { ApiTokensRepository } from '../../../src/modules/api-tokens/api-tokens.repository';
import { ADMIN_TOKEN, createTestContext, type TestContext } from '../../support/factories';

describe('authentication and scopes', () => {
  let ctx: TestContext;

  beforeAll(async () => {
    ctx = await createTestContext({ env: { AUTH_FAILURE_LIMIT_PER_MINUTE: '1000' } });
  });

  afterAll(async () => {
    await ctx.close();
  });

  const expectUnauthorized = (res: { status: number; body: any; headers: Headers }, message: RegExp) => {
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Bearer');
    expect(res.body.error_code).toBe('unauthorized');
    expect(res.body.message).toMatch(message);
    expect(typeof res.body.request_id).toBe('string');
  };

  it('should refuse a request without a token', async () => {
    expectUnauthorized(await ctx.t.get('/api/v1/users/me'), /Provide an API token/);
  });

  it('should refuse a malformed token and an unsupported scheme', async () => {
    expectUnauthorized(await ctx.t.get('/api/v1/users/me', { token: 'tt_short' }), /malformed/);
    expectUnauthorized(
      await ctx.t.get('/api/v1/users/me', { headers: { authorization: `Basic ${ADMIN_TOKEN}` } }),
      /malformed/,
    );
  });

  it('should refuse an unknown token', async () => {
    expectUnauthorized(await ctx.t.get('/api/v1/users/me', { token: `tt_${'x'.repeat(32)}` }), /invalid/);
  });

  it('should accept Bearer, Token and X-API-Key', async () => {
    const { token, user } = await ctx.newToken({ scopes: ['read:users'] });
    const variants: Array<Record<string, string>> = [
      { authorization: `Bearer ${token}` },
      { authorization: `Token ${token}` },
      { 'x-api-key': token },
    ];
    for (const headers of variants) {
      const res = await ctx.t.get('/api/v1/users/me', { headers });
      expect(res.status).toBe(200);
      expect(res.body.user).toMatchObject({ id: user.id, username: user.username, role: 'user', total_hours: 0 });
    }
  });

  it('should refuse a request that sends both Authorization and X-API-Key, even with the same token', async () => {
    const { token } = await ctx.newToken({ scopes: ['read:users'] });
    for (const apiKey of [token, ADMIN_TOKEN]) {
      const res = await ctx.t.get('/api/v1/users/me', {
        headers: { authorization: `Bearer ${token}`, 'x-api-key': apiKey },
      });
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ error_code: 'bad_request', error: 'Ambiguous credentials' });
      expect(res.body.message).toMatch(/not both/);
    }
    // Either header alone still works.
    expect((await ctx.t.get('/api/v1/users/me', { headers: { 'x-api-key': token } })).status).toBe(200);
  });

  it('should refuse a token of the wrong shape before any database lookup', async () => {
    const lookup = jest.spyOn(ctx.t.app.get(ApiTokensRepository), 'findByHashWithUser');
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-';
    const outside = fc.string({ minLength: 1, maxLength: 1 }).filter((c) => !alphabet.includes(c) && c.trim() === c);
    try {
      await fc.assert(
        fc.asyncProperty(
          fc.nat({ max: ADMIN_TOKEN.length - 1 }),
          fc.oneof(
            outside.map((c) => ({ kind: 'replace' as const, c })),
            fc.constant({ kind: 'delete' as const, c: '' }),
            fc.constantFrom(...alphabet).map((c) => ({ kind: 'insert' as const, c })),
          ),
          async (at, edit) => {
            const chars = [...ADMIN_TOKEN];
            if (edit.kind === 'replace') chars[at] = edit.c;
            else if (edit.kind === 'delete') chars.splice(at, 1);
            else chars.splice(at, 0, edit.c);
            const mutated = chars.join('');
            if (!/^[\x21-\x7e]+$/.test(mutated)) return; // not sendable as a header value
            lookup.mockClear();
            const res = await ctx.t.get('/api/v1/users/me', { headers: { 'x-api-key': mutated } });
            expect(res.status).toBe(401);
            expect(res.body.message).toMatch(/malformed/);
            expect(lookup).not.toHaveBeenCalled();
          },
        ),
        { numRuns: 60 },
      );
    } finally {
      lookup.mockRestore();
    }
  });

  it('should find a token and its user in one query, the lookup of every request the cache misses', async () => {
    const repository = ctx.t.app.get(ApiTokensRepository);
    // PostgreSQL: a query runner per query, counted on their prototype. SQLite: one shared runner,
    // whose own `query` TransactionService wraps (BEGIN IMMEDIATE).
    const runner = ctx.t.dataSource.createQueryRunner();
    const target = Object.hasOwn(runner, 'query') ? runner : (Object.getPrototypeOf(runner) as typeof runner);
    const query = jest.spyOn(target, 'query');
    if (ctx.t.dataSource.options.type === 'postgres') await runner.release();
    try {
      const hash = hashApiToken(ADMIN_TOKEN);
      const token = await repository.findByHashWithUser(hash);
      expect(query).toHaveBeenCalledTimes(1);
      expect(token).toMatchObject({ tokenHash: hash, user: { role: 'admin', isActive: true } });
      query.mockClear();
      expect(await repository.findById(token!.id)).toMatchObject({ id: token!.id, user: { id: token!.userId } });
      expect(query).toHaveBeenCalledTimes(1);
      expect(await repository.findByHashWithUser('0'.repeat(64))).toBeNull();
    } finally {
      query.mockRestore();
    }
  });

  it('should refuse a revoked token', async () => {
    const { token, id } = await ctx.newToken({ scopes: ['read:users'] });
    expect((await ctx.t.get('/api/v1/users/me', { token })).status).toBe(200);
    expect((await ctx.t.delete(`/api/v1/admin/api-tokens/${id}`, { token: ADMIN_TOKEN })).status).toBe(200);
    expectUnauthorized(await ctx.t.get('/api/v1/users/me', { token }), /revoked/);
  });

  it('should refuse an expired token', async () => {
    const { token, id } = await ctx.newToken({ scopes: ['read:users'], expires_in_days: 1 });
    expect((await ctx.t.get('/api/v1/users/me', { token })).status).toBe(200);
    await ctx.t.dataSource.getRepository(ApiTokenEntity).update(id, { expiresAt: new Date(Date.now() - 1000) });
    // Lookups may be cached for up to 500 ms.
    await new Promise((r) => setTimeout(r, 600));
    expectUnauthorized(await ctx.t.get('/api/v1/users/me', { token }), /expired/);
  });

  it('should enforce the IP allow-list', async () => {
    const denied = await ctx.newToken({ scopes: ['read:users'], ip_allowlist: ['203.0.113.0/24'] });
    expectUnauthorized(await ctx.t.get('/api/v1/users/me', { token: denied.token }), /IP address/);
    const allowed = await ctx.newToken({ scopes: ['read:users'], ip_allowlist: ['127.0.0.0/8', '::1'] });
    expect((await ctx.t.get('/api/v1/users/me', { token: allowed.token })).status).toBe(200);
  });

  it('should stop every token of a deactivated user at once', async () => {
    const user = await ctx.newUser();
    const a = await ctx.newToken({ scopes: ['read:users'], user });
    const b = await ctx.newToken({ scopes: ['read:users'], user });
    expect((await ctx.t.get('/api/v1/users/me', { token: a.token })).status).toBe(200);
    const patch = await ctx.t.patch(`/api/v1/users/${user.id}`, { is_active: false }, { token: ADMIN_TOKEN });
    expect(patch.status).toBe(200);
    expect(patch.body.user.is_active).toBe(false);
    expectUnauthorized(await ctx.t.get('/api/v1/users/me', { token: a.token }), /User account is inactive/);
    expectUnauthorized(await ctx.t.get('/api/v1/users/me', { headers: { 'x-api-key': b.token } }), /inactive/);
  });

  it('should answer 403 with required and available scopes', async () => {
    const { token } = await ctx.newToken({ scopes: ['read:projects', 'read:time_entries'] });
    const res = await ctx.t.get('/api/v1/users/me', { token });
    expect(res.status).toBe(403);
    expect(res.body).toMatchObject({
      error: 'Insufficient permissions',
      message: "This endpoint requires the 'read:users' scope",
      error_code: 'forbidden',
      required_scope: 'read:users',
      available_scopes: ['read:projects', 'read:time_entries'],
    });
  });

  it('should grant by wildcard but never read through write', async () => {
    const readAll = await ctx.newToken({ scopes: ['read:*'] });
    expect((await ctx.t.get('/api/v1/users/me', { token: readAll.token })).status).toBe(200);
    const writeAll = await ctx.newToken({ scopes: ['write:*'] });
    const res = await ctx.t.get('/api/v1/users/me', { token: writeAll.token });
    expect(res.status).toBe(403);
    expect(res.body.required_scope).toBe('read:users');
    const star = await ctx.newToken({ scopes: ['*'] });
    expect((await ctx.t.get('/api/v1/users/me', { token: star.token })).status).toBe(200);
  });

  it('should keep admin endpoints from a non-admin user holding admin:all', async () => {
    const { token } = await ctx.newToken({ scopes: ['admin:all'] });
    for (const path of ['/api/v1/users', '/api/v1/admin/api-tokens']) {
      const res = await ctx.t.get(path, { token });
      expect(res.status).toBe(403);
      expect(res.body.error_code).toBe('forbidden');
      expect(res.body.message).toMatch(/admin role/);
    }
  });

  it('should keep admin endpoints from an admin user without admin:all', async () => {
    const admin = await ctx.newUser({ role: 'admin' });
    const { token } = await ctx.newToken({ scopes: ['read:*', 'write:*'], user: admin });
    const res = await ctx.t.get('/api/v1/admin/api-tokens', { token });
    expect(res.status).toBe(403);
    expect(res.body.required_scope).toBe('admin:all');
  });

  it('should never write the token or its hash to a response or a log line', async () => {
    const created = await ctx.t.post(
      '/api/v1/admin/api-tokens',
      { name: 'secret check', user_id: 1, scopes: ['read:users'] },
      { token: ADMIN_TOKEN },
    );
    const token = created.body.token as string;
    const hash = createHash('sha256').update(token).digest('hex');
    await ctx.t.get('/api/v1/users/me?x=secret-filter', {
      token,
      validate: false,
      headers: {
        'user-agent': 'sync-job/1.2',
        traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
      },
    });
    const list = await ctx.t.get('/api/v1/admin/api-tokens', { token: ADMIN_TOKEN, query: { per_page: 100 } });
    const one = await ctx.t.get(`/api/v1/admin/api-tokens/${created.body.api_token.id}`, { token: ADMIN_TOKEN });
    for (const text of [list.text, one.text]) {
      expect(text).not.toContain(token);
      expect(text).not.toContain(hash);
      expect(text).not.toContain(ADMIN_TOKEN);
    }
    expect(created.text).not.toContain(hash);
    const logs = ctx.t.rawLogs.join('\n');
    expect(logs).not.toContain(token);
    expect(logs).not.toContain(hash);
    expect(logs).not.toContain(ADMIN_TOKEN);
    const line = ctx.t.logs.find((l) => l.route === '/api/v1/users/me' && l.token_id === created.body.api_token.id);
    expect(line).toMatchObject({
      method: 'GET',
      msg: 'request',
      path: '/api/v1/users/me',
      client_ip: '127.0.0.1',
      user_agent: 'sync-job/1.2',
      trace_id: '4bf92f3577b34da6a3ce929d0e0e4736',
    });
    expect(logs).not.toContain('secret-filter');
    expect(typeof line?.request_id).toBe('string');
    expect(typeof line?.duration_ms).toBe('number');
  });
});

describe('failed authentications per IP', () => {
  let ctx: TestContext;

  beforeAll(async () => {
    ctx = await createTestContext({ env: { AUTH_FAILURE_LIMIT_PER_MINUTE: '5' } });
  });

  afterAll(async () => {
    await ctx.close();
  });

  it('should answer 429 beyond the limit while valid tokens keep working', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) {
      statuses.push((await ctx.t.get('/api/v1/users/me', { token: `tt_${'z'.repeat(32)}` })).status);
    }
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429, 429, 429]);
    const limited = await ctx.t.get('/api/v1/users/me');
    expect(limited.status).toBe(429);
    expect(limited.body.error_code).toBe('rate_limited');
    expect(limited.headers.get('retry-after')).toBe('60');
    const ok = await ctx.t.get('/api/v1/users/me', { token: ADMIN_TOKEN });
    expect(ok.status).toBe(200);
    expect(ok.body.user.username).toBe('admin');
  });
});
