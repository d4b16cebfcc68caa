import { ADMIN_TOKEN, createTestContext, type TestContext } from '../../support/factories';

jest.setTimeout(120_000);

const SCOPES = ['read:time_entries', 'write:time_entries'];
const URL = '/api/v1/time-entries/import-csv';
/** More valid rows than one import batch (500), so the overlap comes up in a later batch. */
const FIRST_BATCH = 500;
const OVERLAP = 'overlaps another of your time entries';

/**
 * The import's overlap search per batch starts at the batch's earliest start minus the user's
 * longest entry. These entries begin long before the batch that overlaps them.
 */
describe('CSV import overlap search', () => {
  let ctx: TestContext;
  let projectId: number;

  beforeAll(async () => {
    ctx = await createTestContext();
    projectId = (await ctx.t.post('/api/v1/projects', { name: 'Overlap Bound' }, { token: ADMIN_TOKEN })).body.project
      .id as number;
  });

  afterAll(async () => {
    await ctx.close();
  });

  const post = (token: string, lines: string[], query: Record<string, string> = {}) =>
    ctx.t.request('POST', URL, {
      token,
      rawBody: ['project_id,start_time,end_time', ...lines].join('\n'),
      query,
      headers: { 'content-type': 'text/csv' },
    });
  const row = (start: string, end: string) => `${projectId},${start},${end}`;
  /** `n` one-hour rows, a day apart, from `from`: none overlaps another. */
  const daily = (from: string, n: number) =>
    Array.from({ length: n }, (_, i) => {
      const start = new Date(Date.parse(from) + i * 86_400_000);
      return row(start.toISOString(), new Date(start.getTime() + 3_600_000).toISOString());
    });
  const total = (token: string) =>
    ctx.t.get('/api/v1/time-entries', { token, query: { per_page: 1 } }).then((r) => r.body.pagination.total as number);

  it("should refuse a row inside an existing long entry, far after the entry's start", async () => {
    const { token } = await ctx.newToken({ scopes: SCOPES });
    // 60 days long; the later batch starts 50 days after it began.
    const long = await ctx.t.post(
      '/api/v1/time-entries',
      { project_id: projectId, start_time: '2021-01-01T00:00:00Z', end_time: '2021-03-02T00:00:00Z' },
      { token },
    );
    expect(long.status).toBe(201);
    const lines = [
      ...daily('2019-01-01T09:00:00Z', FIRST_BATCH),
      row('2021-02-20T09:00:00Z', '2021-02-20T10:00:00Z'),
      ...daily('2021-03-10T09:00:00Z', 20),
    ];
    const res = await post(token, lines);
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ created: 0, failed: 1 });
    // Row 1 is the header.
    expect(res.body.errors).toEqual([{ row: FIRST_BATCH + 2, field: 'start_time', error: OVERLAP }]);
    expect(await total(token)).toBe(1);

    const partial = await post(token, lines, { atomic: 'false' });
    expect(partial.status).toBe(201);
    expect(partial.body).toMatchObject({ created: lines.length - 1, failed: 1 });
  });

  it("should refuse a row inside a long row of an earlier batch of the same import, far after that row's start", async () => {
    const { token } = await ctx.newToken({ scopes: SCOPES });
    const lines = [
      ...daily('2019-01-01T09:00:00Z', FIRST_BATCH - 1),
      // The first batch's last row: 30 days.
      row('2022-01-01T00:00:00Z', '2022-01-31T00:00:00Z'),
      row('2022-01-25T09:00:00Z', '2022-01-25T10:00:00Z'),
      ...daily('2022-02-10T09:00:00Z', 20),
    ];
    const res = await post(token, lines);
    expect(res.status).toBe(422);
    expect(res.body.errors).toEqual([{ row: FIRST_BATCH + 2, field: 'start_time', error: OVERLAP }]);
    expect(await total(token)).toBe(0);
  });

  it('should accept rows that only touch a long entry at its ends', async () => {
    const { token } = await ctx.newToken({ scopes: SCOPES });
    const long = await ctx.t.post(
      '/api/v1/time-entries',
      { project_id: projectId, start_time: '2023-01-01T00:00:00Z', end_time: '2023-03-01T00:00:00Z' },
      { token },
    );
    expect(long.status).toBe(201);
    const lines = [
      ...daily('2019-01-01T09:00:00Z', FIRST_BATCH),
      row('2022-12-31T23:00:00Z', '2023-01-01T00:00:00Z'),
      row('2023-03-01T00:00:00Z', '2023-03-01T01:00:00Z'),
    ];
    const res = await post(token, lines);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ created: lines.length, failed: 0 });
  });
});
