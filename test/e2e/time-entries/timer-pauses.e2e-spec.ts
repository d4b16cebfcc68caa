import { ADMIN_TOKEN, createTestContext, RAISED_RATE_LIMITS, type TestContext } from '../../support/factories';

const SCOPES = ['read:time_entries', 'write:time_entries', 'read:reports', 'read:users'];
const seconds = (iso: string) => Date.parse(iso) / 1000;

/** Timer pauses and breaks (contract §12). */
describe('timer pauses and breaks', () => {
  let ctx: TestContext;
  const admin = { token: ADMIN_TOKEN };
  let projectId: number;

  beforeAll(async () => {
    ctx = await createTestContext({ env: RAISED_RATE_LIMITS });
    projectId = (await ctx.t.post('/api/v1/projects', { name: 'Paused' }, admin)).body.project.id as number;
  });

  afterAll(async () => {
    await ctx.close();
  });

  /** Moves a running entry's start and pause into the past, as if time had passed (ms before now). */
  async function backdate(id: number, times: { startAgo: number; pausedAgo?: number }) {
    // Loaded once the app has chosen its database (column types are picked at import time).
    const { TimeEntryEntity } = await import('../../../src/modules/time-entries/time-entry.entity');
    const now = Date.now();
    await ctx.t.dataSource.getRepository(TimeEntryEntity).update(id, {
      startTime: new Date(now - times.startAgo),
      ...(times.pausedAgo === undefined ? {} : { pausedAt: new Date(now - times.pausedAgo) }),
    });
  }

  it('should pause, refuse a second pause, resume adding the pause to the break, and stop counting worked time', async () => {
    const { token } = await ctx.newToken({ scopes: SCOPES });
    const started = await ctx.t.post('/api/v1/timer/start', { project_id: projectId }, { token });
    expect(started.body.timer).toMatchObject({ paused: false, paused_at: null, break_seconds: 0 });
    const id = started.body.timer.id as number;

    const paused = await ctx.t.post('/api/v1/timer/pause', undefined, { token });
    expect(paused.status).toBe(200);
    expect(paused.body.message).toBe('Timer paused');
    expect(paused.body.timer).toMatchObject({ id, paused: true, is_active: true, break_seconds: 0 });
    expect(paused.body.timer.paused_at).toMatch(/Z$/);
    const again = await ctx.t.post('/api/v1/timer/pause', undefined, { token });
    expect([again.status, again.body.error_code]).toEqual([409, 'conflict']);
    const status = await ctx.t.get('/api/v1/timer/status', { token });
    expect(status.body).toMatchObject({ active: true, timer: { id, paused: true, break_seconds: 0 } });
    expect(status.body.timer.paused_at).toBe(paused.body.timer.paused_at);

    // Worked an hour, then paused for the last ten minutes of it: worked time stands still while paused.
    await backdate(id, { startAgo: 3600_000, pausedAgo: 600_000 });
    const frozen = (await ctx.t.get('/api/v1/timer/status', { token })).body.timer;
    expect(frozen.duration_seconds).toBeGreaterThanOrEqual(2999);
    expect(frozen.duration_seconds).toBeLessThanOrEqual(3001);

    const resumed = await ctx.t.post('/api/v1/timer/resume', undefined, { token });
    expect(resumed.status).toBe(200);
    expect(resumed.body.message).toBe('Timer resumed');
    expect(resumed.body.timer).toMatchObject({ id, paused: false, paused_at: null, is_active: true });
    expect(resumed.body.timer.break_seconds).toBeGreaterThanOrEqual(599);
    // Plus however long the machine took between the backdating and the resume.
    expect(resumed.body.timer.break_seconds).toBeLessThanOrEqual(610);
    const notPaused = await ctx.t.post('/api/v1/timer/resume', undefined, { token });
    expect([notPaused.status, notPaused.body.error_code]).toEqual([409, 'conflict']);

    // Paused again five minutes ago, then stopped while paused: that pause is break too.
    expect((await ctx.t.post('/api/v1/timer/pause', undefined, { token })).status).toBe(200);
    const breakSoFar = resumed.body.timer.break_seconds as number;
    await backdate(id, { startAgo: 3600_000, pausedAgo: 300_000 });
    const stopped = await ctx.t.post('/api/v1/timer/stop', undefined, { token });
    expect(stopped.status).toBe(200);
    const entry = stopped.body.time_entry;
    expect(entry).toMatchObject({ id, is_active: false, paused: false, paused_at: null });
    expect(entry.break_seconds - breakSoFar).toBeGreaterThanOrEqual(299);
    expect(entry.break_seconds - breakSoFar).toBeLessThanOrEqual(310);
    const span = seconds(entry.end_time) - seconds(entry.start_time);
    expect(Math.abs(entry.duration_seconds - (span - entry.break_seconds))).toBeLessThanOrEqual(1);
    expect(entry.duration_hours).toBe(Math.round((entry.duration_seconds / 3600) * 100) / 100);
    const got = await ctx.t.get(`/api/v1/time-entries/${id}`, { token });
    expect(got.body.time_entry).toMatchObject({
      break_seconds: entry.break_seconds,
      duration_seconds: entry.duration_seconds,
    });

    // Totals count worked time: the user's, and the summary report's.
    const me = await ctx.t.get('/api/v1/users/me', { token });
    expect(me.body.user.total_hours).toBe(Math.round((entry.duration_seconds / 3600) * 100) / 100);
    const day = entry.start_time.slice(0, 10);
    const summary = await ctx.t.get('/api/v1/reports/summary', {
      token,
      query: { start_date: day, end_date: entry.end_time.slice(0, 10) },
    });
    expect(summary.body.summary.total_hours).toBe(me.body.user.total_hours);
  });

  it('should answer no_active_timer to a pause or resume without a timer, and need write:time_entries', async () => {
    const { token } = await ctx.newToken({ scopes: SCOPES });
    for (const action of ['pause', 'resume']) {
      const res = await ctx.t.post(`/api/v1/timer/${action}`, undefined, { token });
      expect([action, res.status, res.body.error_code]).toEqual([action, 409, 'no_active_timer']);
    }
    const reader = await ctx.newToken({ scopes: ['read:time_entries'] });
    for (const action of ['pause', 'resume']) {
      const res = await ctx.t.post(`/api/v1/timer/${action}`, undefined, { token: reader.token });
      expect([action, res.status]).toEqual([action, 403]);
    }
  });

  it('should log each pause and resume in the changes feed, and keep one timer per user while paused', async () => {
    const { token, user } = await ctx.newToken({ scopes: SCOPES });
    let cursor: string | undefined;
    for (let page = 0; ; page++) {
      const res = await ctx.t.get('/api/v1/changes', { ...admin, query: cursor ? { cursor } : {} });
      cursor = res.body.next_cursor as string;
      if (!res.body.has_more || page > 1000) break;
    }
    const id = (await ctx.t.post('/api/v1/timer/start', { project_id: projectId }, { token })).body.timer.id as number;
    expect((await ctx.t.post('/api/v1/timer/pause', undefined, { token })).status).toBe(200);
    const second = await ctx.t.post('/api/v1/timer/start', { project_id: projectId }, { token });
    expect([second.status, second.body.error_code]).toEqual([409, 'timer_already_running']);
    expect((await ctx.t.post('/api/v1/timer/resume', undefined, { token })).status).toBe(200);
    expect((await ctx.t.post('/api/v1/timer/stop', undefined, { token })).status).toBe(200);

    const feed = await ctx.t.get('/api/v1/changes', { ...admin, query: { cursor, types: 'time_entry' } });
    const mine = (feed.body.changes as Array<{ id: number; action: string; data: Record<string, unknown> }>).filter(
      (c) => c.id === id,
    );
    expect(mine.map((c) => [c.action, c.data.paused, c.data.is_active, c.data.user_id])).toEqual([
      ['created', false, true, user.id],
      ['updated', true, true, user.id],
      ['updated', false, true, user.id],
      ['updated', false, false, user.id],
    ]);
  });

  describe('break_seconds on manual entries', () => {
    const create = (token: string, body: Record<string, unknown>) =>
      ctx.t.post('/api/v1/time-entries', { project_id: projectId, ...body }, { token });

    it('should store the break and count the span minus the break as duration', async () => {
      const { token } = await ctx.newToken({ scopes: SCOPES });
      const res = await create(token, {
        start_time: '2025-03-03T09:00:00Z',
        end_time: '2025-03-03T17:00:00Z',
        break_seconds: 1800,
      });
      expect(res.status).toBe(201);
      expect(res.body.time_entry).toMatchObject({
        break_seconds: 1800,
        duration_seconds: 27_000,
        duration_hours: 7.5,
        duration_formatted: '07:30:00',
        paused: false,
        paused_at: null,
      });
      const plain = await create(token, { start_time: '2025-03-04T09:00:00Z', end_time: '2025-03-04T10:00:00Z' });
      expect(plain.body.time_entry).toMatchObject({ break_seconds: 0, duration_seconds: 3600 });
      expect((await ctx.t.get('/api/v1/users/me', { token })).body.user.total_hours).toBe(8.5);
      const project = await ctx.t.get(`/api/v1/projects/${projectId}`, admin);
      expect(project.body.project.total_hours).toBeGreaterThanOrEqual(8.5);
    });

    it('should refuse a break that does not fit the span, on create and on update', async () => {
      const { token } = await ctx.newToken({ scopes: SCOPES });
      const span = { start_time: '2025-04-01T09:00:00Z', end_time: '2025-04-01T10:00:00Z' };
      for (const break_seconds of [3600, 7200, -1, 1.5, '60', null]) {
        const res = await create(token, { ...span, break_seconds });
        expect([break_seconds, res.status, Object.keys(res.body.errors ?? {})]).toEqual([
          break_seconds,
          400,
          ['break_seconds'],
        ]);
      }
      const ok = await create(token, { ...span, break_seconds: 3599 });
      expect(ok.body.time_entry.duration_seconds).toBe(1);
      const url = `/api/v1/time-entries/${ok.body.time_entry.id}`;

      const patched = await ctx.t.patch(url, { break_seconds: 600 }, { token });
      expect(patched.status).toBe(200);
      expect(patched.body.time_entry).toMatchObject({ break_seconds: 600, duration_seconds: 3000 });
      // Shrinking the span under the break it keeps is refused, on the break.
      const shrunk = await ctx.t.patch(url, { end_time: '2025-04-01T09:05:00Z' }, { token });
      expect([shrunk.status, shrunk.body.errors]).toEqual([
        400,
        { break_seconds: ["break_seconds must be less than the entry's span (300 s)"] },
      ]);
      const both = await ctx.t.put(url, { end_time: '2025-04-01T09:05:00Z', break_seconds: 60 }, { token });
      expect(both.body.time_entry).toMatchObject({ break_seconds: 60, duration_seconds: 240 });
      const unchanged = await ctx.t.get(url, { token });
      expect(unchanged.body.time_entry.duration_seconds).toBe(240);
    });

    it('should let a break be corrected on a running timer, within the time it has run', async () => {
      const { token } = await ctx.newToken({ scopes: SCOPES });
      const id = (await ctx.t.post('/api/v1/timer/start', { project_id: projectId }, { token })).body.timer
        .id as number;
      await backdate(id, { startAgo: 7200_000 });
      const tooLong = await ctx.t.patch(`/api/v1/time-entries/${id}`, { break_seconds: 7300 }, { token });
      expect([tooLong.status, Object.keys(tooLong.body.errors)]).toEqual([400, ['break_seconds']]);
      const lunch = await ctx.t.patch(`/api/v1/time-entries/${id}`, { break_seconds: 1800 }, { token });
      expect(lunch.status).toBe(200);
      expect(lunch.body.time_entry.duration_seconds).toBeGreaterThanOrEqual(5399);
      expect(lunch.body.time_entry.duration_seconds).toBeLessThanOrEqual(5410);
      const stopped = await ctx.t.post('/api/v1/timer/stop', undefined, { token });
      expect(stopped.body.time_entry.break_seconds).toBe(1800);
    });

    it('should, when an update ends a paused timer, count its pause up to the end as break', async () => {
      const { token } = await ctx.newToken({ scopes: SCOPES });
      const id = (await ctx.t.post('/api/v1/timer/start', { project_id: projectId }, { token })).body.timer
        .id as number;
      expect((await ctx.t.post('/api/v1/timer/pause', undefined, { token })).status).toBe(200);
      const start = Date.now() - 3 * 3600_000;
      const { TimeEntryEntity } = await import('../../../src/modules/time-entries/time-entry.entity');
      await ctx.t.dataSource
        .getRepository(TimeEntryEntity)
        .update(id, { startTime: new Date(start), pausedAt: new Date(start + 3600_000) });
      const end = new Date(start + 2 * 3600_000).toISOString();
      const res = await ctx.t.patch(`/api/v1/time-entries/${id}`, { end_time: end }, { token });
      expect(res.status).toBe(200);
      expect(res.body.time_entry).toMatchObject({
        is_active: false,
        paused: false,
        paused_at: null,
        break_seconds: 3600,
        duration_seconds: 3600,
      });
    });
  });
});
