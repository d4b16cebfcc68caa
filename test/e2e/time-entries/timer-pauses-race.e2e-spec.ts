import { ADMIN_TOKEN, createTestContext, RAISED_RATE_LIMITS, type TestContext } from '../../support/factories';
import { type ServerProcess, startServerProcess } from '../../support/server-process';
import { redisPrefixFor } from '../../support/test-app';
import { TEST_REDIS_URL } from '../../support/test-databases';

jest.setTimeout(120_000);

interface Entry {
  id: number;
  start_time: string;
  end_time: string | null;
  duration_seconds: number;
  break_seconds: number;
  paused: boolean;
  paused_at: string | null;
  is_active: boolean;
}

/**
 * Contract §12 under races: pauses, resumes and stops of one user's timer sent at once to two
 * server processes apply one after another. The entry they leave is consistent: the pause that
 * was open when they began is counted into the break exactly once, the break is never negative
 * nor longer than the span, and the duration is the span minus the break.
 */
describe('timer pauses under concurrent calls on two processes', () => {
  let ctx: TestContext;
  let other: ServerProcess;
  let projectId: number;

  beforeAll(async () => {
    ctx = await createTestContext({ env: RAISED_RATE_LIMITS, ...(TEST_REDIS_URL ? { redis: true } : {}) });
    other = await startServerProcess({
      ...RAISED_RATE_LIMITS,
      DATABASE_URL: ctx.t.databaseUrl,
      ...(TEST_REDIS_URL ? { REDIS_URL: TEST_REDIS_URL, REDIS_KEY_PREFIX: redisPrefixFor(ctx.t.databaseUrl) } : {}),
    });
    const project = await ctx.t.post('/api/v1/projects', { name: 'Raced' }, { token: ADMIN_TOKEN });
    projectId = project.body.project.id as number;
  });

  afterAll(async () => {
    await other?.stop();
    await ctx?.close();
  });

  const call = async (base: string, token: string, action: string) => {
    const res = await fetch(`${base}/api/v1/timer/${action}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
    });
    return { action, status: res.status, body: (await res.json()) as Record<string, unknown> };
  };

  /** A timer started two hours ago and paused an hour ago (the rows moved back, as if time had passed). */
  async function pausedTimer(token: string): Promise<number> {
    const id = (await ctx.t.post('/api/v1/timer/start', { project_id: projectId }, { token })).body.timer.id as number;
    expect((await ctx.t.post('/api/v1/timer/pause', undefined, { token })).status).toBe(200);
    const { TimeEntryEntity } = await import('../../../src/modules/time-entries/time-entry.entity');
    const now = Date.now();
    await ctx.t.dataSource
      .getRepository(TimeEntryEntity)
      .update(id, { startTime: new Date(now - 7200_000), pausedAt: new Date(now - 3600_000) });
    return id;
  }

  function assertConsistent(entry: Entry, raceSeconds: number) {
    const span = (Date.parse(entry.end_time!) - Date.parse(entry.start_time)) / 1000;
    // The hour-long pause, counted once, plus the pauses of the race itself (at most its length) and
    // a few seconds of a slow machine between the backdating and the race.
    expect(entry.break_seconds).toBeGreaterThanOrEqual(3599);
    expect(entry.break_seconds).toBeLessThanOrEqual(3610 + raceSeconds);
    expect(entry.break_seconds).toBeLessThan(span);
    expect(Math.abs(entry.duration_seconds - (span - entry.break_seconds))).toBeLessThanOrEqual(1);
    expect(entry).toMatchObject({ is_active: false, paused: false, paused_at: null });
  }

  it('should apply 20 parallel pauses, resumes and stops one after another, leaving a consistent entry', async () => {
    const { token } = await ctx.newToken({ scopes: ['read:time_entries', 'write:time_entries'] });
    const id = await pausedTimer(token);
    const actions = Array.from({ length: 20 }, (_, i) => (i === 13 ? 'stop' : i % 2 === 0 ? 'resume' : 'pause'));
    const began = Date.now();
    const answers = await Promise.all(
      actions.map((action, i) => call(i % 2 === 0 ? ctx.t.baseUrl : other.baseUrl, token, action)),
    );
    const raceSeconds = Math.ceil((Date.now() - began) / 1000);

    // Every call either applied or was refused for the state it found: nothing else.
    for (const answer of answers) {
      expect([answer.action, answer.status]).toEqual([answer.action, answer.status === 200 ? 200 : 409]);
      if (answer.status === 409) {
        expect(['conflict', 'no_active_timer']).toContain(answer.body.error_code);
      }
    }
    expect(answers.filter((a) => a.action === 'stop' && a.status === 200)).toHaveLength(1);
    const stopped = answers.find((a) => a.action === 'stop')!.body.time_entry as Entry;
    assertConsistent(stopped, raceSeconds);
    // No break was added after the stop, and the entry reads back as the stop left it.
    const got = (await ctx.t.get(`/api/v1/time-entries/${id}`, { token })).body.time_entry as Entry;
    expect(got).toMatchObject({
      break_seconds: stopped.break_seconds,
      duration_seconds: stopped.duration_seconds,
      end_time: stopped.end_time,
    });
    // The applied pauses and resumes alternated: a resume that applied found the timer paused.
    const applied = answers.filter((a) => a.status === 200 && a.action !== 'stop');
    const pauses = applied.filter((a) => a.action === 'pause').length;
    const resumes = applied.filter((a) => a.action === 'resume').length;
    expect(resumes - pauses).toBeGreaterThanOrEqual(0);
    expect(resumes - pauses).toBeLessThanOrEqual(1);
  });

  it('should count an open pause once when resumes race on both processes', async () => {
    const { token } = await ctx.newToken({ scopes: ['read:time_entries', 'write:time_entries'] });
    await pausedTimer(token);
    const began = Date.now();
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) => call(i % 2 === 0 ? ctx.t.baseUrl : other.baseUrl, token, 'resume')),
    );
    expect(answers.filter((a) => a.status === 200)).toHaveLength(1);
    expect(answers.filter((a) => a.status === 409 && a.body.error_code === 'conflict')).toHaveLength(19);
    const stop = await ctx.t.post('/api/v1/timer/stop', undefined, { token });
    assertConsistent(stop.body.time_entry as Entry, Math.ceil((Date.now() - began) / 1000));
    // Resumed once: the break is the hour, not two or twenty of them, and the timer ran on after it.
    expect((stop.body.time_entry as Entry).break_seconds).toBeLessThanOrEqual(3610);
  });
});
