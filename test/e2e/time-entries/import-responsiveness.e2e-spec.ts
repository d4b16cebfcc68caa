import { ADMIN_TOKEN, createTestContext, type TestContext } from '../../support/factories';
import { probeHealthDuring } from '../../support/health-probes';

jest.setTimeout(300_000);

const SCOPES = ['read:time_entries', 'write:time_entries'];
const URL = '/api/v1/time-entries/import-csv';
/** Enough rows that the import lasts far longer than a few health round trips, on either database. */
const ROWS = 20_000;
/** Health answers required while the import runs: a blocked event loop gives one or two at most. */
const MIN_ANSWERS = 10;

describe('CSV import responsiveness', () => {
  let ctx: TestContext;
  let projectId: number;

  beforeAll(async () => {
    ctx = await createTestContext();
    projectId = (await ctx.t.post('/api/v1/projects', { name: 'Responsive Import' }, { token: ADMIN_TOKEN })).body
      .project.id as number;
  });

  afterAll(async () => {
    await ctx.close();
  });

  /** `rows` half-hour entries an hour apart, from 2020-01-01. */
  const csv = (rows: number) => {
    const lines = ['project_id,start_time,end_time,notes'];
    const base = Date.UTC(2020, 0, 1);
    for (let i = 0; i < rows; i++) {
      const start = new Date(base + i * 3_600_000);
      lines.push(`${projectId},${start.toISOString()},${new Date(start.getTime() + 1_800_000).toISOString()},row ${i}`);
    }
    return lines.join('\n');
  };

  it('should answer health probes while a large import runs', async () => {
    const { token } = await ctx.newToken({ scopes: SCOPES });
    const importing = ctx.t.request('POST', URL, {
      token,
      rawBody: csv(ROWS),
      headers: { 'content-type': 'text/csv' },
    });
    const { answered, result: response } = await probeHealthDuring(ctx, importing);
    expect(response.status).toBe(201);
    expect(answered).toBeGreaterThanOrEqual(MIN_ANSWERS);
  });

  it('should answer health probes while a large import that will be refused runs, and write nothing', async () => {
    const { token } = await ctx.newToken({ scopes: SCOPES });
    // The last row overlaps the first: the whole import is refused after all its batches ran.
    const body = `${csv(ROWS)}\n${projectId},2020-01-01T00:10:00Z,2020-01-01T00:20:00Z,late overlap`;
    const importing = ctx.t.request('POST', URL, { token, rawBody: body, headers: { 'content-type': 'text/csv' } });
    const { answered, result: response } = await probeHealthDuring(ctx, importing);
    expect(response.status).toBe(422);
    expect(answered).toBeGreaterThanOrEqual(MIN_ANSWERS);
    const listed = await ctx.t.get('/api/v1/time-entries', { token, query: { per_page: 1 } });
    expect(listed.body.pagination.total).toBe(0);
  });
});
