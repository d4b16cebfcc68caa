import { ADMIN_TOKEN, createTestContext, type TestContext } from '../../support/factories';

jest.setTimeout(120_000);

const URL = '/api/v1/time-entries/import-csv';
// Not a whole number of MiB: the 413 gives the limit in bytes.
const CSV_LIMIT = 1_500_000;

describe('CSV import request bodies', () => {
  let ctx: TestContext;
  let projectId: number;
  let day = 0;

  beforeAll(async () => {
    ctx = await createTestContext({ env: { CSV_IMPORT_MAX_BYTES: String(CSV_LIMIT) } });
    projectId = (await ctx.t.post('/api/v1/projects', { name: 'Raw bodies' }, { token: ADMIN_TOKEN })).body.project
      .id as number;
  });

  afterAll(async () => {
    await ctx.close();
  });

  /** A one-row CSV on a day of its own, so that imports never overlap. */
  const oneRow = () => {
    const date = new Date(Date.UTC(2025, 0, 1) + ++day * 86_400_000).toISOString().slice(0, 10);
    return `project_id,start_time,end_time\n${projectId},${date}T09:00:00Z,${date}T10:00:00Z\n`;
  };
  const post = (path: string, rawBody: string | Buffer, contentType: string) =>
    ctx.t.request('POST', path, { token: ADMIN_TOKEN, rawBody, headers: { 'content-type': contentType } });

  it.each([
    'text/csv',
    'text/csv; charset=utf-8',
    'application/csv',
    'text/plain',
    'text/plain; charset=UTF-8',
    'application/octet-stream',
  ])('should import a raw body typed %s', async (contentType) => {
    const res = await post(URL, oneRow(), contentType);
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ created: 1, failed: 0, errors: [], dry_run: false });
  });

  it('should refuse a raw body in a charset other than UTF-8 with 415', async () => {
    const res = await post(URL, oneRow(), 'text/csv; charset=utf-16');
    expect(res.status).toBe(415);
    expect(res.body.error_code).toBe('unsupported_media_type');
    expect(res.body.message).toMatch(/UTF-8/);
  });

  it.each(['text/plain', 'application/octet-stream', 'text/csv', 'application/csv'])(
    'should still refuse a %s body on a JSON route with 415',
    async (contentType) => {
      const res = await post('/api/v1/projects', 'name\nx\n', contentType);
      expect(res.status).toBe(415);
      expect(res.body.error_code).toBe('unsupported_media_type');
    },
  );

  it('should accept a raw CSV over 1 MiB and under CSV_IMPORT_MAX_BYTES', async () => {
    const csv = oneRow() + '\n'.repeat(1_200_000);
    const res = await post(URL, csv, 'text/csv');
    expect(res.status).toBe(201);
    expect(res.body.created).toBe(1);
  });

  it('should name the CSV limit in the 413 of a raw CSV and of a multipart file', async () => {
    const big = Buffer.alloc(CSV_LIMIT + 1, 'a');
    for (const contentType of ['text/csv', 'text/plain']) {
      const raw = await post(URL, big, contentType);
      expect(raw.status).toBe(413);
      expect(raw.body.error_code).toBe('payload_too_large');
      expect(raw.body.message).toMatch(/1500000-byte limit/);
      expect(raw.body.message).not.toMatch(/1 MiB/);
    }
    const form = new FormData();
    form.append('file', new Blob([big]), 'big.csv');
    const multipart = await ctx.t.request('POST', URL, { token: ADMIN_TOKEN, form });
    expect(multipart.status).toBe(413);
    expect(multipart.body.error_code).toBe('payload_too_large');
    expect(multipart.body.message).toMatch(/1500000-byte limit/);
  });

  it('should name the 1 MiB limit in the 413 of a JSON body, on the import route too', async () => {
    const json = JSON.stringify({ csv: 'x'.repeat(1024 * 1024) });
    for (const path of [URL, '/api/v1/projects']) {
      const res = await post(path, json, 'application/json');
      expect(res.status).toBe(413);
      expect(res.body.error_code).toBe('payload_too_large');
      expect(res.body.message).toMatch(/1 MiB/);
    }
  });
});
