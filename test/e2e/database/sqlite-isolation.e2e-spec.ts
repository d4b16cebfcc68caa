import { ADMIN_TOKEN, createTestContext, RAISED_RATE_LIMITS, type TestContext } from '../../support/factories';

jest.setTimeout(300_000);

const SCOPES = ['read:time_entries', 'write:time_entries'];
/** Enough rows that the import's transaction stays open across many reads, on either database. */
const ROWS = 20_000;
/** Reads required while the import runs, so that the test proves something. */
const MIN_READS = 5;

/**
 * Reads never see a transaction's uncommitted rows: on SQLite transactions run on a connection of
 * their own (TransactionService), as on PostgreSQL, so a read served while an import's transaction
 * awaits sees the data as last committed.
 */
describe('read isolation from open transactions', () => {
  let ctx: TestContext;
  let projectId: number;

  beforeAll(async () => {
    ctx = await createTestContext({ env: RAISED_RATE_LIMITS });
    projectId = (await ctx.t.post('/api/v1/projects', { name: 'Isolation' }, { token: ADMIN_TOKEN })).body.project
      .id as number;
  });

  afterAll(async () => {
    await ctx.close();
  });

  const total = async (token: string): Promise<number> => {
    const res = await ctx.t.get('/api/v1/time-entries', { token, query: { per_page: 1 } });
    expect(res.status).toBe(200);
    return res.body.pagination.total as number;
  };

  /** `rows` half-hour entries an hour apart, from 2020-01-01, then one that overlaps the first. */
  const refusedCsv = (rows: number) => {
    const lines = ['project_id,start_time,end_time,notes'];
    const base = Date.UTC(2020, 0, 1);
    for (let i = 0; i < rows; i++) {
      const start = new Date(base + i * 3_600_000);
      lines.push(`${projectId},${start.toISOString()},${new Date(start.getTime() + 1_800_000).toISOString()},row ${i}`);
    }
    lines.push(`${projectId},2020-01-01T00:10:00Z,2020-01-01T00:20:00Z,late overlap`);
    return lines.join('\n');
  };

  it("should not show an import's rows to reads while it runs, nor after it is refused", async () => {
    const { token } = await ctx.newToken({ scopes: SCOPES });
    const slot = { project_id: projectId, start_time: '2019-06-01T09:00:00Z', end_time: '2019-06-01T10:00:00Z' };
    expect((await ctx.t.post('/api/v1/time-entries', slot, { token })).status).toBe(201);
    const before = await total(token);
    expect(before).toBe(1);

    let done = false;
    const importing = ctx.t
      .request('POST', '/api/v1/time-entries/import-csv', {
        token,
        rawBody: refusedCsv(ROWS),
        headers: { 'content-type': 'text/csv' },
      })
      .finally(() => (done = true));
    const seen: number[] = [];
    while (!done) seen.push(await total(token));
    const response = await importing;

    expect(response.status).toBe(422);
    expect(response.body.created).toBe(0);
    expect(seen.length).toBeGreaterThanOrEqual(MIN_READS);
    expect(seen.filter((n) => n !== before)).toEqual([]);
    expect(await total(token)).toBe(before);
  });

  it('should show a committed write to the very next read', async () => {
    const { token } = await ctx.newToken({ scopes: SCOPES });
    for (let day = 1; day <= 5; day++) {
      const slot = {
        project_id: projectId,
        start_time: `2021-02-0${day}T09:00:00Z`,
        end_time: `2021-02-0${day}T10:00:00Z`,
      };
      const created = await ctx.t.post('/api/v1/time-entries', slot, { token });
      expect(created.status).toBe(201);
      const got = await ctx.t.get(`/api/v1/time-entries/${created.body.time_entry.id}`, { token });
      expect(got.status).toBe(200);
      expect(got.body.time_entry).toEqual(created.body.time_entry);
      expect(await total(token)).toBe(day);
    }
  });
});
