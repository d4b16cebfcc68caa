import { ADMIN_TOKEN, createTestContext, type TestContext } from '../../support/factories';

describe('projects', () => {
  let ctx: TestContext;
  const auth = { token: ADMIN_TOKEN };
  const clientIds: number[] = [];

  beforeAll(async () => {
    ctx = await createTestContext();
    for (let i = 1; i <= 5; i++) {
      clientIds.push((await ctx.t.post('/api/v1/clients', { name: `Client ${i}` }, auth)).body.client.id as number);
    }
  });

  afterAll(async () => {
    await ctx.close();
  });

  const create = (body: Record<string, unknown>) => ctx.t.post('/api/v1/projects', body, auth);

  it("should create a project from REST_API.md's example body verbatim", async () => {
    expect(clientIds).toContain(5);
    const res = await ctx.t.request('POST', '/api/v1/projects', {
      ...auth,
      headers: { 'content-type': 'application/json' },
      rawBody: `{
  "name": "New Project",
  "description": "Project description",
  "client_id": 5,
  "hourly_rate": 75.00,
  "estimated_hours": 100,
  "status": "active"
}`,
    });
    expect(res.status).toBe(201);
    expect(res.body.message).toBe('Project created successfully');
    expect(res.body.project).toMatchObject({
      name: 'New Project',
      description: 'Project description',
      client_id: 5,
      client: 'Client 5',
      code: null,
      billable: true,
      hourly_rate: 75,
      estimated_hours: 100,
      budget_amount: null,
      color: null,
      status: 'active',
      archived_at: null,
      total_hours: 0,
      total_billable_hours: 0,
    });
    const got = await ctx.t.get(`/api/v1/projects/${res.body.project.id}`, auth);
    expect(got.body.project).toEqual(res.body.project);
  });

  it('should make client_id optional but require it to exist', async () => {
    const alone = await create({ name: 'No Client' });
    expect(alone.status).toBe(201);
    expect(alone.body.project).toMatchObject({ client_id: null, client: null });
    const missing = await create({ name: 'Ghost Client', client_id: 424242 });
    expect(missing.status).toBe(404);
    expect(missing.body.error_code).toBe('not_found');
    expect(missing.body.message).toMatch(/Client 424242/);
  });

  it('should upper-case codes and refuse a taken code with 409', async () => {
    const first = await create({ name: 'Coded', code: ' web-1 ' });
    expect(first.body.project.code).toBe('WEB-1');
    const dup = await create({ name: 'Coded again', code: 'Web-1' });
    expect(dup.status).toBe(409);
    expect(dup.body.error_code).toBe('conflict');
    const other = await create({ name: 'Other code', code: 'APP' });
    expect((await ctx.t.put(`/api/v1/projects/${other.body.project.id}`, { code: 'web-1' }, auth)).status).toBe(409);
    expect((await ctx.t.put(`/api/v1/projects/${first.body.project.id}`, { code: 'WEB-1' }, auth)).status).toBe(200);
  });

  it('should name every invalid field, on create and on PUT', async () => {
    const res = await create({
      name: '',
      client_id: 'five',
      hourly_rate: 'lots',
      estimated_hours: -2,
      color: 'blue',
      status: 'done',
      billable: 'yes',
      code: 'has space',
      total_hours: 3,
    });
    expect(res.status).toBe(400);
    expect(Object.keys(res.body.errors).sort()).toEqual([
      'billable',
      'client_id',
      'code',
      'color',
      'estimated_hours',
      'hourly_rate',
      'name',
      'status',
      'total_hours',
    ]);
    const { body } = await create({ name: 'Valid' });
    const put = await ctx.t.put(`/api/v1/projects/${body.project.id}`, { status: 'paused', hourly_rate: '10' }, auth);
    expect(put.status).toBe(400);
    expect(Object.keys(put.body.errors).sort()).toEqual(['hourly_rate', 'status']);
    const nulls = await ctx.t.patch(`/api/v1/projects/${body.project.id}`, { name: null, billable: null }, auth);
    expect(Object.keys(nulls.body.errors).sort()).toEqual(['billable', 'name']);
  });

  it('should refuse amounts in exponent notation below a cent as a validation error, not a 500', async () => {
    const tiny = { name: 'Tiny', budget_amount: 1e-300, hourly_rate: 5e-324, estimated_hours: 1.5e-7 };
    const res = await create(tiny);
    expect(res.status).toBe(400);
    expect(res.body.error_code).toBe('validation_error');
    expect(Object.keys(res.body.errors).sort()).toEqual(['budget_amount', 'estimated_hours', 'hourly_rate']);
    expect(res.body.errors.budget_amount).toEqual(['budget_amount must be a number with at most 2 decimals']);
    const { body } = await create({ name: 'Priced', hourly_rate: 80.5 });
    const put = await ctx.t.put(`/api/v1/projects/${body.project.id}`, { ...tiny, name: 'Priced' }, auth);
    expect(put.status).toBe(400);
    expect(Object.keys(put.body.errors).sort()).toEqual(['budget_amount', 'estimated_hours', 'hourly_rate']);
    expect((await ctx.t.get(`/api/v1/projects/${body.project.id}`, auth)).body.project.hourly_rate).toBe(80.5);
  });

  it('should update partially and keep archived_at consistent with the status', async () => {
    const { body } = await create({ name: 'Evolving', hourly_rate: 100, color: '#aabbcc' });
    const id = body.project.id as number;
    const put = await ctx.t.put(`/api/v1/projects/${id}`, { name: 'Updated Project', hourly_rate: 150.0 }, auth);
    expect(put.status).toBe(200);
    expect(put.body.message).toBe('Project updated successfully');
    expect(put.body.project).toMatchObject({ name: 'Updated Project', hourly_rate: 150, color: '#aabbcc' });
    const archived = await ctx.t.patch(`/api/v1/projects/${id}`, { status: 'archived' }, auth);
    expect(archived.body.project.archived_at).toMatch(/Z$/);
    const revived = await ctx.t.patch(`/api/v1/projects/${id}`, { status: 'on_hold', client_id: clientIds[0] }, auth);
    expect(revived.body.project).toMatchObject({ status: 'on_hold', archived_at: null, client: 'Client 1' });
    const unlinked = await ctx.t.patch(`/api/v1/projects/${id}`, { client_id: null, color: null }, auth);
    expect(unlinked.body.project).toMatchObject({ client_id: null, client: null, color: null });
  });

  it('should archive on DELETE, repeatably, and still return archived projects by id', async () => {
    const { body } = await create({ name: 'Finished' });
    const id = body.project.id as number;
    const first = await ctx.t.delete(`/api/v1/projects/${id}`, auth);
    expect(first.status).toBe(200);
    expect(first.body.message).toBe('Project archived successfully');
    expect(first.body.project).toMatchObject({ status: 'archived' });
    const second = await ctx.t.delete(`/api/v1/projects/${id}`, auth);
    expect(second.status).toBe(200);
    expect(second.body.project.status).toBe('archived');
    expect((await ctx.t.get(`/api/v1/projects/${id}`, auth)).body.project.status).toBe('archived');
    for (const method of ['GET', 'PUT', 'PATCH', 'DELETE'] as const) {
      const res = await ctx.t.request(method, '/api/v1/projects/999999', {
        ...auth,
        body: method === 'PUT' || method === 'PATCH' ? { name: 'x' } : undefined,
      });
      expect([method, res.status]).toEqual([method, 404]);
    }
  });

  it('should hide archived projects by default and filter by status, client and name', async () => {
    const clientId = clientIds[1];
    const names = ['Filter active', 'Filter inactive', 'Filter on hold', 'Filter archived'];
    const statuses = ['active', 'inactive', 'on_hold', 'archived'];
    for (let i = 0; i < 4; i++) await create({ name: names[i], status: statuses[i], client_id: clientId });
    await create({ name: 'Filter elsewhere', client_id: clientIds[2] });
    const list = (query: Record<string, string | number>) =>
      ctx.t
        .get('/api/v1/projects', { ...auth, query })
        .then((r) => r.body.projects.map((p: { name: string }) => p.name));
    expect(await list({ client_id: clientId })).toEqual(['Filter active', 'Filter inactive', 'Filter on hold']);
    expect(await list({ client_id: clientId, status: 'all' })).toEqual([
      'Filter active',
      'Filter archived',
      'Filter inactive',
      'Filter on hold',
    ]);
    expect(await list({ client_id: clientId, status: 'archived' })).toEqual(['Filter archived']);
    expect(await list({ q: 'FILTER', status: 'active' })).toEqual(['Filter active', 'Filter elsewhere']);
    const bad = await ctx.t.get('/api/v1/projects', { ...auth, query: { status: 'old', client_id: 'x' } });
    expect(bad.status).toBe(400);
    expect(Object.keys(bad.body.errors).sort()).toEqual(['client_id', 'status']);
  });

  it('should paginate with stable order', async () => {
    for (let i = 0; i < 5; i++) await create({ name: `Paged ${i}` });
    const seen: string[] = [];
    for (let page = 1; page <= 3; page++) {
      const res = await ctx.t.get('/api/v1/projects', { ...auth, query: { q: 'paged', per_page: 2, page } });
      seen.push(...res.body.projects.map((p: { name: string }) => p.name));
      expect(res.body.pagination).toMatchObject({ page, total: 5, pages: 3, has_next: page < 3, has_prev: page > 1 });
    }
    expect(seen).toEqual(['Paged 0', 'Paged 1', 'Paged 2', 'Paged 3', 'Paged 4']);
  });

  it('should require read:projects to read and write:projects to write', async () => {
    const reader = await ctx.newToken({ scopes: ['read:projects'] });
    const denied = await ctx.t.post('/api/v1/projects', { name: 'Nope' }, { token: reader.token });
    expect(denied.status).toBe(403);
    expect(denied.body.required_scope).toBe('write:projects');
    expect((await ctx.t.delete('/api/v1/projects/1', { token: reader.token })).status).toBe(403);
    const clientsOnly = await ctx.newToken({ scopes: ['read:clients', 'write:clients'] });
    expect((await ctx.t.get('/api/v1/projects', { token: clientsOnly.token })).status).toBe(403);
  });
});
