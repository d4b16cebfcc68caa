import {
  ADMIN_TOKEN,
  createTestContext,
  RAISED_RATE_LIMITS,
  type TestContext,
  type TestUser,
} from '../../support/factories';

const SCOPES = ['read:reports', 'read:time_entries', 'write:time_entries'];
const INJECTION = '=HYPERLINK("http://evil.example","click")';
/** Excel's byte order mark (UTF-8), which the CSV exports start with. */
const BOM_BYTES = 3;

interface Group {
  key: number | string | null;
  label: string;
  hours: number;
  billable_hours: number;
  billable_amount: number;
  entries: number;
}

describe('summary report groups (group_by, tz, format=csv)', () => {
  let ctx: TestContext;
  const admin = { token: ADMIN_TOKEN };
  let u1: { token: string; user: TestUser };
  let u2: { token: string; user: TestUser };
  let u3: { token: string; user: TestUser };
  let acme: number;
  let alpha: number;
  let beta: number;
  let evil: number;
  let design: number;

  const add = async (token: string, body: Record<string, unknown>) => {
    const res = await ctx.t.post('/api/v1/time-entries', body, { token });
    if (res.status !== 201) throw new Error(res.text);
  };

  beforeAll(async () => {
    ctx = await createTestContext({ env: RAISED_RATE_LIMITS });
    acme = (await ctx.t.post('/api/v1/clients', { name: 'Acme' }, admin)).body.client.id as number;
    alpha = (await ctx.t.post('/api/v1/projects', { name: 'Alpha', client_id: acme, hourly_rate: 100 }, admin)).body
      .project.id as number;
    beta = (await ctx.t.post('/api/v1/projects', { name: 'Beta' }, admin)).body.project.id as number;
    evil = (await ctx.t.post('/api/v1/projects', { name: INJECTION, hourly_rate: 50.5 }, admin)).body.project
      .id as number;
    design = (await ctx.t.post('/api/v1/tasks', { project_id: alpha, name: 'Design' }, admin)).body.task.id as number;
    u1 = await ctx.newToken({ scopes: SCOPES, user: await ctx.newUser({ username: 'grouper1' }) });
    u2 = await ctx.newToken({ scopes: SCOPES, user: await ctx.newUser({ username: 'grouper2' }) });
    u3 = await ctx.newToken({ scopes: SCOPES, user: await ctx.newUser({ username: 'grouper3' }) });

    // u1, in the week of Monday 2025-01-06 (UTC).
    await add(u1.token, {
      project_id: alpha,
      task_id: design,
      start_time: '2025-01-06T09:00:00Z',
      end_time: '2025-01-06T10:20:00Z',
      tags: 'web,urgent',
    });
    // 23:30 UTC on the 7th is 00:30 on the 8th in Berlin.
    await add(u1.token, {
      project_id: alpha,
      start_time: '2025-01-07T23:30:00Z',
      end_time: '2025-01-08T00:30:00Z',
      billable: false,
      tags: 'web',
    });
    await add(u1.token, { project_id: beta, start_time: '2025-01-08T10:00:00Z', end_time: '2025-01-08T10:30:00Z' });
    await add(u1.token, {
      client_id: acme,
      start_time: '2025-01-09T08:00:00Z',
      end_time: '2025-01-09T09:00:00Z',
      tags: `it's "quoted"`,
    });
    await add(u1.token, {
      project_id: evil,
      start_time: '2025-01-10T12:00:00Z',
      end_time: '2025-01-10T13:30:00Z',
      tags: '=cmd,webdev',
    });
    await add(u1.token, { project_id: alpha, start_time: '2025-01-11T08:00:00Z' }); // running: never counted
    // Another user, same days and project.
    await add(u2.token, {
      project_id: alpha,
      start_time: '2025-01-07T12:00:00Z',
      end_time: '2025-01-07T16:00:00Z',
      tags: 'web',
    });
    // u3, around the end of summer time in Berlin (Sunday 2024-10-27, 03:00 CEST -> 02:00 CET).
    for (const [start, end] of [
      ['2024-10-20T22:30:00Z', '2024-10-20T23:30:00Z'], // Mon 21 Oct 00:30 CEST: W43 in Berlin, W42 in UTC
      ['2024-10-27T22:30:00Z', '2024-10-27T23:00:00Z'], // Sun 27 Oct 23:30 CET: still W43
      ['2024-10-27T23:30:00Z', '2024-10-28T01:30:00Z'], // Mon 28 Oct 00:30 CET: W44
      ['2024-10-31T23:30:00Z', '2024-11-01T00:30:00Z'], // Fri 1 Nov 00:30 CET: November in Berlin
    ]) {
      await add(u3.token, { project_id: beta, start_time: start, end_time: end });
    }
  });

  afterAll(async () => {
    await ctx.close();
  });

  const summary = (token: string, query: Record<string, string | number>) =>
    ctx.t.get('/api/v1/reports/summary', { token, query });
  const WEEK = { start_date: '2025-01-06', end_date: '2025-01-12' };
  const groups = async (token: string, query: Record<string, string | number>): Promise<Group[]> => {
    const res = await summary(token, query);
    expect([res.status, res.text.slice(0, 300)]).toEqual([200, expect.any(String)]);
    return res.body.groups as Group[];
  };
  const group = (
    key: Group['key'],
    label: string,
    hours: number,
    billable_hours: number,
    billable_amount: number,
    entries: number,
  ): Group => ({ key, label, hours, billable_hours, billable_amount, entries });

  it('should group by project with amounts from the rates, next to the unchanged summary', async () => {
    const res = await summary(u1.token, { ...WEEK, group_by: 'project' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      summary: {
        start_date: '2025-01-06T00:00:00Z',
        end_date: '2025-01-12T23:59:59Z',
        total_hours: 5.33,
        billable_hours: 4.33,
        total_entries: 5,
        by_project: [
          { project_id: alpha, project_name: 'Alpha', hours: 2.33, entries: 2 },
          { project_id: evil, project_name: INJECTION, hours: 1.5, entries: 1 },
          { project_id: beta, project_name: 'Beta', hours: 0.5, entries: 1 },
        ],
      },
      groups: [
        // 80 billable minutes at 100/h: 133.333... -> 133.33; the unbillable hour earns nothing.
        group(alpha, 'Alpha', 2.33, 1.33, 133.33, 2),
        group(evil, INJECTION, 1.5, 1.5, 75.75, 1),
        group(null, '(no project)', 1, 1, 0, 1),
        group(beta, 'Beta', 0.5, 0.5, 0, 1),
      ],
    });
  });

  it('should group by project when group_by is not sent', async () => {
    const res = await summary(u1.token, WEEK);
    expect(res.status).toBe(200);
    expect(Object.keys(res.body)).toEqual(['summary', 'groups']);
    expect(res.body.groups).toEqual((await summary(u1.token, { ...WEEK, group_by: 'project' })).body.groups);
    expect(res.body.groups.length).toBeGreaterThan(1);
  });

  it('should group by client, task and tag', async () => {
    expect(await groups(u1.token, { ...WEEK, group_by: 'client' })).toEqual([
      group(acme, 'Acme', 3.33, 2.33, 133.33, 3),
      group(null, '(no client)', 2, 2, 75.75, 2),
    ]);
    expect(await groups(u1.token, { ...WEEK, group_by: 'task' })).toEqual([
      group(null, '(no task)', 4, 3, 75.75, 4),
      group(design, 'Design', 1.33, 1.33, 133.33, 1),
    ]);
    // An entry counts in each of its tags; `web` is not `webdev`; equal hours: by key.
    expect(await groups(u1.token, { ...WEEK, group_by: 'tag' })).toEqual([
      group('web', 'web', 2.33, 1.33, 133.33, 2),
      group('=cmd', '=cmd', 1.5, 1.5, 75.75, 1),
      group('webdev', 'webdev', 1.5, 1.5, 75.75, 1),
      group('urgent', 'urgent', 1.33, 1.33, 133.33, 1),
      group(`it's "quoted"`, `it's "quoted"`, 1, 1, 0, 1),
      group(null, '(no tag)', 0.5, 0.5, 0, 1),
    ]);
  });

  it("should group by user for admins only, with everyone's entries", async () => {
    expect(await groups(ADMIN_TOKEN, { ...WEEK, group_by: 'user' })).toEqual([
      group(u1.user.id, 'grouper1', 5.33, 4.33, 209.08, 5),
      group(u2.user.id, 'grouper2', 4, 4, 400, 1),
    ]);
    const refused = await summary(u1.token, { ...WEEK, group_by: 'user' });
    expect(refused.status).toBe(403);
    expect(refused.body.error_code).toBe('forbidden');
    const own = await summary(u1.token, { ...WEEK, group_by: 'user', user_id: u1.user.id });
    expect(own.status).toBe(403);
  });

  it("should not show another user's entries in any grouping", async () => {
    expect(await groups(u2.token, { ...WEEK, group_by: 'project' })).toEqual([group(alpha, 'Alpha', 4, 4, 400, 1)]);
    expect(await groups(u2.token, { ...WEEK, group_by: 'tag' })).toEqual([group('web', 'web', 4, 4, 400, 1)]);
    const days = await groups(u2.token, { ...WEEK, group_by: 'day' });
    expect(days.filter((d) => d.entries > 0)).toEqual([group('2025-01-07', '2025-01-07', 4, 4, 400, 1)]);
  });

  it('should fill every day of the range, empty ones with zeros, in time order', async () => {
    expect(await groups(u1.token, { ...WEEK, group_by: 'day', tz: 'UTC' })).toEqual([
      group('2025-01-06', '2025-01-06', 1.33, 1.33, 133.33, 1),
      group('2025-01-07', '2025-01-07', 1, 0, 0, 1),
      group('2025-01-08', '2025-01-08', 0.5, 0.5, 0, 1),
      group('2025-01-09', '2025-01-09', 1, 1, 0, 1),
      group('2025-01-10', '2025-01-10', 1.5, 1.5, 75.75, 1),
      group('2025-01-11', '2025-01-11', 0, 0, 0, 0),
      group('2025-01-12', '2025-01-12', 0, 0, 0, 0),
    ]);
  });

  it('should cut days in tz: 23:30 UTC is the next day in Berlin, and the dates are read there', async () => {
    const res = await summary(u1.token, { ...WEEK, group_by: 'day', tz: 'Europe/Berlin' });
    expect(res.status).toBe(200);
    expect(res.body.summary).toMatchObject({
      start_date: '2025-01-05T23:00:00Z',
      end_date: '2025-01-12T22:59:59Z',
      total_hours: 5.33,
    });
    expect(res.body.groups).toEqual([
      group('2025-01-06', '2025-01-06', 1.33, 1.33, 133.33, 1),
      group('2025-01-07', '2025-01-07', 0, 0, 0, 0),
      group('2025-01-08', '2025-01-08', 1.5, 0.5, 0, 2),
      group('2025-01-09', '2025-01-09', 1, 1, 0, 1),
      group('2025-01-10', '2025-01-10', 1.5, 1.5, 75.75, 1),
      group('2025-01-11', '2025-01-11', 0, 0, 0, 0),
      group('2025-01-12', '2025-01-12', 0, 0, 0, 0),
    ]);
  });

  it('should cut ISO weeks from Monday across the end of summer time', async () => {
    const range = { start_date: '2024-10-14', end_date: '2024-11-10' };
    const keys = (gs: Group[]) => gs.map((g) => [g.key, g.hours, g.entries]);
    expect(keys(await groups(u3.token, { ...range, group_by: 'week', tz: 'Europe/Berlin' }))).toEqual([
      ['2024-W42', 0, 0],
      ['2024-W43', 1.5, 2],
      ['2024-W44', 3, 2],
      ['2024-W45', 0, 0],
    ]);
    expect(keys(await groups(u3.token, { ...range, group_by: 'week', tz: 'UTC' }))).toEqual([
      ['2024-W42', 1, 1],
      ['2024-W43', 2.5, 2],
      ['2024-W44', 1, 1],
      ['2024-W45', 0, 0],
    ]);
  });

  it('should cut months in tz, the first and last partial', async () => {
    const range = { start_date: '2024-09-15', end_date: '2024-11-30' };
    const keys = (gs: Group[]) => gs.map((g) => [g.key, g.hours, g.entries]);
    expect(keys(await groups(u3.token, { ...range, group_by: 'month', tz: 'Europe/Berlin' }))).toEqual([
      ['2024-09', 0, 0],
      ['2024-10', 3.5, 3],
      ['2024-11', 1, 1],
    ]);
    expect(keys(await groups(u3.token, { ...range, group_by: 'month', tz: 'UTC' }))).toEqual([
      ['2024-09', 0, 0],
      ['2024-10', 4.5, 4],
      ['2024-11', 0, 0],
    ]);
  });

  it("should apply the admin's user and project filters to the periods", async () => {
    const days = await groups(ADMIN_TOKEN, {
      ...WEEK,
      group_by: 'day',
      user_id: u1.user.id,
      project_id: alpha,
    });
    expect(days.map((d) => [d.key, d.hours])).toEqual([
      ['2025-01-06', 1.33],
      ['2025-01-07', 1],
      ['2025-01-08', 0],
      ['2025-01-09', 0],
      ['2025-01-10', 0],
      ['2025-01-11', 0],
      ['2025-01-12', 0],
    ]);
    const all = await groups(ADMIN_TOKEN, { ...WEEK, group_by: 'day', project_id: alpha });
    expect(all[1]).toEqual(group('2025-01-07', '2025-01-07', 5, 4, 400, 2));
  });

  it('should refuse an unknown group_by, tz or format with field errors', async () => {
    for (const [field, value] of [
      ['group_by', 'weekday'],
      ['tz', 'Mars/Olympus_Mons'],
      ['format', 'xml'],
    ]) {
      const res = await summary(u1.token, { ...WEEK, [field]: value });
      expect([field, res.status, res.body.error_code, Object.keys(res.body.errors ?? {})]).toEqual([
        field,
        400,
        'validation_error',
        [field],
      ]);
    }
    const unknown = await summary(u1.token, { ...WEEK, groupby: 'day' });
    expect(unknown.status).toBe(400);
  });

  it('should bound the number of periods', async () => {
    const day = 86_400_000;
    const date = (n: number) => new Date(Date.UTC(2000, 0, 1) + n * day).toISOString().slice(0, 10);
    const most = await summary(u1.token, { start_date: date(0), end_date: date(3699), group_by: 'day' });
    expect([most.status, most.body.groups?.length]).toEqual([200, 3700]);
    const tooMany = await summary(u1.token, { start_date: date(0), end_date: date(3700), group_by: 'day' });
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.errors.group_by[0]).toMatch(/more than 3700 periods/);
    const centuries = await summary(u1.token, { start_date: '0001-01-01', end_date: '9999-12-31', group_by: 'week' });
    expect(centuries.status).toBe(400);
    // Not a period grouping: any range.
    const projects = await summary(u1.token, { start_date: '0001-01-01', end_date: '9999-12-31', group_by: 'project' });
    expect(projects.body.groups).toHaveLength(4);
  });

  it('should export the groups as a CSV attachment, text cells quoted against formulas', async () => {
    const res = await summary(u1.token, { ...WEEK, group_by: 'project', format: 'csv' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toBe(
      'attachment; filename="summary_by_project_2025-01-06_2025-01-12.csv"',
    );
    // fetch's text() drops the byte order mark; the length counts its 3 bytes.
    expect(Number(res.headers.get('content-length'))).toBe(Buffer.byteLength(res.text) + BOM_BYTES);
    expect(res.text).toBe(
      'key,label,hours,billable_hours,billable_amount,entries\n' +
        `${alpha},Alpha,2.33,1.33,133.33,2\n` +
        `${evil},"'=HYPERLINK(""http://evil.example"",""click"")",1.5,1.5,75.75,1\n` +
        ',(no project),1,1,0,1\n' +
        `${beta},Beta,0.5,0.5,0,1\n`,
    );
  });

  it('should export tags and periods the same way, by project without group_by', async () => {
    const tags = await summary(u1.token, { ...WEEK, group_by: 'tag', format: 'csv' });
    expect(tags.text.split('\n').slice(1, 4)).toEqual([
      'web,web,2.33,1.33,133.33,2',
      "'=cmd,'=cmd,1.5,1.5,75.75,1",
      'webdev,webdev,1.5,1.5,75.75,1',
    ]);
    expect(tags.text).toContain(`"it's ""quoted""","it's ""quoted""",1,1,0,1\n,(no tag),0.5,0.5,0,1\n`);
    const days = await summary(u1.token, { ...WEEK, group_by: 'day', tz: 'Europe/Berlin', format: 'csv' });
    expect(days.headers.get('content-disposition')).toBe(
      'attachment; filename="summary_by_day_2025-01-06_2025-01-12.csv"',
    );
    expect(days.text.split('\n').slice(1, 4)).toEqual([
      '2025-01-06,2025-01-06,1.33,1.33,133.33,1',
      '2025-01-07,2025-01-07,0,0,0,0',
      '2025-01-08,2025-01-08,1.5,0.5,0,2',
    ]);
    const byDefault = await summary(u1.token, { ...WEEK, format: 'csv' });
    expect(byDefault.headers.get('content-disposition')).toContain('summary_by_project_');
    expect(byDefault.text.split('\n')[1]).toBe(`${alpha},Alpha,2.33,1.33,133.33,2`);
  });

  it('should check access before exporting', async () => {
    const refused = await summary(u1.token, { ...WEEK, group_by: 'user', format: 'csv' });
    expect(refused.status).toBe(403);
    expect(refused.headers.get('content-type')).toContain('application/json');
    const noScope = await ctx.newToken({ scopes: ['read:time_entries'] });
    expect((await summary(noScope.token, { ...WEEK, format: 'csv' })).status).toBe(403);
  });
});
