import { ADMIN_TOKEN, createTestContext, type TestContext, type TestUser } from '../../support/factories';

const SCOPES = ['read:time_entries', 'write:time_entries', 'read:users'];
/** The longest entry: 10 years of 365.25 days. */
const TEN_YEARS_S = 315_576_000;

describe('time entries', () => {
  let ctx: TestContext;
  const admin = { token: ADMIN_TOKEN };
  let alice: { token: string; user: TestUser };
  let bob: { token: string; user: TestUser };
  let projectId: number;
  let otherProjectId: number;
  let clientId: number;
  let otherTaskId: number;

  beforeAll(async () => {
    ctx = await createTestContext();
    clientId = (await ctx.t.post('/api/v1/clients', { name: 'Entry Client' }, admin)).body.client.id as number;
    projectId = (await ctx.t.post('/api/v1/projects', { name: 'Entry Project', client_id: clientId }, admin)).body
      .project.id as number;
    otherProjectId = (await ctx.t.post('/api/v1/projects', { name: 'Other Project' }, admin)).body.project.id as number;
    for (let i = 1; i <= 5; i++) await ctx.t.post('/api/v1/tasks', { name: `Task ${i}`, project_id: projectId }, admin);
    otherTaskId = (await ctx.t.post('/api/v1/tasks', { name: 'Foreign task', project_id: otherProjectId }, admin)).body
      .task.id as number;
    const a = await ctx.newToken({ scopes: SCOPES, user: await ctx.newUser({ username: 'alice' }) });
    const b = await ctx.newToken({ scopes: SCOPES, user: await ctx.newUser({ username: 'bob' }) });
    alice = { token: a.token, user: a.user };
    bob = { token: b.token, user: b.user };
  });

  afterAll(async () => {
    await ctx.close();
  });

  const create = (token: string, body: Record<string, unknown>) =>
    ctx.t.post('/api/v1/time-entries', { project_id: projectId, ...body }, { token });
  let day = 0;
  /** A fresh UTC day per test, so entries of different tests never overlap. */
  const nextDay = () => `2025-03-${String(++day).padStart(2, '0')}`;

  it("should create an entry from REST_API.md's example body verbatim", async () => {
    expect(projectId).toBe(1);
    const res = await ctx.t.request('POST', '/api/v1/time-entries', {
      token: alice.token,
      headers: { 'content-type': 'application/json' },
      rawBody: `{
  "project_id": 1,
  "task_id": 5,
  "start_time": "2024-01-15T09:00:00Z",
  "end_time": "2024-01-15T17:00:00Z",
  "notes": "Worked on feature X",
  "tags": "development,frontend",
  "billable": true
}`,
    });
    expect(res.status).toBe(201);
    expect(res.body.message).toBe('Time entry created successfully');
    expect(res.body.time_entry).toMatchObject({
      user_id: alice.user.id,
      user: 'alice',
      project_id: 1,
      project: 'Entry Project',
      client_id: clientId,
      client: 'Entry Client',
      task_id: 5,
      task: 'Task 5',
      start_time: '2024-01-15T09:00:00Z',
      end_time: '2024-01-15T17:00:00Z',
      duration_seconds: 28800,
      duration_hours: 8,
      duration_formatted: '08:00:00',
      notes: 'Worked on feature X',
      tags: 'development,frontend',
      tag_list: ['development', 'frontend'],
      source: 'manual',
      billable: true,
      paid: false,
      invoice_number: null,
      is_active: false,
    });
    const got = await ctx.t.get(`/api/v1/time-entries/${res.body.time_entry.id}`, { token: alice.token });
    expect(got.body.time_entry).toEqual(res.body.time_entry);
    expect(got.headers.get('etag')).toMatch(/^"[A-Za-z0-9_-]{27}"$/);
  });

  it('should list each entry exactly as it reads on its own (relations, times, flags, invoice)', async () => {
    const d = nextDay();
    const withEverything = await create(alice.token, {
      task_id: 3,
      start_time: `${d}T08:00:00Z`,
      end_time: `${d}T09:15:30Z`,
      notes: 'listed',
      tags: 'a, b',
      billable: false,
      paid: true,
      invoice_number: 'INV-7',
    });
    const clientOnly = await ctx.t.post(
      '/api/v1/time-entries',
      { client_id: clientId, start_time: `${d}T10:00:00Z`, end_time: `${d}T11:00:00Z` },
      { token: alice.token },
    );
    expect([withEverything.status, clientOnly.status]).toEqual([201, 201]);
    const listed = await ctx.t.get(`/api/v1/time-entries?start_date=${d}&end_date=${d}`, { token: alice.token });
    expect(listed.body.time_entries).toHaveLength(2);
    for (const entry of listed.body.time_entries as Array<{ id: number }>) {
      const single = await ctx.t.get(`/api/v1/time-entries/${entry.id}`, { token: alice.token });
      expect(entry).toEqual(single.body.time_entry);
    }
    expect(listed.body.time_entries[1]).toMatchObject({
      task: 'Task 3',
      client: 'Entry Client',
      billable: false,
      paid: true,
      invoice_number: 'INV-7',
      duration_seconds: 4530,
    });
    expect(listed.body.time_entries[0]).toMatchObject({ project_id: null, project: null, task: null });
  });

  it('should compute durations consistently and read offsets and naive times', async () => {
    const d = nextDay();
    const res = await create(alice.token, { start_time: `${d}T10:00:00+02:00`, end_time: `${d} 09:30:45` });
    expect(res.body.time_entry).toMatchObject({
      start_time: `${d}T08:00:00Z`,
      end_time: `${d}T09:30:45Z`,
      duration_seconds: 5445,
      duration_hours: 1.51,
      duration_formatted: '01:30:45',
    });
  });

  it('should refuse an entry longer than 10 years with 400 on end_time, on create and update', async () => {
    const { token } = await ctx.newToken({ scopes: SCOPES });
    const century = await create(token, { start_time: '2024-03-14T10:00:00Z', end_time: '2124-03-14T11:00:00Z' });
    expect([century.status, century.body.error_code]).toEqual([400, 'validation_error']);
    expect(Object.keys(century.body.errors)).toEqual(['end_time']);
    const tenYears = TEN_YEARS_S * 1000;
    const longest = await create(token, {
      start_time: '2024-03-14T10:00:00Z',
      end_time: new Date(Date.parse('2024-03-14T10:00:00Z') + tenYears).toISOString(),
    });
    expect(longest.status).toBe(201);
    expect(longest.body.time_entry.duration_seconds).toBe(TEN_YEARS_S);
    const oneMore = await create(token, {
      start_time: '2000-01-01T00:00:00Z',
      end_time: new Date(Date.parse('2000-01-01T00:00:00Z') + tenYears + 1000).toISOString(),
    });
    expect(Object.keys(oneMore.body.errors)).toEqual(['end_time']);

    const id = longest.body.time_entry.id as number;
    const put = await ctx.t.put(`/api/v1/time-entries/${id}`, { end_time: '2124-03-14T11:00:00Z' }, { token });
    expect([put.status, Object.keys(put.body.errors)]).toEqual([400, ['end_time']]);
    const patch = await ctx.t.patch(`/api/v1/time-entries/${id}`, { start_time: '1900-01-01T00:00:00Z' }, { token });
    expect([patch.status, Object.keys(patch.body.errors)]).toEqual([400, ['end_time']]);
    const unchanged = await ctx.t.get(`/api/v1/time-entries/${id}`, { token });
    expect(unchanged.body.time_entry).toMatchObject({
      start_time: '2024-03-14T10:00:00Z',
      duration_seconds: TEN_YEARS_S,
    });
  });

  it('should total 10-year entries past a 32-bit sum of seconds', async () => {
    const { token } = await ctx.newToken({ scopes: SCOPES });
    const project = (await ctx.t.post('/api/v1/projects', { name: 'Decades' }, admin)).body.project.id as number;
    // Seven decades: 2,209,032,000 s, more than a 32-bit integer holds.
    for (let i = 0; i < 7; i++) {
      const start = Date.UTC(1900 + 11 * i, 0, 1);
      const res = await create(token, {
        project_id: project,
        start_time: new Date(start).toISOString(),
        end_time: new Date(start + TEN_YEARS_S * 1000).toISOString(),
      });
      expect(res.status).toBe(201);
    }
    expect((await ctx.t.get(`/api/v1/projects/${project}`, admin)).body.project.total_hours).toBe(7 * 87_660);
    expect((await ctx.t.get('/api/v1/users/me', { token })).body.user.total_hours).toBe(7 * 87_660);
  });

  it('should store times from year 0100 to 9999 as given, and refuse others with 400', async () => {
    const { token } = await ctx.newToken({ scopes: SCOPES });
    const cases: Array<[string, string]> = [
      ['1900-01-01T00:00:00Z', '1900-01-01T01:00:00Z'],
      ['0100-01-01T00:00:00+01:00', '0100-01-01T01:00:00Z'],
      ['9999-12-31T22:00:00Z', '9999-12-31T23:59:59Z'],
    ];
    for (const [start_time, end_time] of cases) {
      const res = await create(token, { start_time, end_time });
      expect([start_time, res.status]).toEqual([start_time, 201]);
      const got = await ctx.t.get(`/api/v1/time-entries/${res.body.time_entry.id}`, { token });
      expect(got.body.time_entry.start_time).toBe(new Date(start_time).toISOString().replace('.000', ''));
      expect(got.body.time_entry.end_time).toBe(end_time);
    }
    const listed = await ctx.t.get('/api/v1/time-entries', { token });
    expect(listed.body.time_entries.map((e: { start_time: string }) => e.start_time)).toEqual([
      '9999-12-31T22:00:00Z',
      '1900-01-01T00:00:00Z',
      '0099-12-31T23:00:00Z',
    ]);
    const refused: Array<[Record<string, string>, string]> = [
      [{ start_time: '9999-12-31T23:00:00Z', end_time: '9999-12-31T23:30:00-14:00' }, 'end_time'],
      [{ start_time: '10000-01-01T00:00:00Z', end_time: '10000-01-01T01:00:00Z' }, 'start_time'],
      [{ start_time: '+010000-01-01T00:00:00Z', end_time: '2025-01-01T01:00:00Z' }, 'start_time'],
      [{ start_time: '0000-01-01T00:00:00Z', end_time: '0000-01-01T01:00:00Z' }, 'start_time'],
    ];
    for (const [body, field] of refused) {
      const res = await create(token, body);
      expect([body, res.status, Object.keys(res.body.errors ?? {})[0]]).toEqual([body, 400, field]);
    }
  });

  it('should name every invalid field', async () => {
    const res = await ctx.t.post(
      '/api/v1/time-entries',
      { start_time: '2025-01-01', end_time: 'soon', tags: ['a'], billable: 'yes', project_id: 'one', user: 'x' },
      { token: alice.token },
    );
    expect(res.status).toBe(400);
    expect(Object.keys(res.body.errors).sort()).toEqual([
      'billable',
      'end_time',
      'project_id',
      'start_time',
      'tags',
      'user',
    ]);
    const d = nextDay();
    const backwards = await create(alice.token, { start_time: `${d}T10:00:00Z`, end_time: `${d}T09:00:00Z` });
    expect(backwards.status).toBe(400);
    expect(Object.keys(backwards.body.errors)).toEqual(['end_time']);
    const equal = await create(alice.token, { start_time: `${d}T10:00:00Z`, end_time: `${d}T10:00:00Z` });
    expect(equal.status).toBe(400);
    const nothing = await ctx.t.post(
      '/api/v1/time-entries',
      { start_time: `${d}T10:00:00Z`, end_time: `${d}T11:00:00Z` },
      { token: alice.token },
    );
    expect(nothing.status).toBe(400);
    expect(Object.keys(nothing.body.errors).sort()).toEqual(['client_id', 'project_id']);
  });

  it('should check projects, clients and tasks', async () => {
    const d = nextDay();
    const slot = { start_time: `${d}T08:00:00Z`, end_time: `${d}T09:00:00Z` };
    expect((await create(alice.token, { ...slot, project_id: 9999 })).status).toBe(404);
    const foreign = await create(alice.token, { ...slot, task_id: otherTaskId });
    expect(foreign.status).toBe(400);
    expect(foreign.body.errors.task_id[0]).toMatch(/does not belong to project/);
    const taskless = await ctx.t.post(
      '/api/v1/time-entries',
      { ...slot, client_id: clientId, task_id: 1 },
      { token: alice.token },
    );
    expect(taskless.status).toBe(400);
    expect(Object.keys(taskless.body.errors)).toEqual(['task_id']);
    const clientOnly = await ctx.t.post(
      '/api/v1/time-entries',
      { ...slot, client_id: clientId },
      { token: alice.token },
    );
    expect(clientOnly.status).toBe(201);
    expect(clientOnly.body.time_entry).toMatchObject({ project_id: null, client_id: clientId, client: 'Entry Client' });
    expect((await ctx.t.post('/api/v1/time-entries', { ...slot, client_id: 9999 }, { token: bob.token })).status).toBe(
      404,
    );
  });

  it("should refuse a non-admin's overlapping completed entries but let admins through", async () => {
    const d = nextDay();
    expect((await create(alice.token, { start_time: `${d}T09:00:00Z`, end_time: `${d}T10:00:00Z` })).status).toBe(201);
    const overlap = await create(alice.token, { start_time: `${d}T09:30:00Z`, end_time: `${d}T10:30:00Z` });
    expect(overlap.status).toBe(409);
    expect(overlap.body.error_code).toBe('time_overlap');
    const inside = await create(alice.token, { start_time: `${d}T09:10:00Z`, end_time: `${d}T09:20:00Z` });
    expect(inside.body.error_code).toBe('time_overlap');
    expect((await create(alice.token, { start_time: `${d}T10:00:00Z`, end_time: `${d}T11:00:00Z` })).status).toBe(201);
    expect((await create(bob.token, { start_time: `${d}T09:30:00Z`, end_time: `${d}T10:30:00Z` })).status).toBe(201);
    const byAdmin = await create(ADMIN_TOKEN, {
      user_id: alice.user.id,
      start_time: `${d}T09:30:00Z`,
      end_time: `${d}T10:30:00Z`,
    });
    expect(byAdmin.status).toBe(201);
    expect(byAdmin.body.time_entry.user).toBe('alice');
  });

  it("should keep users out of each other's entries", async () => {
    const d = nextDay();
    const mine = await create(alice.token, {
      start_time: `${d}T08:00:00Z`,
      end_time: `${d}T09:00:00Z`,
      notes: 'private',
    });
    const id = mine.body.time_entry.id as number;
    expect((await ctx.t.get(`/api/v1/time-entries/${id}`, { token: bob.token })).status).toBe(404);
    expect((await ctx.t.patch(`/api/v1/time-entries/${id}`, { notes: 'hijack' }, { token: bob.token })).status).toBe(
      404,
    );
    expect((await ctx.t.delete(`/api/v1/time-entries/${id}`, { token: bob.token })).status).toBe(404);
    const spying = await ctx.t.get('/api/v1/time-entries', { token: bob.token, query: { user_id: alice.user.id } });
    expect(spying.status).toBe(403);
    expect(spying.body.error_code).toBe('forbidden');
    const bobs = await ctx.t.get('/api/v1/time-entries', { token: bob.token, query: { per_page: 100 } });
    expect(bobs.body.time_entries.every((e: { user_id: number }) => e.user_id === bob.user.id)).toBe(true);
    expect(JSON.stringify(bobs.body)).not.toContain('private');
    const forOther = await create(bob.token, {
      user_id: alice.user.id,
      start_time: `${d}T10:00:00Z`,
      end_time: `${d}T11:00:00Z`,
    });
    expect(forOther.status).toBe(403);
    const adminView = await ctx.t.get(`/api/v1/time-entries/${id}`, admin);
    expect(adminView.body.time_entry.notes).toBe('private');
    const adminList = await ctx.t.get('/api/v1/time-entries', {
      ...admin,
      query: { user_id: alice.user.id, per_page: 100 },
    });
    expect(adminList.body.time_entries.length).toBeGreaterThan(0);
    expect(adminList.body.time_entries.every((e: { user_id: number }) => e.user_id === alice.user.id)).toBe(true);
    const everyone = await ctx.t.get('/api/v1/time-entries', { ...admin, query: { per_page: 100 } });
    const owners = new Set(everyone.body.time_entries.map((e: { user_id: number }) => e.user_id));
    expect(owners.has(alice.user.id) && owners.has(bob.user.id)).toBe(true);
  });

  it('should filter by dates (date-only end covers the day), project, billable and activity', async () => {
    const carol = await ctx.newToken({ scopes: SCOPES });
    const entries = [
      ['2025-05-01T23:30:00Z', '2025-05-01T23:45:00Z', projectId, true],
      ['2025-05-02T00:00:00Z', '2025-05-02T01:00:00Z', projectId, false],
      ['2025-05-02T14:00:00Z', '2025-05-02T15:00:00Z', otherProjectId, true],
      ['2025-05-03T00:00:00Z', '2025-05-03T01:00:00Z', projectId, true],
    ] as const;
    const ids = [];
    for (const [start, end, project, billable] of entries) {
      ids.push(
        (await create(carol.token, { start_time: start, end_time: end, project_id: project, billable })).body.time_entry
          .id,
      );
    }
    const running = (await create(carol.token, { start_time: '2025-05-02T16:00:00Z' })).body.time_entry.id;
    const list = (query: Record<string, string | number | boolean>) =>
      ctx.t
        .get('/api/v1/time-entries', { token: carol.token, query })
        .then((r) => r.body.time_entries.map((e: { id: number }) => e.id));
    expect(await list({})).toEqual([ids[3], ids[2], ids[1], ids[0]]);
    expect(await list({ start_date: '2025-05-02', end_date: '2025-05-02' })).toEqual([ids[2], ids[1]]);
    expect(await list({ start_date: '2025-05-02', end_date: '2025-05-02', include_active: true })).toEqual([
      running,
      ids[2],
      ids[1],
    ]);
    expect(await list({ end_date: '2025-05-02T00:00:00Z' })).toEqual([ids[1], ids[0]]);
    // The last day there is: its exclusive end (year 10000) must not sort first as SQLite text.
    expect(await list({ end_date: '9999-12-31' })).toEqual([ids[3], ids[2], ids[1], ids[0]]);
    expect(await list({ start_date: '0001-01-01', end_date: '9999-12-31T23:59:59Z' })).toEqual([
      ids[3],
      ids[2],
      ids[1],
      ids[0],
    ]);
    expect(await list({ project_id: otherProjectId })).toEqual([ids[2]]);
    expect(await list({ billable: false })).toEqual([ids[1]]);
    const bad = await ctx.t.get('/api/v1/time-entries', {
      token: carol.token,
      query: { billable: 'yes', start_date: '02/05/2025' },
    });
    expect(bad.status).toBe(400);
    expect(Object.keys(bad.body.errors).sort()).toEqual(['billable', 'start_date']);
  });

  it('should update partially with If-Match / if_updated_at guards', async () => {
    const d = nextDay();
    const { body } = await create(alice.token, {
      start_time: `${d}T08:00:00Z`,
      end_time: `${d}T09:00:00Z`,
      task_id: 2,
    });
    const id = body.time_entry.id as number;
    const read = await ctx.t.get(`/api/v1/time-entries/${id}`, { token: alice.token });
    const etag = read.headers.get('etag') as string;
    const first = await ctx.t.patch(
      `/api/v1/time-entries/${id}`,
      { notes: 'first', end_time: `${d}T10:00:00Z` },
      {
        token: alice.token,
        headers: { 'if-match': etag },
      },
    );
    expect(first.status).toBe(200);
    expect(first.body.time_entry).toMatchObject({ notes: 'first', duration_seconds: 7200, task_id: 2 });
    expect(first.headers.get('etag')).not.toBe(etag);
    const stale = await ctx.t.patch(
      `/api/v1/time-entries/${id}`,
      { notes: 'second' },
      { token: alice.token, headers: { 'if-match': etag } },
    );
    expect(stale.status).toBe(409);
    expect(stale.body.error_code).toBe('conflict');
    const staleTime = await ctx.t.put(
      `/api/v1/time-entries/${id}`,
      { notes: 'x', if_updated_at: '2020-01-01T00:00:00Z' },
      { token: alice.token },
    );
    expect(staleTime.status).toBe(409);
    const fresh = await ctx.t.put(
      `/api/v1/time-entries/${id}`,
      { project_id: otherProjectId, if_updated_at: first.body.time_entry.updated_at },
      {
        token: alice.token,
      },
    );
    expect(fresh.status).toBe(200);
    expect(fresh.body.time_entry).toMatchObject({
      project_id: otherProjectId,
      task_id: null,
      client_id: null,
      notes: 'first',
    });
    const invalid = await ctx.t.patch(
      `/api/v1/time-entries/${id}`,
      { end_time: `${d}T07:00:00Z`, start_time: null },
      { token: alice.token },
    );
    expect(invalid.status).toBe(400);
    expect(Object.keys(invalid.body.errors)).toEqual(['start_time']);
    const backwards = await ctx.t.patch(
      `/api/v1/time-entries/${id}`,
      { end_time: `${d}T07:00:00Z` },
      { token: alice.token },
    );
    expect(Object.keys(backwards.body.errors)).toEqual(['end_time']);
    expect((await ctx.t.patch('/api/v1/time-entries/99999', { notes: 'x' }, { token: alice.token })).status).toBe(404);
  });

  it('should refuse an update into an overlap', async () => {
    const d = nextDay();
    await create(alice.token, { start_time: `${d}T08:00:00Z`, end_time: `${d}T09:00:00Z` });
    const later = await create(alice.token, { start_time: `${d}T10:00:00Z`, end_time: `${d}T11:00:00Z` });
    const res = await ctx.t.patch(
      `/api/v1/time-entries/${later.body.time_entry.id}`,
      { start_time: `${d}T08:30:00Z` },
      { token: alice.token },
    );
    expect(res.status).toBe(409);
    expect(res.body.error_code).toBe('time_overlap');
  });

  it('should delete completed entries and 404 afterwards', async () => {
    const d = nextDay();
    const { body } = await create(alice.token, { start_time: `${d}T08:00:00Z`, end_time: `${d}T09:00:00Z` });
    const id = body.time_entry.id as number;
    const res = await ctx.t.delete(`/api/v1/time-entries/${id}`, { token: alice.token });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ message: 'Time entry deleted successfully' });
    expect((await ctx.t.get(`/api/v1/time-entries/${id}`, { token: alice.token })).status).toBe(404);
    expect((await ctx.t.delete(`/api/v1/time-entries/${id}`, { token: alice.token })).status).toBe(404);
  });

  it('should total hours per project, task and user from completed entries only', async () => {
    const dave = await ctx.newToken({ scopes: SCOPES });
    const project = (await ctx.t.post('/api/v1/projects', { name: 'Totals' }, admin)).body.project.id as number;
    const task = (await ctx.t.post('/api/v1/tasks', { name: 'Totals task', project_id: project }, admin)).body.task
      .id as number;
    await create(dave.token, {
      project_id: project,
      task_id: task,
      start_time: '2025-06-01T08:00:00Z',
      end_time: '2025-06-01T09:30:00Z',
    });
    await create(dave.token, {
      project_id: project,
      start_time: '2025-06-01T10:00:00Z',
      end_time: '2025-06-01T10:20:00Z',
      billable: false,
    });
    await create(dave.token, { project_id: project, start_time: '2025-06-01T11:00:00Z' });
    const got = await ctx.t.get(`/api/v1/projects/${project}`, admin);
    expect(got.body.project).toMatchObject({ total_hours: 1.83, total_billable_hours: 1.5 });
    const listed = await ctx.t.get('/api/v1/projects', { ...admin, query: { q: 'Totals' } });
    expect(listed.body.projects[0]).toMatchObject({ total_hours: 1.83, total_billable_hours: 1.5 });
    expect((await ctx.t.get(`/api/v1/tasks/${task}`, admin)).body.task.total_hours).toBe(1.5);
    expect((await ctx.t.get('/api/v1/users/me', { token: dave.token })).body.user.total_hours).toBe(1.83);
  });

  it('should require the time-entry scopes', async () => {
    const reader = await ctx.newToken({ scopes: ['read:time_entries'] });
    const denied = await ctx.t.post(
      '/api/v1/time-entries',
      { project_id: projectId, start_time: '2025-01-01T00:00:00Z' },
      { token: reader.token },
    );
    expect(denied.status).toBe(403);
    expect(denied.body.required_scope).toBe('write:time_entries');
    const projectsOnly = await ctx.newToken({ scopes: ['read:projects'] });
    expect((await ctx.t.get('/api/v1/time-entries', { token: projectsOnly.token })).status).toBe(403);
  });
});
