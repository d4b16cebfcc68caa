import { ADMIN_TOKEN, createTestContext, type TestContext } from '../../support/factories';

describe('search', () => {
  let ctx: TestContext;
  const admin = { token: ADMIN_TOKEN };
  let u1: string;
  let u2: string;
  let project: number;
  let task: number;
  let client: number;
  let ownEntry: number;
  let otherEntry: number;
  let unicodeClient: number;
  let unicodeProject: number;
  let unicodeEntry: number;

  beforeAll(async () => {
    ctx = await createTestContext();
    client = (await ctx.t.post('/api/v1/clients', { name: 'Webbing Ltd', company: 'Website Builders Co' }, admin)).body
      .client.id;
    await ctx.t.post('/api/v1/clients', { name: 'Growth 5% Inc' }, admin);
    await ctx.t.post('/api/v1/clients', { name: 'Growth 50 Inc' }, admin);
    project = (
      await ctx.t.post(
        '/api/v1/projects',
        { name: 'Website Redesign', description: 'Complete website overhaul' },
        admin,
      )
    ).body.project.id;
    const old = (await ctx.t.post('/api/v1/projects', { name: 'Website Old' }, admin)).body.project.id;
    task = (
      await ctx.t.post(
        '/api/v1/tasks',
        { name: 'Update homepage', description: 'for the WEBSITE', project_id: project, status: 'in_progress' },
        admin,
      )
    ).body.task.id;
    await ctx.t.post('/api/v1/tasks', { name: 'Website task of an archived project', project_id: old }, admin);
    await ctx.t.delete(`/api/v1/projects/${old}`, admin);
    // Projects that are not active are left out, with their tasks, as the original does.
    for (const status of ['on_hold', 'inactive']) {
      const body = { name: `Website ${status} project`, description: 'website', status };
      const other = (await ctx.t.post('/api/v1/projects', body, admin)).body.project.id;
      await ctx.t.post('/api/v1/tasks', { name: `Website task of an ${status} project`, project_id: other }, admin);
    }
    unicodeClient = (await ctx.t.post('/api/v1/clients', { name: 'ÄÖ Bäckerei', company: 'ЖУРНАЛ Σ' }, admin)).body
      .client.id;
    unicodeProject = (await ctx.t.post('/api/v1/projects', { name: 'ÜBERSICHT Größe' }, admin)).body.project.id;
    const scopes = ['read:projects', 'write:time_entries'];
    u1 = (await ctx.newToken({ scopes })).token;
    u2 = (await ctx.newToken({ scopes })).token;
    ownEntry = (
      await ctx.t.post(
        '/api/v1/time-entries',
        {
          project_id: project,
          task_id: task,
          start_time: '2025-01-01T09:00:00Z',
          end_time: '2025-01-01T10:30:00Z',
          notes: 'website fixes',
          tags: 'web',
        },
        { token: u1 },
      )
    ).body.time_entry.id;
    otherEntry = (
      await ctx.t.post(
        '/api/v1/time-entries',
        {
          project_id: project,
          start_time: '2025-01-01T09:00:00Z',
          end_time: '2025-01-01T10:00:00Z',
          notes: 'secret website work',
        },
        { token: u2 },
      )
    ).body.time_entry.id;
    unicodeEntry = (
      await ctx.t.post(
        '/api/v1/time-entries',
        {
          project_id: unicodeProject,
          start_time: '2025-01-03T09:00:00Z',
          end_time: '2025-01-03T10:00:00Z',
          notes: 'ÄRGER mit der ÖLHEIZUNG',
        },
        { token: u1 },
      )
    ).body.time_entry.id;
    await ctx.t.post(
      '/api/v1/time-entries',
      { project_id: project, start_time: '2025-01-02T09:00:00Z', notes: 'running website timer' },
      { token: u1 },
    );
  });

  afterAll(async () => {
    await ctx.close();
  });

  const search = (token: string, query: Record<string, string | number>) =>
    ctx.t.get('/api/v1/search', { token, query });

  it('should find every type, in the documented shape, case-insensitively', async () => {
    const res = await search(u1, { q: '  WEBSITE ' });
    expect(res.status).toBe(200);
    expect(res.body.query).toBe('WEBSITE');
    expect(res.body.results).toEqual([
      {
        type: 'project',
        category: 'project',
        id: project,
        title: 'Website Redesign',
        description: 'Complete website overhaul',
        url: `/projects/${project}`,
        badge: 'Project',
      },
      {
        type: 'task',
        category: 'task',
        id: task,
        title: 'Update homepage',
        description: 'Website Redesign',
        url: `/tasks/${task}`,
        badge: 'In Progress',
      },
      {
        type: 'client',
        category: 'client',
        id: client,
        title: 'Webbing Ltd',
        description: 'Website Builders Co',
        url: `/clients/${client}`,
        badge: 'Client',
      },
      {
        type: 'entry',
        category: 'entry',
        id: ownEntry,
        title: 'Website Redesign • Update homepage',
        description: 'website fixes [web]',
        url: `/time-entries/${ownEntry}`,
        badge: '01:30:00',
      },
    ]);
    expect(res.body.count).toBe(4);
  });

  it("should show admins everyone's entries and users only their own", async () => {
    const asAdmin = await search(ADMIN_TOKEN, { q: 'website', types: 'entry' });
    expect(asAdmin.body.results.map((r: { id: number }) => r.id).sort()).toEqual([ownEntry, otherEntry].sort());
    const asOther = await search(u2, { q: 'website', types: 'entry' });
    expect(asOther.body.results.map((r: { id: number }) => r.id)).toEqual([otherEntry]);
  });

  it('should filter by types and bound each type by limit', async () => {
    const res = await search(u1, { q: 'web', types: 'project,TASK' });
    expect([...new Set(res.body.results.map((r: { type: string }) => r.type))]).toEqual(['project', 'task']);
    const limited = await search(ADMIN_TOKEN, { q: 'growth', limit: 1 });
    expect(limited.body.results).toHaveLength(1);
    expect((await search(ADMIN_TOKEN, { q: 'growth', limit: 500 })).body.count).toBe(2);
    const bad = await search(u1, { q: 'web', types: 'project,people' });
    expect(bad.status).toBe(400);
    expect(Object.keys(bad.body.errors)).toEqual(['types']);
  });

  it('should find active projects only, and tasks of active projects only', async () => {
    const res = await search(ADMIN_TOKEN, { q: 'website', types: 'project,task' });
    expect(res.body.results.map((r: { type: string; id: number }) => [r.type, r.id])).toEqual([
      ['project', project],
      ['task', task],
    ]);
  });

  it('should match case-insensitively beyond ASCII', async () => {
    const ids = async (q: string, types: string) =>
      (await search(u1, { q, types })).body.results.map((r: { id: number }) => r.id);
    for (const q of ['äö', 'ÄÖ', 'Äö', 'bäckerei', 'BÄCKEREI', 'журнал', 'л σ']) {
      expect([q, await ids(q, 'client')]).toEqual([q, [unicodeClient]]);
    }
    expect(await ids('übersicht größe', 'project')).toEqual([unicodeProject]);
    expect(await ids('ärger mit der ölheizung', 'entry')).toEqual([unicodeEntry]);
    // Escaping still holds for non-ASCII text: the % is literal.
    expect(await ids('äö%', 'client')).toEqual([]);
  });

  it('should treat % and _ literally', async () => {
    const pct = await search(ADMIN_TOKEN, { q: '5%', types: 'client' });
    expect(pct.body.results.map((r: { title: string }) => r.title)).toEqual(['Growth 5% Inc']);
    expect((await search(ADMIN_TOKEN, { q: 'h_5', types: 'client' })).body.count).toBe(0);
  });

  it('should refuse short or missing queries with 400', async () => {
    const queries: Array<Record<string, string>> = [{ q: 'a' }, { q: '  b  ' }, {}];
    for (const query of queries) {
      const res = await search(u1, query);
      expect(res.status).toBe(400);
      expect(res.body.error_code).toBe('validation_error');
      expect(Object.keys(res.body.errors)).toEqual(['q']);
    }
  });

  it('should require read:projects', async () => {
    const other = await ctx.newToken({ scopes: ['read:tasks', 'read:clients', 'read:time_entries'] });
    const res = await search(other.token, { q: 'website' });
    expect(res.status).toBe(403);
    expect(res.body.required_scope).toBe('read:projects');
  });
});
