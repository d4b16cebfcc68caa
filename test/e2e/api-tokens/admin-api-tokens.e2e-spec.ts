import { ADMIN_TOKEN, createTestContext, type TestContext } from '../../support/factories';

describe('admin API token management', () => {
  let ctx: TestContext;

  beforeAll(async () => {
    ctx = await createTestContext();
  });

  afterAll(async () => {
    await ctx.close();
  });

  it('should create a token shown once, hashed with an 8-char prefix', async () => {
    const user = await ctx.newUser();
    const res = await ctx.t.post(
      '/api/v1/admin/api-tokens',
      {
        name: 'ci',
        description: 'for CI',
        user_id: user.id,
        scopes: ['read:projects', 'read:projects'],
        expires_in_days: 30,
      },
      { token: ADMIN_TOKEN },
    );
    expect(res.status).toBe(201);
    expect(res.body.token).toMatch(/^tt_[A-Za-z0-9_-]{32}$/);
    expect(res.body.api_token).toMatchObject({
      name: 'ci',
      description: 'for CI',
      user_id: user.id,
      username: user.username,
      scopes: ['read:projects'],
      token_prefix: res.body.token.slice(0, 8),
      usage_count: 0,
      is_active: true,
      last_used_at: null,
      ip_allowlist: null,
    });
    const days = (Date.parse(res.body.api_token.expires_at) - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(29.9);
    expect(days).toBeLessThan(30.1);
    expect(Object.keys(res.body.api_token)).not.toEqual(expect.arrayContaining(['token_hash']));
    const [row] = await ctx.t.dataSource.query(
      'SELECT token_hash FROM api_tokens WHERE id = ' + Number(res.body.api_token.id),
    );
    expect(row.token_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(row.token_hash).not.toContain(res.body.token);
  });

  it('should refuse unknown scopes, bad IPs and unknown fields with field errors', async () => {
    const res = await ctx.t.post(
      '/api/v1/admin/api-tokens',
      {
        name: '',
        user_id: 'x',
        scopes: ['read:projects', 'read:everything'],
        ip_allowlist: ['nope'],
        token_hash: 'abc',
      },
      { token: ADMIN_TOKEN },
    );
    expect(res.status).toBe(400);
    expect(res.body.error_code).toBe('validation_error');
    expect(res.body.errors.scopes[0]).toMatch(/Unknown scope\(s\): read:everything/);
    expect(res.body.errors.ip_allowlist[0]).toMatch(/nope/);
    expect(res.body.errors.token_hash).toEqual(['Unknown field.']);
    expect(Object.keys(res.body.errors)).toEqual(expect.arrayContaining(['name', 'user_id']));
  });

  it('should answer 404 for a missing user, token id or non-numeric id', async () => {
    const missingUser = await ctx.t.post(
      '/api/v1/admin/api-tokens',
      { name: 'x', user_id: 999999, scopes: ['read:users'] },
      { token: ADMIN_TOKEN },
    );
    expect(missingUser.status).toBe(404);
    for (const id of ['999999', 'abc', '0', '-1']) {
      const res = await ctx.t.get(`/api/v1/admin/api-tokens/${id}`, { token: ADMIN_TOKEN });
      expect(res.status).toBe(404);
      expect(res.body.error_code).toBe('not_found');
    }
    expect((await ctx.t.delete('/api/v1/admin/api-tokens/999999', { token: ADMIN_TOKEN })).status).toBe(404);
    expect((await ctx.t.post('/api/v1/admin/api-tokens/999999/rotate', undefined, { token: ADMIN_TOKEN })).status).toBe(
      404,
    );
  });

  it('should list newest first with user_id and is_active filters, without secrets', async () => {
    const user = await ctx.newUser();
    const a = await ctx.newToken({ scopes: ['read:users'], user });
    const b = await ctx.newToken({ scopes: ['read:users'], user });
    await ctx.t.delete(`/api/v1/admin/api-tokens/${a.id}`, { token: ADMIN_TOKEN });
    const all = await ctx.t.get('/api/v1/admin/api-tokens', { token: ADMIN_TOKEN, query: { user_id: user.id } });
    expect(all.status).toBe(200);
    expect(all.body.api_tokens.map((t: { id: number }) => t.id)).toEqual([b.id, a.id]);
    expect(all.body.pagination).toMatchObject({ page: 1, per_page: 50, total: 2, pages: 1, has_next: false });
    expect(all.text).not.toContain(a.token);
    const active = await ctx.t.get('/api/v1/admin/api-tokens', {
      token: ADMIN_TOKEN,
      query: { user_id: user.id, is_active: 'true' },
    });
    expect(active.body.api_tokens.map((t: { id: number }) => t.id)).toEqual([b.id]);
    const bad = await ctx.t.get('/api/v1/admin/api-tokens', { token: ADMIN_TOKEN, query: { is_active: 'maybe' } });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.is_active).toBeDefined();
  });

  it('should rotate: new secret works, old one is refused, same scopes', async () => {
    const old = await ctx.newToken({ scopes: ['read:users', 'read:projects'] });
    const res = await ctx.t.post(`/api/v1/admin/api-tokens/${old.id}/rotate`, undefined, { token: ADMIN_TOKEN });
    expect(res.status).toBe(201);
    expect(res.body.token).not.toBe(old.token);
    expect(res.body.api_token).toMatchObject({ user_id: old.user.id, scopes: ['read:users', 'read:projects'] });
    expect((await ctx.t.get('/api/v1/users/me', { token: res.body.token })).status).toBe(200);
    const refused = await ctx.t.get('/api/v1/users/me', { token: old.token });
    expect(refused.status).toBe(401);
    expect(refused.body.message).toMatch(/revoked/);
    const again = await ctx.t.post(`/api/v1/admin/api-tokens/${old.id}/rotate`, undefined, { token: ADMIN_TOKEN });
    expect(again.status).toBe(409);
  });

  it('should update scopes, allow-list and activation with PATCH', async () => {
    const t = await ctx.newToken({ scopes: ['read:projects'] });
    expect((await ctx.t.get('/api/v1/users/me', { token: t.token })).status).toBe(403);
    const res = await ctx.t.patch(
      `/api/v1/admin/api-tokens/${t.id}`,
      { scopes: ['read:users'], name: 'renamed', ip_allowlist: ['127.0.0.1'] },
      { token: ADMIN_TOKEN },
    );
    expect(res.status).toBe(200);
    expect(res.body.api_token).toMatchObject({ name: 'renamed', scopes: ['read:users'], ip_allowlist: ['127.0.0.1'] });
    expect((await ctx.t.get('/api/v1/users/me', { token: t.token })).status).toBe(200);
    const off = await ctx.t.patch(`/api/v1/admin/api-tokens/${t.id}`, { is_active: false }, { token: ADMIN_TOKEN });
    expect(off.body.api_token.is_active).toBe(false);
    expect((await ctx.t.get('/api/v1/users/me', { token: t.token })).status).toBe(401);
    const nulls = await ctx.t.patch(
      `/api/v1/admin/api-tokens/${t.id}`,
      { name: null, scopes: null, is_active: null },
      { token: ADMIN_TOKEN },
    );
    expect(nulls.status).toBe(400);
    expect(Object.keys(nulls.body.errors).sort()).toEqual(['is_active', 'name', 'scopes']);
    const bad = await ctx.t.patch(`/api/v1/admin/api-tokens/${t.id}`, { user_id: 1 }, { token: ADMIN_TOKEN });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.user_id).toEqual(['Unknown field.']);
  });

  it('should count usage in memory and write it at most once a minute', async () => {
    const t = await ctx.newToken({ scopes: ['read:users'] });
    for (let i = 0; i < 5; i++) expect((await ctx.t.get('/api/v1/users/me', { token: t.token })).status).toBe(200);
    const before = await ctx.t.get(`/api/v1/admin/api-tokens/${t.id}`, { token: ADMIN_TOKEN });
    expect(before.body.api_token.usage_count).toBe(0);
    const { TokenUsageRecorder } = await import('../../../src/modules/api-tokens/token-usage.recorder');
    await ctx.t.app.get(TokenUsageRecorder).flush();
    const after = await ctx.t.get(`/api/v1/admin/api-tokens/${t.id}`, { token: ADMIN_TOKEN });
    expect(after.body.api_token.usage_count).toBe(5);
    expect(after.body.api_token.last_used_at).toMatch(/Z$/);
  });

  it("should write every token's uses in one flush, and stamp each user with their tokens' latest use", async () => {
    const alice = await ctx.newUser();
    const bob = await ctx.newUser();
    const a1 = await ctx.newToken({ scopes: ['read:users'], user: alice });
    const a2 = await ctx.newToken({ scopes: ['read:users'], user: alice });
    const b1 = await ctx.newToken({ scopes: ['read:users'], user: bob });
    const use = async (token: string, times: number) => {
      for (let i = 0; i < times; i++) expect((await ctx.t.get('/api/v1/users/me', { token })).status).toBe(200);
    };
    await use(a1.token, 2);
    await use(b1.token, 1);
    await use(a2.token, 3); // alice's latest use is a2's
    const { TokenUsageRecorder } = await import('../../../src/modules/api-tokens/token-usage.recorder');
    await ctx.t.app.get(TokenUsageRecorder).flush();

    const token = async (id: number) =>
      (await ctx.t.get(`/api/v1/admin/api-tokens/${id}`, { token: ADMIN_TOKEN })).body.api_token;
    const user = async (id: number) => (await ctx.t.get(`/api/v1/users/${id}`, { token: ADMIN_TOKEN })).body.user;
    const [t1, t2, t3] = [await token(a1.id), await token(a2.id), await token(b1.id)];
    expect([t1.usage_count, t2.usage_count, t3.usage_count]).toEqual([2, 3, 1]);
    // The API shows whole seconds: the uses above may share one. Used in the order a1, b1, a2.
    expect(Date.parse(t3.last_used_at)).toBeGreaterThanOrEqual(Date.parse(t1.last_used_at));
    expect(Date.parse(t2.last_used_at)).toBeGreaterThanOrEqual(Date.parse(t3.last_used_at));
    expect((await user(alice.id)).last_login_at).toBe(t2.last_used_at);
    expect((await user(bob.id)).last_login_at).toBe(t3.last_used_at);

    // A second flush adds to the counts.
    await use(a1.token, 1);
    await ctx.t.app.get(TokenUsageRecorder).flush();
    expect((await token(a1.id)).usage_count).toBe(3);
    expect((await token(a2.id)).usage_count).toBe(3);
  });

  it('should flush more tokens than one SQLite statement takes', async () => {
    const { SQLITE_ROWS_PER_STATEMENT } = await import('../../../src/database/rows-relation');
    const { TransactionService } = await import('../../../src/database/transaction.service');
    const { ApiTokensService } = await import('../../../src/modules/api-tokens/api-tokens.service');
    const { ApiTokenEntity } = await import('../../../src/modules/api-tokens/api-token.entity');
    const { TokenUsageRecorder } = await import('../../../src/modules/api-tokens/token-usage.recorder');
    const { UsersRepository } = await import('../../../src/modules/users/users.repository');
    const app = ctx.t.app;
    const owner = (await app.get(UsersRepository).findById((await ctx.newUser()).id))!;
    const count = SQLITE_ROWS_PER_STATEMENT + 20;
    const ids = await app.get(TransactionService).run(null, async (manager) => {
      const issued: number[] = [];
      for (let i = 0; i < count; i++) {
        issued.push(
          (await app.get(ApiTokensService).issue(manager, owner, { name: `bulk ${i}`, scopes: [] })).entity.id,
        );
      }
      return issued;
    });
    const recorder = app.get(TokenUsageRecorder);
    // Token i is used i % 3 + 1 times; the first one once more, last and later than all the others.
    ids.forEach((id, i) => {
      for (let k = 0; k <= i % 3; k++) recorder.record(id, owner.id);
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    recorder.record(ids[0], owner.id);
    await recorder.flush();

    const { DataSource } = await import('typeorm');
    const { UserEntity } = await import('../../../src/modules/users/user.entity');
    const dataSource = app.get(DataSource);
    const rows = await dataSource.getRepository(ApiTokenEntity).findBy({ userId: owner.id });
    const byId = new Map(rows.map((row) => [row.id, row]));
    expect(ids.map((id) => byId.get(id)!.usageCount)).toEqual(ids.map((_, i) => (i % 3) + 1 + (i === 0 ? 1 : 0)));
    const latest = byId.get(ids[0])!.lastUsedAt!.getTime();
    expect(latest).toBeGreaterThan(byId.get(ids[ids.length - 1])!.lastUsedAt!.getTime());
    const user = await dataSource.getRepository(UserEntity).findOneByOrFail({ id: owner.id });
    expect(user.lastLoginAt!.getTime()).toBe(latest);
  });
});
