import { runExample } from '../../../examples/timer-client';
import { ADMIN_TOKEN, createTestContext, type TestContext } from '../../support/factories';

describe('examples/timer-client.ts', () => {
  let ctx: TestContext;

  beforeAll(async () => {
    ctx = await createTestContext();
  });

  afterAll(async () => {
    await ctx.close();
  });

  it('should create a project, run a timer with a break, read the summary and PUT with If-Match through the typed client', async () => {
    const { token } = await ctx.newToken({
      scopes: ['read:projects', 'write:projects', 'write:time_entries', 'read:reports'],
    });
    const lines: string[] = [];
    const result = await runExample(ctx.t.baseUrl, token, (line) => lines.push(line));
    expect(result.projectEntries).toBe(1);
    expect(result.totalHours).toBeGreaterThanOrEqual(0);
    expect(lines[0]).toMatch(/^created project \d+/);
    expect(lines[2]).toMatch(/^timer paused at \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(lines[3]).toMatch(/^timer resumed after a break of [1-9] s$/);
    expect(lines[4]).toMatch(/^timer stopped after 00:00:0[1-9] of work$/);
    expect(lines[5]).toMatch(/^summary: 1 entr/);
    expect(lines[6]).toMatch(/^project \d+ updated with If-Match "[A-Za-z0-9_-]{27}"$/);
    expect(lines[7]).toMatch(/^changed last: Example project \d+/);
    const entry = await ctx.t.get(`/api/v1/time-entries/${result.timeEntryId}`, { token: ADMIN_TOKEN });
    expect(entry.body.time_entry).toMatchObject({
      project_id: result.projectId,
      source: 'timer',
      is_active: false,
      paused: false,
      notes: 'Trying the API',
    });
    expect(entry.body.time_entry.break_seconds).toBeGreaterThanOrEqual(1);
  });
});
