import { ADMIN_TOKEN, createTestContext, type TestContext } from '../../support/factories';

describe('clients', () => {
  let ctx: TestContext;
  const auth = { token: ADMIN_TOKEN };

  beforeAll(async () => {
    ctx = await createTestContext();
  });

  afterAll(async () => {
    await ctx.close();
  });

  const create = (body: Record<string, unknown>) => ctx.t.post('/api/v1/clients', body, auth);

  it("should create a client from REST_API.md's example body", async () => {
    const res = await create({
      name: 'Acme Corp',
      email: 'contact@acme.com',
      company: 'Acme Corporation',
      phone: '+1-555-0123',
    });
    expect(res.status).toBe(201);
    expect(res.body.message).toBe('Client created successfully');
    expect(res.body.client).toMatchObject({
      name: 'Acme Corp',
      email: 'contact@acme.com',
      company: 'Acme Corporation',
      phone: '+1-555-0123',
      address: null,
      contact_person: null,
      description: null,
      default_hourly_rate: null,
      status: 'active',
      total_projects: 0,
      active_projects: 0,
    });
    expect(res.body.client.created_at).toMatch(/Z$/);
    const got = await ctx.t.get(`/api/v1/clients/${res.body.client.id}`, auth);
    expect(got.body.client).toEqual(res.body.client);
  });

  it('should refuse a duplicate name with 409, on create and on update', async () => {
    await create({ name: 'Dup Co' });
    const dup = await create({ name: 'Dup Co' });
    expect(dup.status).toBe(409);
    expect(dup.body.error_code).toBe('conflict');
    const other = await create({ name: 'Other Co' });
    const clash = await ctx.t.put(`/api/v1/clients/${other.body.client.id}`, { name: 'Dup Co' }, auth);
    expect(clash.status).toBe(409);
    const same = await ctx.t.put(`/api/v1/clients/${other.body.client.id}`, { name: 'Other Co' }, auth);
    expect(same.status).toBe(200);
  });

  it('should name every invalid field', async () => {
    const res = await create({
      email: 'not-an-email',
      default_hourly_rate: -1,
      status: 'gone',
      phone: 7,
      company: '',
      total_projects: 4,
    });
    expect(res.status).toBe(400);
    expect(res.body.error_code).toBe('validation_error');
    expect(Object.keys(res.body.errors).sort()).toEqual([
      'company',
      'default_hourly_rate',
      'email',
      'name',
      'phone',
      'status',
      'total_projects',
    ]);
    expect(res.body.errors.total_projects).toEqual(['Unknown field.']);
    for (const rate of [12.345, '85.00', Number.MAX_VALUE]) {
      const bad = await create({ name: `Rate ${String(rate)}`, default_hourly_rate: rate });
      expect(bad.status).toBe(400);
      expect(Object.keys(bad.body.errors)).toEqual(['default_hourly_rate']);
    }
  });

  it('should update partially with PUT and PATCH, null clearing optional fields', async () => {
    const { body } = await create({ name: 'Partial Ltd', email: 'a@partial.test', default_hourly_rate: 80 });
    const id = body.client.id as number;
    const put = await ctx.t.put(`/api/v1/clients/${id}`, { phone: '123', default_hourly_rate: 95.5 }, auth);
    expect(put.status).toBe(200);
    expect(put.body.client).toMatchObject({
      name: 'Partial Ltd',
      email: 'a@partial.test',
      phone: '123',
      default_hourly_rate: 95.5,
    });
    const patch = await ctx.t.patch(`/api/v1/clients/${id}`, { email: null, contact_person: 'Jo' }, auth);
    expect(patch.body.client).toMatchObject({ email: null, contact_person: 'Jo', phone: '123' });
    const nullName = await ctx.t.patch(`/api/v1/clients/${id}`, { name: null }, auth);
    expect(nullName.status).toBe(400);
    expect(Object.keys(nullName.body.errors)).toEqual(['name']);
  });

  it('should deactivate on DELETE, repeatably, and 404 on missing ids', async () => {
    const { body } = await create({ name: 'Leaving Inc' });
    const id = body.client.id as number;
    for (let i = 0; i < 2; i++) {
      const res = await ctx.t.delete(`/api/v1/clients/${id}`, auth);
      expect(res.status).toBe(200);
      expect(res.body.client.status).toBe('inactive');
    }
    expect((await ctx.t.get(`/api/v1/clients/${id}`, auth)).body.client.status).toBe('inactive');
    for (const [method, path] of [
      ['GET', '/api/v1/clients/999999'],
      ['PUT', '/api/v1/clients/999999'],
      ['PATCH', '/api/v1/clients/999999'],
      ['DELETE', '/api/v1/clients/999999'],
      ['GET', '/api/v1/clients/abc'],
      ['GET', '/api/v1/clients/0'],
    ] as const) {
      const res = await ctx.t.request(method, path, {
        ...auth,
        body: method === 'GET' || method === 'DELETE' ? undefined : { phone: '1' },
      });
      expect([method, path, res.status, res.body.error_code]).toEqual([method, path, 404, 'not_found']);
    }
  });

  it('should list with status and q filters, pagination, and project counts from SQL', async () => {
    const a = await create({ name: 'Zeta 100% Co', company: 'Zeta Holdings' });
    await create({ name: 'Zeta100 Co' });
    const inactive = await create({ name: 'Zeta Sleepy', status: 'inactive' });
    const clientId = a.body.client.id as number;
    for (const [name, status] of [
      ['Zeta A', 'active'],
      ['Zeta B', 'active'],
      ['Zeta C', 'on_hold'],
      ['Zeta D', 'archived'],
    ]) {
      expect((await ctx.t.post('/api/v1/projects', { name, client_id: clientId, status }, auth)).status).toBe(201);
    }
    const literal = await ctx.t.get('/api/v1/clients', { ...auth, query: { q: '100%' } });
    expect(literal.body.clients.map((c: { name: string }) => c.name)).toEqual(['Zeta 100% Co']);
    expect(literal.body.clients[0]).toMatchObject({ total_projects: 4, active_projects: 2 });
    const byCompany = await ctx.t.get('/api/v1/clients', { ...auth, query: { q: 'HOLDINGS' } });
    expect(byCompany.body.clients.map((c: { id: number }) => c.id)).toEqual([clientId]);
    const inactives = await ctx.t.get('/api/v1/clients', { ...auth, query: { status: 'inactive', q: 'zeta' } });
    expect(inactives.body.clients.map((c: { id: number }) => c.id)).toEqual([inactive.body.client.id]);
    const page = await ctx.t.get('/api/v1/clients', { ...auth, query: { q: 'zeta', per_page: 2, page: 2 } });
    expect(page.body.clients).toHaveLength(1);
    expect(page.body.pagination).toMatchObject({
      page: 2,
      per_page: 2,
      total: 3,
      pages: 2,
      has_next: false,
      prev_page: 1,
    });
    const bad = await ctx.t.get('/api/v1/clients', { ...auth, query: { status: 'sleepy' } });
    expect(bad.status).toBe(400);
    expect(Object.keys(bad.body.errors)).toEqual(['status']);
  });

  it('should require read:clients to read and write:clients to write', async () => {
    const reader = await ctx.newToken({ scopes: ['read:clients'] });
    const writer = await ctx.newToken({ scopes: ['write:clients'] });
    expect((await ctx.t.get('/api/v1/clients', { token: reader.token })).status).toBe(200);
    const denied = await ctx.t.post('/api/v1/clients', { name: 'Nope' }, { token: reader.token });
    expect(denied.status).toBe(403);
    expect(denied.body.required_scope).toBe('write:clients');
    const blind = await ctx.t.get('/api/v1/clients', { token: writer.token });
    expect(blind.status).toBe(403);
    expect(blind.body.required_scope).toBe('read:clients');
    expect((await ctx.t.post('/api/v1/clients', { name: 'Writer Co' }, { token: writer.token })).status).toBe(201);
  });
});
