import { ADMIN_TOKEN, createTestContext, type TestContext } from '../../support/factories';

const SCOPES = ['read:time_entries', 'write:time_entries'];

describe('timer and running entries', () => {
  let ctx: TestContext;
  const admin = { token: ADMIN_TOKEN };
  let projectId: number;

  beforeAll(async () => {
    ctx = await createTestContext();
    projectId = (await ctx.t.post('/api/v1/projects', { name: 'Timed' }, admin)).body.project.id as number;
  });

  afterAll(async () => {
    await ctx.close();
  });

  it('should start, report, refuse a second, refuse deletion, stop, and refuse a second stop', async () => {
    const { token } = await ctx.newToken({ scopes: SCOPES });
    expect((await ctx.t.get('/api/v1/timer/status', { token })).body).toEqual({ active: false, timer: null });
    const start = await ctx.t.post(
      '/api/v1/timer/start',
      { project_id: projectId, notes: 'focus', tags: 'deep' },
      { token },
    );
    expect(start.status).toBe(201);
    expect(start.body.message).toBe('Timer started successfully');
    expect(start.body.timer).toMatchObject({
      project_id: projectId,
      end_time: null,
      is_active: true,
      source: 'timer',
      notes: 'focus',
      billable: true,
    });
    const status = await ctx.t.get('/api/v1/timer/status', { token });
    expect(status.body.active).toBe(true);
    expect(status.body.timer.id).toBe(start.body.timer.id);

    const again = await ctx.t.post('/api/v1/timer/start', { project_id: projectId }, { token });
    expect(again.status).toBe(409);
    expect(again.body.error_code).toBe('timer_already_running');
    const viaEntries = await ctx.t.post(
      '/api/v1/time-entries',
      { project_id: projectId, start_time: '2025-01-01T08:00:00Z' },
      { token },
    );
    expect(viaEntries.status).toBe(409);
    expect(viaEntries.body.error_code).toBe('timer_already_running');
    const del = await ctx.t.delete(`/api/v1/time-entries/${start.body.timer.id}`, { token });
    expect(del.status).toBe(409);
    expect(del.body.error_code).toBe('conflict');

    const stop = await ctx.t.post('/api/v1/timer/stop', undefined, { token });
    expect(stop.status).toBe(200);
    expect(stop.body.message).toBe('Timer stopped successfully');
    expect(stop.body.time_entry).toMatchObject({ id: start.body.timer.id, is_active: false });
    expect(stop.body.time_entry.end_time).toMatch(/Z$/);
    expect(stop.body.time_entry.duration_seconds).toBeGreaterThanOrEqual(1);
    const stopAgain = await ctx.t.post('/api/v1/timer/stop', undefined, { token });
    expect(stopAgain.status).toBe(409);
    expect(stopAgain.body.error_code).toBe('no_active_timer');
    expect((await ctx.t.get('/api/v1/timer/status', { token })).body.active).toBe(false);
  });

  it('should let exactly one of 20 concurrent starts win', async () => {
    const { token } = await ctx.newToken({ scopes: SCOPES });
    const statuses = await Promise.all(
      Array.from({ length: 20 }, () =>
        ctx.t
          .post('/api/v1/timer/start', { project_id: projectId }, { token })
          .then((r) => [r.status, r.body.error_code]),
      ),
    );
    expect(statuses.filter(([s]) => s === 201)).toHaveLength(1);
    expect(statuses.filter(([s, code]) => s === 409 && code === 'timer_already_running')).toHaveLength(19);
    const running = await ctx.t.get('/api/v1/time-entries', { token, query: { include_active: true } });
    expect(running.body.time_entries).toHaveLength(1);
  });

  it('should let exactly one of 10 concurrent stops end the timer, once', async () => {
    const { token } = await ctx.newToken({ scopes: SCOPES });
    const started = await ctx.t.post('/api/v1/timer/start', { project_id: projectId }, { token });
    expect(started.status).toBe(201);
    const answers = await Promise.all(
      Array.from({ length: 10 }, () => ctx.t.post('/api/v1/timer/stop', undefined, { token })),
    );
    const stopped = answers.filter((r) => r.status === 200);
    expect(stopped).toHaveLength(1);
    expect(answers.filter((r) => r.status === 409 && r.body.error_code === 'no_active_timer')).toHaveLength(9);
    const entry = await ctx.t.get(`/api/v1/time-entries/${started.body.timer.id}`, { token });
    expect(entry.body.time_entry.end_time).toBe(stopped[0].body.time_entry.end_time);
    expect(entry.body.time_entry.duration_seconds).toBe(stopped[0].body.time_entry.duration_seconds);
  });

  it('should never leave a timer that cannot be stopped, nor book overlaps, when cycling within a second', async () => {
    const { token } = await ctx.newToken({ scopes: SCOPES });
    const entries = [];
    for (let i = 0; i < 5; i++) {
      expect((await ctx.t.post('/api/v1/timer/start', { project_id: projectId }, { token })).status).toBe(201);
      const stop = await ctx.t.post('/api/v1/timer/stop', undefined, { token });
      expect(stop.status).toBe(200);
      entries.push(stop.body.time_entry as { start_time: string; end_time: string });
    }
    // A stop books at least a second; the next start begins where the last one ended, so five
    // cycles within a second book five back-to-back entries and none overlaps another.
    for (let i = 1; i < entries.length; i++) {
      expect(Date.parse(entries[i].start_time)).toBeGreaterThanOrEqual(Date.parse(entries[i - 1].end_time));
    }
    expect((await ctx.t.get('/api/v1/timer/status', { token })).body.active).toBe(false);
  });

  it('should keep one running entry per user, not per instance', async () => {
    const a = await ctx.newToken({ scopes: SCOPES });
    const b = await ctx.newToken({ scopes: SCOPES });
    expect((await ctx.t.post('/api/v1/timer/start', { project_id: projectId }, { token: a.token })).status).toBe(201);
    expect((await ctx.t.post('/api/v1/timer/start', { project_id: projectId }, { token: b.token })).status).toBe(201);
    expect((await ctx.t.post('/api/v1/timer/stop', undefined, { token: b.token })).status).toBe(200);
    expect((await ctx.t.get('/api/v1/timer/status', { token: a.token })).body.active).toBe(true);
  });

  it("should refuse moving a running entry's start more than 10 years from now, so that it can always be stopped", async () => {
    const { token } = await ctx.newToken({ scopes: SCOPES });
    const started = await ctx.t.post('/api/v1/timer/start', { project_id: projectId }, { token });
    const url = `/api/v1/time-entries/${started.body.timer.id}`;
    for (const start_time of ['1900-01-01T00:00:00Z', '2000-01-01T00:00:00Z', '2124-03-14T10:00:00Z']) {
      for (const method of ['PUT', 'PATCH'] as const) {
        const res = await ctx.t.request(method, url, { token, body: { start_time } });
        expect([start_time, method, res.status, res.body.errors]).toEqual([
          start_time,
          method,
          400,
          { start_time: ['start_time of a running entry must be within 10 years of now'] },
        ]);
      }
    }
    const lastYear = new Date(Date.now() - 365 * 86_400_000).toISOString();
    expect((await ctx.t.patch(url, { start_time: lastYear }, { token })).status).toBe(200);
    const stop = await ctx.t.post('/api/v1/timer/stop', undefined, { token });
    expect(stop.status).toBe(200);
    expect(stop.body.time_entry.duration_seconds).toBeGreaterThanOrEqual(365 * 86_400);

    const running = await ctx.t.post(
      '/api/v1/time-entries',
      { project_id: projectId, start_time: '1900-01-01T00:00:00Z' },
      { token },
    );
    expect([running.status, Object.keys(running.body.errors)]).toEqual([400, ['start_time']]);
    expect((await ctx.t.get('/api/v1/timer/status', { token })).body.active).toBe(false);
  });

  it('should stop a running entry whose start is older than 10 years, booking 10 years', async () => {
    const { token } = await ctx.newToken({ scopes: SCOPES });
    const started = await ctx.t.post('/api/v1/timer/start', { project_id: projectId }, { token });
    // Earlier versions let a start edit move a running entry to 1900.
    const start = Date.parse('1900-01-01T00:00:00Z');
    // Loaded once the app has chosen its database (column types are picked at import time).
    const { TimeEntryEntity } = await import('../../../src/modules/time-entries/time-entry.entity');
    await ctx.t.dataSource
      .getRepository(TimeEntryEntity)
      .update(started.body.timer.id as number, { startTime: new Date(start) });
    const stop = await ctx.t.post('/api/v1/timer/stop', undefined, { token });
    expect(stop.status).toBe(200);
    expect(stop.body.time_entry).toMatchObject({
      start_time: '1900-01-01T00:00:00Z',
      end_time: '1910-01-01T12:00:00Z',
      duration_seconds: 315_576_000,
      is_active: false,
    });
    const got = await ctx.t.get(`/api/v1/time-entries/${started.body.timer.id}`, { token });
    expect(got.body.time_entry.duration_seconds).toBe(315_576_000);
  });

  it('should validate the start body', async () => {
    const { token } = await ctx.newToken({ scopes: SCOPES });
    const missing = await ctx.t.post('/api/v1/timer/start', {}, { token });
    expect(missing.status).toBe(400);
    expect(Object.keys(missing.body.errors)).toEqual(['project_id']);
    expect((await ctx.t.post('/api/v1/timer/start', { project_id: 99999 }, { token })).status).toBe(404);
    const other = (await ctx.t.post('/api/v1/projects', { name: 'Timed other' }, admin)).body.project.id as number;
    const task = (await ctx.t.post('/api/v1/tasks', { name: 'x', project_id: other }, admin)).body.task.id as number;
    const foreign = await ctx.t.post('/api/v1/timer/start', { project_id: projectId, task_id: task }, { token });
    expect(foreign.status).toBe(400);
    expect(Object.keys(foreign.body.errors)).toEqual(['task_id']);
    await ctx.t.delete(`/api/v1/projects/${other}`, admin);
    const archived = await ctx.t.post('/api/v1/timer/start', { project_id: other }, { token });
    expect(archived.status).toBe(400);
    expect(archived.body.errors.project_id[0]).toMatch(/archived/);
    expect((await ctx.t.get('/api/v1/timer/status', { token })).body.active).toBe(false);
  });
});
