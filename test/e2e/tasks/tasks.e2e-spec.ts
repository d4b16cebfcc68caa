import { ADMIN_TOKEN, createTestContext, type TestContext } from '../../support/factories';

describe('tasks', () => {
  let ctx: TestContext;
  const auth = { token: ADMIN_TOKEN };
  let projectId: number;
  let otherProjectId: number;

  beforeAll(async () => {
    ctx = await createTestContext();
    projectId = (await ctx.t.post('/api/v1/projects', { name: 'Task home' }, auth)).body.project.id as number;
    otherProjectId = (await ctx.t.post('/api/v1/projects', { name: 'Elsewhere' }, auth)).body.project.id as number;
  });

  afterAll(async () => {
    await ctx.close();
  });

  const create = (body: Record<string, unknown>) =>
    ctx.t.post('/api/v1/tasks', { project_id: projectId, ...body }, auth);

  it("should create a task from REST_API.md's example body verbatim (priority 1 is low)", async () => {
    expect(projectId).toBe(1);
    const res = await ctx.t.request('POST', '/api/v1/tasks', {
      ...auth,
      headers: { 'content-type': 'application/json' },
      rawBody: `{
  "name": "Implement login feature",
  "description": "Add user authentication",
  "project_id": 1,
  "status": "todo",
  "priority": 1
}`,
    });
    expect(res.status).toBe(201);
    expect(res.body.message).toBe('Task created successfully');
    expect(res.body.task).toMatchObject({
      name: 'Implement login feature',
      description: 'Add user authentication',
      project_id: 1,
      project: 'Task home',
      status: 'todo',
      priority: 'low',
      assigned_to: null,
      due_date: null,
      estimated_hours: null,
      total_hours: 0,
      completed_at: null,
    });
    expect((await ctx.t.get(`/api/v1/tasks/${res.body.task.id}`, auth)).body.task).toEqual(res.body.task);
  });

  it('should accept 1-4 as priority aliases and default to medium', async () => {
    const priorities = [];
    for (const priority of [2, 3, 4, 'urgent', undefined]) {
      priorities.push((await create({ name: `Prio ${String(priority)}`, priority })).body.task.priority);
    }
    expect(priorities).toEqual(['medium', 'high', 'urgent', 'urgent', 'medium']);
  });

  it('should name every invalid field', async () => {
    const res = await ctx.t.post(
      '/api/v1/tasks',
      {
        name: ' ',
        status: 'doing',
        priority: 5,
        due_date: '2024-02-30',
        estimated_hours: 'x',
        assigned_to: 0,
        project: 'x',
      },
      auth,
    );
    expect(res.status).toBe(400);
    expect(Object.keys(res.body.errors).sort()).toEqual([
      'assigned_to',
      'due_date',
      'estimated_hours',
      'name',
      'priority',
      'project',
      'project_id',
      'status',
    ]);
    expect(res.body.errors.project).toEqual(['Unknown field.']);
    const word = await create({ name: 'Bad prio', priority: 'huge' });
    expect(Object.keys(word.body.errors)).toEqual(['priority']);
  });

  it('should answer 404 for a missing project or assignee', async () => {
    const project = await ctx.t.post('/api/v1/tasks', { name: 'Orphan', project_id: 9999 }, auth);
    expect(project.status).toBe(404);
    expect(project.body.message).toMatch(/Project 9999/);
    const user = await create({ name: 'Nobody', assigned_to: 9999 });
    expect(user.status).toBe(404);
    expect(user.body.message).toMatch(/User 9999/);
  });

  it('should set completed_at on done and clear it when leaving done', async () => {
    const { body } = await create({ name: 'Finish me' });
    const id = body.task.id as number;
    const done = await ctx.t.put(`/api/v1/tasks/${id}`, { status: 'done' }, auth);
    expect(done.status).toBe(200);
    expect(done.body.task.completed_at).toMatch(/Z$/);
    const renamed = await ctx.t.patch(`/api/v1/tasks/${id}`, { name: 'Finished' }, auth);
    expect(renamed.body.task.completed_at).toBe(done.body.task.completed_at);
    const reopened = await ctx.t.patch(`/api/v1/tasks/${id}`, { status: 'review' }, auth);
    expect(reopened.body.task).toMatchObject({ status: 'review', completed_at: null });
  });

  it('should update partially, move between projects and (un)assign', async () => {
    const user = await ctx.newUser();
    const { body } = await create({ name: 'Movable', due_date: '2026-12-31', estimated_hours: 3.5 });
    const id = body.task.id as number;
    const moved = await ctx.t.put(
      `/api/v1/tasks/${id}`,
      { project_id: otherProjectId, assigned_to: user.id, priority: 3 },
      auth,
    );
    expect(moved.body.task).toMatchObject({
      project_id: otherProjectId,
      project: 'Elsewhere',
      assigned_to: user.id,
      priority: 'high',
      due_date: '2026-12-31',
      estimated_hours: 3.5,
    });
    const cleared = await ctx.t.patch(`/api/v1/tasks/${id}`, { assigned_to: null, due_date: null }, auth);
    expect(cleared.body.task).toMatchObject({ assigned_to: null, due_date: null });
    const nulls = await ctx.t.patch(`/api/v1/tasks/${id}`, { project_id: null, status: null }, auth);
    expect(Object.keys(nulls.body.errors).sort()).toEqual(['project_id', 'status']);
  });

  it('should delete, then 404', async () => {
    const { body } = await create({ name: 'Short-lived' });
    const id = body.task.id as number;
    const res = await ctx.t.delete(`/api/v1/tasks/${id}`, auth);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ message: 'Task deleted successfully' });
    for (const method of ['GET', 'PUT', 'PATCH', 'DELETE'] as const) {
      const again = await ctx.t.request(method, `/api/v1/tasks/${id}`, {
        ...auth,
        body: method === 'PUT' || method === 'PATCH' ? { name: 'x' } : undefined,
      });
      expect([method, again.status, again.body.error_code]).toEqual([method, 404, 'not_found']);
    }
  });

  it('should filter by project, status, assignee and name, ordered by priority, due date, id', async () => {
    const user = await ctx.newUser();
    const home = (await ctx.t.post('/api/v1/projects', { name: 'Ordered' }, auth)).body.project.id as number;
    const add = (name: string, extra: Record<string, unknown>) =>
      ctx.t.post('/api/v1/tasks', { name, project_id: home, ...extra }, auth).then((r) => r.body.task.id as number);
    const a = await add('o-low', { priority: 'low', due_date: '2026-01-01' });
    const b = await add('o-urgent-late', { priority: 'urgent', due_date: '2026-06-01' });
    const c = await add('o-urgent-none', { priority: 'urgent' });
    const d = await add('o-urgent-early', { priority: 'urgent', due_date: '2026-02-01', assigned_to: user.id });
    const e = await add('o-high-done', { priority: 'high', status: 'done' });
    const ids = (query: Record<string, string | number>) =>
      ctx.t
        .get('/api/v1/tasks', { ...auth, query: { project_id: home, ...query } })
        .then((r) => r.body.tasks.map((t: { id: number }) => t.id));
    expect(await ids({})).toEqual([d, b, c, e, a]);
    expect(await ids({ status: 'done' })).toEqual([e]);
    expect(await ids({ assigned_to: user.id })).toEqual([d]);
    expect(await ids({ q: 'URGENT-' })).toEqual([d, b, c]);
    const page = await ctx.t.get('/api/v1/tasks', { ...auth, query: { project_id: home, per_page: 2, page: 3 } });
    expect(page.body.tasks.map((t: { id: number }) => t.id)).toEqual([a]);
    expect(page.body.pagination).toMatchObject({ total: 5, pages: 3, has_next: false, next_page: null });
    const bad = await ctx.t.get('/api/v1/tasks', { ...auth, query: { status: 'later', assigned_to: 'me' } });
    expect(Object.keys(bad.body.errors).sort()).toEqual(['assigned_to', 'status']);
  });

  it('should require read:tasks to read and write:tasks to write', async () => {
    const reader = await ctx.newToken({ scopes: ['read:tasks'] });
    expect((await ctx.t.get('/api/v1/tasks', { token: reader.token })).status).toBe(200);
    const denied = await ctx.t.post('/api/v1/tasks', { name: 'x', project_id: projectId }, { token: reader.token });
    expect(denied.status).toBe(403);
    expect(denied.body.required_scope).toBe('write:tasks');
    const projectsOnly = await ctx.newToken({ scopes: ['read:projects', 'write:projects'] });
    expect((await ctx.t.get('/api/v1/tasks/1', { token: projectsOnly.token })).status).toBe(403);
  });
});
