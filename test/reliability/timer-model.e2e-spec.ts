import fc from 'fast-check';
import { ADMIN_TOKEN, createTestContext, RAISED_RATE_LIMITS, type TestContext } from '../support/factories';

jest.setTimeout(120_000);

/** What the API should hold for one user: the running entry, and the completed entries made. */
interface Model {
  running: number | null;
  completed: number[];
}

interface Real {
  ctx: TestContext;
  token: string;
  projectId: number;
  slot: { next: number };
}

const as = (r: Real) => ({ token: r.token });

class Start implements fc.AsyncCommand<Model, Real> {
  check = () => true;
  async run(m: Model, r: Real) {
    const res = await r.ctx.t.post('/api/v1/timer/start', { project_id: r.projectId }, as(r));
    if (m.running === null) {
      expect(res.status).toBe(201);
      m.running = res.body.timer.id as number;
    } else {
      expect(res.status).toBe(409);
      expect(res.body.error_code).toBe('timer_already_running');
    }
  }
  toString = () => 'start';
}

class Stop implements fc.AsyncCommand<Model, Real> {
  check = () => true;
  async run(m: Model, r: Real) {
    const res = await r.ctx.t.post('/api/v1/timer/stop', undefined, as(r));
    if (m.running === null) {
      expect(res.status).toBe(409);
      expect(res.body.error_code).toBe('no_active_timer');
    } else {
      expect(res.status).toBe(200);
      expect(res.body.time_entry.id).toBe(m.running);
      expect(res.body.time_entry.end_time).not.toBeNull();
      m.completed.push(m.running);
      m.running = null;
    }
  }
  toString = () => 'stop';
}

/** A completed entry in its own past hour (never overlapping another). */
class CreateCompleted implements fc.AsyncCommand<Model, Real> {
  check = () => true;
  async run(m: Model, r: Real) {
    const start = Date.UTC(2024, 0, 1) + r.slot.next++ * 3_600_000;
    const res = await r.ctx.t.post(
      '/api/v1/time-entries',
      {
        project_id: r.projectId,
        start_time: new Date(start).toISOString(),
        end_time: new Date(start + 1_800_000).toISOString(),
      },
      as(r),
    );
    expect(res.status).toBe(201);
    m.completed.push(res.body.time_entry.id as number);
  }
  toString = () => 'create';
}

class DeleteOne implements fc.AsyncCommand<Model, Real> {
  constructor(private readonly pickRunning: boolean) {}
  check = (m: Readonly<Model>) => (this.pickRunning ? m.running !== null : m.completed.length > 0);
  async run(m: Model, r: Real) {
    const id = this.pickRunning ? (m.running as number) : (m.completed.at(-1) as number);
    const res = await r.ctx.t.delete(`/api/v1/time-entries/${id}`, as(r));
    if (this.pickRunning) {
      // A running entry is stopped, not deleted.
      expect(res.status).toBe(409);
    } else {
      expect(res.status).toBe(200);
      m.completed.pop();
    }
  }
  toString = () => (this.pickRunning ? 'delete running' : 'delete completed');
}

/** After every step: status and the entry list agree with the model (at most one running, no overlaps). */
async function expectAgreement(m: Model, r: Real) {
  const status = await r.ctx.t.get('/api/v1/timer/status', as(r));
  expect(status.body.active).toBe(m.running !== null);
  expect(status.body.timer?.id ?? null).toBe(m.running);
  const list = await r.ctx.t.get('/api/v1/time-entries', { ...as(r), query: { per_page: 100, include_active: true } });
  const ids = (list.body.time_entries as Array<{ id: number; end_time: string | null }>).map((e) => e.id).sort();
  expect(ids).toEqual([...m.completed, ...(m.running === null ? [] : [m.running])].sort());
  expect(
    list.body.time_entries.filter((e: { end_time: string | null }) => e.end_time === null).length,
  ).toBeLessThanOrEqual(1);
  // No two completed entries overlap, however fast starts and stops follow each other.
  const completed = (list.body.time_entries as Array<{ start_time: string; end_time: string | null }>)
    .filter((e) => e.end_time !== null)
    .map((e) => [Date.parse(e.start_time), Date.parse(e.end_time as string)])
    .sort((a, b) => a[0] - b[0]);
  for (let i = 1; i < completed.length; i++) expect(completed[i][0]).toBeGreaterThanOrEqual(completed[i - 1][1]);
}

class Checked implements fc.AsyncCommand<Model, Real> {
  constructor(private readonly inner: fc.AsyncCommand<Model, Real>) {}
  check = (m: Readonly<Model>) => this.inner.check(m);
  async run(m: Model, r: Real) {
    await this.inner.run(m, r);
    await expectAgreement(m, r);
  }
  toString = () => this.inner.toString();
}

/** fast-check drives start/stop/create/delete against the API and an in-memory model of one user. */
describe('timer and entries against a model', () => {
  let ctx: TestContext;
  let projectId: number;

  beforeAll(async () => {
    ctx = await createTestContext({
      env: RAISED_RATE_LIMITS,
    });
    projectId = (await ctx.t.post('/api/v1/projects', { name: 'Model' }, { token: ADMIN_TOKEN })).body.project.id;
  });

  afterAll(async () => {
    await ctx.close();
  });

  it('should agree with the model after every command, with at most one running entry', async () => {
    const commands = fc.commands(
      [
        fc.constant(new Checked(new Start())),
        fc.constant(new Checked(new Stop())),
        fc.constant(new Checked(new CreateCompleted())),
        fc.boolean().map((running) => new Checked(new DeleteOne(running))),
      ],
      { maxCommands: 12 },
    );
    await fc.assert(
      fc.asyncProperty(commands, async (cmds) => {
        const { token } = await ctx.newToken({ scopes: ['read:time_entries', 'write:time_entries'] });
        const real: Real = { ctx, token, projectId, slot: { next: 0 } };
        await fc.asyncModelRun(() => ({ model: { running: null, completed: [] }, real }), cmds);
      }),
      { numRuns: 15 },
    );
  });
});
