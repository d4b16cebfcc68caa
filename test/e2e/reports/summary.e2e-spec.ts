import { ADMIN_TOKEN, createTestContext, type TestContext, type TestUser } from '../../support/factories';

const SCOPES = ['read:reports', 'read:time_entries', 'write:time_entries'];

describe('summary report', () => {
  let ctx: TestContext;
  const admin = { token: ADMIN_TOKEN };
  let u1: { token: string; user: TestUser };
  let u2: { token: string; user: TestUser };
  let projectA: number;
  let projectB: number;

  beforeAll(async () => {
    ctx = await createTestContext();
    const clientId = (await ctx.t.post('/api/v1/clients', { name: 'Report Client' }, admin)).body.client.id as number;
    projectA = (await ctx.t.post('/api/v1/projects', { name: 'Alpha' }, admin)).body.project.id as number;
    projectB = (await ctx.t.post('/api/v1/projects', { name: 'Beta' }, admin)).body.project.id as number;
    u1 = await ctx.newToken({ scopes: SCOPES, user: await ctx.newUser({ username: 'reporter1' }) });
    u2 = await ctx.newToken({ scopes: SCOPES, user: await ctx.newUser({ username: 'reporter2' }) });
    const add = (token: string, body: Record<string, unknown>) =>
      ctx.t.post('/api/v1/time-entries', body, { token }).then((r) => {
        if (r.status !== 201) throw new Error(r.text);
      });
    await add(u1.token, { project_id: projectA, start_time: '2025-01-10T09:00:00Z', end_time: '2025-01-10T11:00:00Z' });
    await add(u1.token, {
      project_id: projectA,
      start_time: '2025-01-15T09:00:00Z',
      end_time: '2025-01-15T10:30:00Z',
      billable: false,
    });
    await add(u1.token, { project_id: projectB, start_time: '2025-01-20T13:00:00Z', end_time: '2025-01-20T13:20:00Z' });
    await add(u1.token, { client_id: clientId, start_time: '2025-01-25T08:00:00Z', end_time: '2025-01-25T09:00:00Z' });
    await add(u1.token, { project_id: projectA, start_time: '2025-01-31T23:00:00Z', end_time: '2025-01-31T23:30:00Z' });
    await add(u1.token, { project_id: projectA, start_time: '2025-02-01T00:00:00Z', end_time: '2025-02-01T01:00:00Z' });
    await add(u1.token, { project_id: projectA, start_time: '2025-01-05T08:00:00Z' }); // running: never counted
    await add(u2.token, { project_id: projectA, start_time: '2025-01-12T10:00:00Z', end_time: '2025-01-12T14:00:00Z' });
  });

  afterAll(async () => {
    await ctx.close();
  });

  const summary = (token: string, query: Record<string, string | number>) =>
    ctx.t.get('/api/v1/reports/summary', { token, query });

  it("should total a user's own completed entries, the date-only end covering its day", async () => {
    const res = await summary(u1.token, { start_date: '2025-01-01', end_date: '2025-01-31' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      summary: {
        start_date: '2025-01-01T00:00:00Z',
        end_date: '2025-01-31T23:59:59Z',
        total_hours: 5.33,
        billable_hours: 3.83,
        total_entries: 5,
        by_project: [
          { project_id: projectA, project_name: 'Alpha', hours: 4, entries: 3 },
          { project_id: projectB, project_name: 'Beta', hours: 0.33, entries: 1 },
        ],
      },
      // group_by defaults to project (contract §13); entries without a project are a group too.
      groups: [
        { key: projectA, label: 'Alpha', hours: 4, billable_hours: 2.5, billable_amount: 0, entries: 3 },
        { key: null, label: '(no project)', hours: 1, billable_hours: 1, billable_amount: 0, entries: 1 },
        { key: projectB, label: 'Beta', hours: 0.33, billable_hours: 0.33, billable_amount: 0, entries: 1 },
      ],
    });
  });

  it('should respect the edges of the range and the project filter', async () => {
    expect(
      (await summary(u1.token, { start_date: '2025-01-01', end_date: '2025-01-30' })).body.summary.total_hours,
    ).toBe(4.83);
    expect(
      (await summary(u1.token, { start_date: '2025-01-01', end_date: '2025-01-31T23:00:00Z' })).body.summary
        .total_entries,
    ).toBe(5);
    expect(
      (await summary(u1.token, { start_date: '2025-01-31T23:00:01Z', end_date: '2025-02-01' })).body.summary
        .total_entries,
    ).toBe(1);
    const beta = await summary(u1.token, { start_date: '2025-01-01', end_date: '2025-01-31', project_id: projectB });
    expect(beta.body.summary).toMatchObject({ total_hours: 0.33, billable_hours: 0.33, total_entries: 1 });
  });

  it('should give admins everyone, with by_user, and one user on request', async () => {
    const all = await summary(ADMIN_TOKEN, { start_date: '2025-01-01', end_date: '2025-01-31' });
    expect(all.body.summary).toMatchObject({
      total_hours: 9.33,
      billable_hours: 7.83,
      total_entries: 6,
      by_project: [
        { project_id: projectA, project_name: 'Alpha', hours: 8, entries: 4 },
        { project_id: projectB, project_name: 'Beta', hours: 0.33, entries: 1 },
      ],
      by_user: [
        { user_id: u1.user.id, username: 'reporter1', hours: 5.33, entries: 5 },
        { user_id: u2.user.id, username: 'reporter2', hours: 4, entries: 1 },
      ],
    });
    const one = await summary(ADMIN_TOKEN, { start_date: '2025-01-01', end_date: '2025-01-31', user_id: u2.user.id });
    expect(one.body.summary).toMatchObject({ total_hours: 4, total_entries: 1 });
  });

  it('should answer a range without entries with zero totals and empty groups', async () => {
    const res = await summary(ADMIN_TOKEN, { start_date: '2030-01-01', end_date: '2030-12-31' });
    expect(res.status).toBe(200);
    expect(res.body.summary).toEqual({
      start_date: '2030-01-01T00:00:00Z',
      end_date: '2030-12-31T23:59:59Z',
      total_hours: 0,
      billable_hours: 0,
      total_entries: 0,
      by_project: [],
      by_user: [],
    });
  });

  it('should order groups with equal hours by id', async () => {
    const tie = await ctx.newToken({ scopes: SCOPES });
    for (const project_id of [projectB, projectA]) {
      const res = await ctx.t.post(
        '/api/v1/time-entries',
        {
          project_id,
          start_time: `2026-03-0${project_id === projectA ? 1 : 2}T09:00:00Z`,
          end_time: `2026-03-0${project_id === projectA ? 1 : 2}T10:00:00Z`,
        },
        { token: tie.token },
      );
      expect(res.status).toBe(201);
    }
    const res = await summary(tie.token, { start_date: '2026-03-01', end_date: '2026-03-31' });
    expect(res.body.summary.by_project.map((g: { project_id: number }) => g.project_id)).toEqual([
      Math.min(projectA, projectB),
      Math.max(projectA, projectB),
    ]);
  });

  it("should refuse a non-admin another user's report, but allow their own id", async () => {
    const other = await summary(u1.token, { user_id: u2.user.id });
    expect(other.status).toBe(403);
    expect(other.body.error_code).toBe('forbidden');
    const own = await summary(u1.token, { user_id: u1.user.id, start_date: '2025-01-01', end_date: '2025-01-31' });
    expect(own.body.summary.total_hours).toBe(5.33);
    expect(own.body.summary.by_user).toBeUndefined();
  });

  it('should default to the last 30 days', async () => {
    const u3 = await ctx.newToken({ scopes: SCOPES });
    const day = 86_400_000;
    const at = (msAgo: number) => new Date(Date.now() - msAgo).toISOString();
    await ctx.t.post(
      '/api/v1/time-entries',
      { project_id: projectA, start_time: at(2 * day), end_time: at(2 * day - 3_600_000) },
      { token: u3.token },
    );
    await ctx.t.post(
      '/api/v1/time-entries',
      { project_id: projectA, start_time: at(40 * day), end_time: at(40 * day - 3_600_000) },
      { token: u3.token },
    );
    const res = await summary(u3.token, {});
    expect(res.body.summary).toMatchObject({ total_hours: 1, total_entries: 1 });
  });

  it('should validate dates and require read:reports', async () => {
    const bad = await summary(u1.token, { start_date: 'last week', end_date: '2025-13-01' });
    expect(bad.status).toBe(400);
    expect(Object.keys(bad.body.errors).sort()).toEqual(['end_date', 'start_date']);
    const reversed = await summary(u1.token, { start_date: '2025-02-01', end_date: '2025-01-01' });
    expect(reversed.status).toBe(400);
    const noScope = await ctx.newToken({ scopes: ['read:time_entries'] });
    expect((await summary(noScope.token, {})).status).toBe(403);
  });
});
