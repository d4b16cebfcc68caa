import { ADMIN_TOKEN, createTestContext, type TestContext } from '../../support/factories';

describe('users', () => {
  let ctx: TestContext;

  beforeAll(async () => {
    ctx = await createTestContext();
  });

  afterAll(async () => {
    await ctx.close();
  });

  it('should have bootstrapped the admin user owning BOOTSTRAP_ADMIN_TOKEN', async () => {
    const res = await ctx.t.get('/api/v1/users/me', { token: ADMIN_TOKEN });
    expect(res.status).toBe(200);
    expect(res.body.user).toMatchObject({
      id: 1,
      username: 'admin',
      role: 'admin',
      is_active: true,
      display_name: 'admin',
    });
  });

  it('should create a user with a lower-cased username, 409 on a duplicate', async () => {
    const res = await ctx.t.post(
      '/api/v1/users',
      { username: 'Carol.D', email: 'carol@example.com', full_name: 'Carol D', timezone: 'Europe/Berlin' },
      { token: ADMIN_TOKEN },
    );
    expect(res.status).toBe(201);
    expect(res.body.message).toBe('User created successfully');
    expect(res.body.user).toMatchObject({
      username: 'carol.d',
      email: 'carol@example.com',
      full_name: 'Carol D',
      display_name: 'Carol D',
      role: 'user',
      timezone: 'Europe/Berlin',
      last_login_at: null,
      total_hours: 0,
    });
    expect(res.body.user.created_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    const dup = await ctx.t.post('/api/v1/users', { username: 'CAROL.D' }, { token: ADMIN_TOKEN });
    expect(dup.status).toBe(409);
    expect(dup.body.error_code).toBe('conflict');
  });

  it('should validate user fields', async () => {
    const res = await ctx.t.post(
      '/api/v1/users',
      { username: 'a b', email: 'nope', role: 'root', timezone: 'Mars/Base', id: 7 },
      { token: ADMIN_TOKEN },
    );
    expect(res.status).toBe(400);
    expect(res.body.error_code).toBe('validation_error');
    expect(Object.keys(res.body.errors).sort()).toEqual(['email', 'id', 'role', 'timezone', 'username']);
    expect(res.body.errors.id).toEqual(['Unknown field.']);
    const missing = await ctx.t.post('/api/v1/users', undefined, { token: ADMIN_TOKEN });
    expect(missing.status).toBe(400);
    expect(missing.body.errors.username).toBeDefined();
  });

  it('should get, patch and 404 users by id', async () => {
    const user = await ctx.newUser();
    const got = await ctx.t.get(`/api/v1/users/${user.id}`, { token: ADMIN_TOKEN });
    expect(got.body.user.username).toBe(user.username);
    const patched = await ctx.t.patch(
      `/api/v1/users/${user.id}`,
      { full_name: 'New Name', role: 'admin' },
      { token: ADMIN_TOKEN },
    );
    expect(patched.status).toBe(200);
    expect(patched.body.user).toMatchObject({ full_name: 'New Name', display_name: 'New Name', role: 'admin' });
    expect((await ctx.t.get('/api/v1/users/424242', { token: ADMIN_TOKEN })).status).toBe(404);
    expect((await ctx.t.patch('/api/v1/users/424242', { full_name: 'x' }, { token: ADMIN_TOKEN })).status).toBe(404);
    const rename = await ctx.t.patch(`/api/v1/users/${user.id}`, { username: 'hijack' }, { token: ADMIN_TOKEN });
    expect(rename.status).toBe(400);
  });

  it('should refuse null for fields that cannot be empty, and clear nullable ones', async () => {
    const user = await ctx.newUser({ email: 'n@example.com' });
    const res = await ctx.t.patch(
      `/api/v1/users/${user.id}`,
      { role: null, is_active: null, timezone: null },
      { token: ADMIN_TOKEN },
    );
    expect(res.status).toBe(400);
    expect(Object.keys(res.body.errors).sort()).toEqual(['is_active', 'role', 'timezone']);
    const cleared = await ctx.t.patch(`/api/v1/users/${user.id}`, { email: null }, { token: ADMIN_TOKEN });
    expect(cleared.status).toBe(200);
    expect(cleared.body.user.email).toBeNull();
  });

  it('should refuse to let an admin deactivate themselves', async () => {
    const res = await ctx.t.patch('/api/v1/users/1', { is_active: false }, { token: ADMIN_TOKEN });
    expect(res.status).toBe(400);
    expect(res.body.errors.is_active).toBeDefined();
  });

  it('should paginate the user list and validate page parameters', async () => {
    for (let i = 0; i < 3; i++) await ctx.newUser();
    const page = await ctx.t.get('/api/v1/users', { token: ADMIN_TOKEN, query: { per_page: 2, page: 2 } });
    expect(page.status).toBe(200);
    expect(page.body.users).toHaveLength(2);
    const total = page.body.pagination.total as number;
    expect(total).toBeGreaterThanOrEqual(5);
    expect(page.body.pagination).toEqual({
      page: 2,
      per_page: 2,
      total,
      pages: Math.ceil(total / 2),
      has_next: Math.ceil(total / 2) > 2,
      has_prev: true,
      next_page: Math.ceil(total / 2) > 2 ? 3 : null,
      prev_page: 1,
      next_cursor: Math.ceil(total / 2) > 2 ? expect.any(String) : null,
      total_is_estimate: false,
    });
    // The cursor of page 2 leads to page 3.
    const third = await ctx.t.get('/api/v1/users', { token: ADMIN_TOKEN, query: { per_page: 2, page: 3 } });
    const after = await ctx.t.get('/api/v1/users', {
      token: ADMIN_TOKEN,
      query: { per_page: 2, cursor: page.body.pagination.next_cursor },
    });
    expect(after.body).toEqual(third.body);
    const clamped = await ctx.t.get('/api/v1/users', { token: ADMIN_TOKEN, query: { per_page: 500 } });
    expect(clamped.body.pagination.per_page).toBe(100);
    const invalid: Array<Record<string, string | number>> = [
      { per_page: 0 },
      { per_page: 'ten' },
      { page: 1.5 },
      { page: -1 },
    ];
    for (const query of invalid) {
      const res = await ctx.t.get('/api/v1/users', { token: ADMIN_TOKEN, query });
      expect(res.status).toBe(400);
      expect(res.body.error_code).toBe('validation_error');
      expect(Object.keys(res.body.errors)).toEqual([Object.keys(query)[0]]);
    }
    const beyond = await ctx.t.get('/api/v1/users', { token: ADMIN_TOKEN, query: { page: 999 } });
    expect(beyond.body.users).toEqual([]);
    expect(beyond.body.pagination).toMatchObject({ page: 999, has_next: false, next_page: null, prev_page: 998 });
  });

  it('should filter users by role, activity and name with literal wildcards', async () => {
    await ctx.newUser({ username: 'percent_case' });
    await ctx.newUser({ username: 'percentxcase' });
    const res = await ctx.t.get('/api/v1/users', { token: ADMIN_TOKEN, query: { q: 'percent_' } });
    expect(res.body.users.map((u: { username: string }) => u.username)).toEqual(['percent_case']);
    const admins = await ctx.t.get('/api/v1/users', { token: ADMIN_TOKEN, query: { role: 'admin' } });
    expect(admins.body.users.every((u: { role: string }) => u.role === 'admin')).toBe(true);
    expect(admins.body.users.length).toBeGreaterThanOrEqual(1);
  });
});
