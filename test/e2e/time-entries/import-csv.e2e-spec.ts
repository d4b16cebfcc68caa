import { ADMIN_TOKEN, createTestContext, type TestContext } from '../../support/factories';

jest.setTimeout(120_000);

const SCOPES = ['read:time_entries', 'write:time_entries'];
const URL = '/api/v1/time-entries/import-csv';

describe('CSV import', () => {
  let ctx: TestContext;
  const admin = { token: ADMIN_TOKEN };
  let projectId: number;
  let taskId: number;

  beforeAll(async () => {
    ctx = await createTestContext({
      env: { CSV_IMPORT_MAX_ROWS: '12000', CSV_IMPORT_MAX_BYTES: String(2 * 1024 * 1024) },
    });
    const clientId = (await ctx.t.post('/api/v1/clients', { name: 'Importer Client' }, admin)).body.client.id as number;
    projectId = (await ctx.t.post('/api/v1/projects', { name: 'Import Project', client_id: clientId }, admin)).body
      .project.id as number;
    taskId = (await ctx.t.post('/api/v1/tasks', { name: 'Import Task', project_id: projectId }, admin)).body.task
      .id as number;
  });

  afterAll(async () => {
    await ctx.close();
  });

  const csvPost = (
    token: string,
    csv: string | Buffer,
    query: Record<string, string> = {},
    headers: Record<string, string> = {},
  ) => ctx.t.request('POST', URL, { token, rawBody: csv, query, headers: { 'content-type': 'text/csv', ...headers } });
  const count = (token: string) =>
    ctx.t.get('/api/v1/time-entries', { token, query: { per_page: 1 } }).then((r) => r.body.pagination.total as number);

  it('should import from JSON {csv}, JSON {data}, text/csv and a multipart file', async () => {
    const { token } = await ctx.newToken({ scopes: SCOPES });
    const row = (day: number) =>
      `${projectId},2025-02-${String(day).padStart(2, '0')}T09:00:00Z,2025-02-${String(day).padStart(2, '0')}T10:00:00Z`;
    const header = 'project_id,start_time,end_time';
    const viaCsv = await ctx.t.post(URL, { csv: `${header}\n${row(1)}\n` }, { token });
    expect(viaCsv.status).toBe(201);
    expect(viaCsv.body).toEqual({ created: 1, failed: 0, errors: [], dry_run: false });
    expect((await ctx.t.post(URL, { data: `${header}\n${row(2)}` }, { token })).body.created).toBe(1);
    expect((await csvPost(token, `${header}\r\n${row(3)}\r\n`)).body.created).toBe(1);
    const form = new FormData();
    form.append('file', new Blob([`${header}\n${row(4)}\n${row(5)}\n`], { type: 'text/csv' }), 'entries.csv');
    const multipart = await ctx.t.request('POST', URL, { token, form });
    expect(multipart.status).toBe(201);
    expect(multipart.body.created).toBe(2);
    const listed = await ctx.t.get('/api/v1/time-entries', { token });
    expect(listed.body.pagination.total).toBe(5);
    expect(listed.body.time_entries[0]).toMatchObject({
      source: 'import',
      project: 'Import Project',
      client: 'Importer Client',
      duration_seconds: 3600,
    });
  });

  it('should match names case-insensitively, strip a BOM, read ; and durations', async () => {
    const { token } = await ctx.newToken({ scopes: SCOPES });
    const csv =
      '\uFEFFProject;Task;Start;Duration;Description;Tags;Billable\n' +
      'import project;IMPORT TASK;2025-02-10 09:00;1:30;"Notes; with semicolon";a, b;no\n' +
      'Import Project;;2025-02-11T09:00:00+01:00;2.25;;;\n';
    const res = await csvPost(token, csv);
    expect(res.status).toBe(201);
    expect(res.body.created).toBe(2);
    const entries = (await ctx.t.get('/api/v1/time-entries', { token })).body.time_entries;
    expect(entries[1]).toMatchObject({
      task_id: taskId,
      start_time: '2025-02-10T09:00:00Z',
      end_time: '2025-02-10T10:30:00Z',
      notes: 'Notes; with semicolon',
      tag_list: ['a', 'b'],
      billable: false,
    });
    expect(entries[0]).toMatchObject({
      start_time: '2025-02-11T08:00:00Z',
      duration_seconds: 8100,
      billable: true,
      task_id: null,
    });
  });

  it('should read an optional break column (minutes or HH:MM[:SS]) inside the span, duration being worked time', async () => {
    const { token } = await ctx.newToken({ scopes: SCOPES });
    const csv = [
      'Project,Start,End,Duration,Break',
      'Import Project,2025-05-05T09:00:00Z,2025-05-05T17:00:00Z,,30',
      'Import Project,2025-05-06T09:00:00Z,2025-05-06T17:00:00Z,,0:45',
      'Import Project,2025-05-07T09:00:00Z,,7:30,00:30:15',
      'Import Project,2025-05-08T09:00:00Z,2025-05-08T10:00:00Z,,',
      'Import Project,2025-05-09T09:00:00Z,2025-05-09T10:00:00Z,,60',
      'Import Project,2025-05-10T09:00:00Z,2025-05-10T10:00:00Z,,1.5',
    ].join('\n');
    const res = await csvPost(token, csv, { atomic: 'false' });
    expect(res.body).toEqual({
      created: 4,
      failed: 2,
      dry_run: false,
      errors: [
        { row: 6, field: 'break', error: "break must be less than the entry's span (3600 s)" },
        { row: 7, field: 'break', error: 'break must be minutes (30) or HH:MM' },
      ],
    });
    const listed = await ctx.t.get('/api/v1/time-entries', { token, query: { sort: 'start_time' } });
    expect(
      listed.body.time_entries.map((e: Record<string, unknown>) => [e.end_time, e.break_seconds, e.duration_seconds]),
    ).toEqual([
      ['2025-05-05T17:00:00Z', 1800, 27_000],
      ['2025-05-06T17:00:00Z', 2700, 26_100],
      // Start plus the worked duration plus the break.
      ['2025-05-07T17:00:15Z', 1815, 27_000],
      ['2025-05-08T10:00:00Z', 0, 3600],
    ]);
  });

  it('should write nothing in atomic mode when any row fails, and report each row', async () => {
    const { token } = await ctx.newToken({ scopes: SCOPES });
    const csv = [
      'project_id,task_id,start_time,end_time,billable',
      `${projectId},,2025-03-01T09:00:00Z,2025-03-01T10:00:00Z,true`,
      `999999,,2025-03-02T09:00:00Z,2025-03-02T10:00:00Z,true`,
      `${projectId},,2025-03-03,2025-03-03T10:00:00Z,maybe`,
      `${projectId},,2025-03-04T11:00:00Z,2025-03-04T10:00:00Z,true`,
      `${projectId},,2025-03-01T09:30:00Z,2025-03-01T09:45:00Z,true`,
    ].join('\n');
    const res = await csvPost(token, csv);
    expect(res.status).toBe(422);
    expect(res.body.created).toBe(0);
    // Four rows failed; row 4 has two errors.
    expect(res.body.failed).toBe(4);
    expect(res.body.errors).toEqual([
      { row: 3, field: 'project', error: 'No such project' },
      { row: 4, field: 'start_time', error: 'start_time must be an ISO 8601 date-time' },
      { row: 4, field: 'billable', error: 'billable must be true/false, yes/no or 1/0' },
      { row: 5, field: 'end_time', error: 'end_time must be after start_time' },
      { row: 6, field: 'start_time', error: 'overlaps another of your time entries' },
    ]);
    expect(await count(token)).toBe(0);

    const partial = await csvPost(token, csv, { atomic: 'false' });
    expect(partial.status).toBe(201);
    expect(partial.body).toMatchObject({ created: 1, failed: 4 });
    expect(await count(token)).toBe(1);
  });

  it('should count failed rows, not their errors', async () => {
    const { token } = await ctx.newToken({ scopes: SCOPES });
    const csv = [
      'project_id,start_time,end_time,billable',
      `${projectId},2025-03-10T09:00:00Z,2025-03-10T10:00:00Z,yes`,
      `${projectId},2025-03-11,2025-03-11T10:00:00Z,maybe`,
      `${projectId},2025-03-12T09:00:00Z,2025-03-12T10:00:00Z,no`,
    ].join('\n');
    const res = await csvPost(token, csv, { atomic: 'false' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ created: 2, failed: 1 });
    expect(res.body.errors.map((e: { row: number; field: string }) => [e.row, e.field])).toEqual([
      [3, 'start_time'],
      [3, 'billable'],
    ]);
  });

  it('should refuse huge, non-finite and out-of-range values as row errors, as the JSON API does, never 500', async () => {
    const { token } = await ctx.newToken({ scopes: SCOPES });
    const rows: Array<[string, Array<[string, string]>]> = [
      [`${projectId},,2025-07-01T09:00:00Z,99999999999999999999,`, [['duration', 'at most 10 years']]],
      [`${projectId},,2025-07-02T09:00:00Z,99999999,`, [['duration', 'at most 10 years']]],
      [`${projectId},,2025-07-03T09:00:00Z,87661,`, [['duration', 'at most 10 years']]],
      [`${projectId},,2025-07-04T09:00:00Z,${'9'.repeat(400)},`, [['duration', 'at most 10 years']]],
      [`${projectId},,2025-07-05T09:00:00Z,99999999999999999999:00,`, [['duration', 'at most 10 years']]],
      [`${projectId},,2025-07-06T09:00:00Z,NaN,`, [['duration', 'hours']]],
      [`${projectId},,2025-07-07T09:00:00Z,1e400,`, [['duration', 'hours']]],
      [`${projectId},,2024-03-14T10:00:00Z,,2124-03-14T11:00:00Z`, [['end_time', 'at most 10 years']]],
      [`${projectId},,9999-12-31T23:00:00Z,2,`, [['duration', '9999-12-31']]],
      [`${projectId},,2025-07-08T09:00:00Z,,9999-12-31T23:30:00-14:00`, [['end_time', '9999-12-31']]],
      [`${projectId},,10000-01-01T00:00:00Z,1,`, [['start_time', 'ISO 8601']]],
      [`${projectId},,Infinity,1,`, [['start_time', 'ISO 8601']]],
      [`99999999999,,2025-07-09T09:00:00Z,1,`, [['project_id', '2147483647']]],
      [`2147483648,,2025-07-09T09:00:00Z,1,`, [['project_id', '2147483647']]],
      [`-1,,2025-07-09T09:00:00Z,1,`, [['project_id', '2147483647']]],
      [`1e3,,2025-07-09T09:00:00Z,1,`, [['project_id', '2147483647']]],
      [`${projectId},99999999999999999999,2025-07-09T09:00:00Z,1,`, [['task_id', '2147483647']]],
      [`${projectId},0,2025-07-09T09:00:00Z,1,`, [['task_id', '2147483647']]],
      [`${projectId},NaN,2025-07-09T09:00:00Z,1,`, [['task_id', '2147483647']]],
    ];
    const csv = ['project_id,task_id,start_time,duration,end_time', ...rows.map(([row]) => row)].join('\n');
    const res = await csvPost(token, csv);
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ created: 0, failed: rows.length });
    const expected = rows.flatMap(([, errors], i) =>
      errors.map(([field, error]) => ({ row: i + 2, field, error: expect.stringContaining(error) })),
    );
    expect(res.body.errors).toEqual(expected);
    expect((await csvPost(token, csv, { atomic: 'false' })).body).toMatchObject({ created: 0, failed: rows.length });
    expect(await count(token)).toBe(0);

    // The limits themselves are fine: 10 years exactly, ids up to the column's maximum (missing here).
    const edge = [
      'project_id,client_id,start_time,duration',
      `${projectId},,2030-01-01T00:00:00Z,87660`,
      `2147483647,,2045-01-01T00:00:00Z,1`,
      `,2147483647,2045-01-02T00:00:00Z,1`,
    ].join('\n');
    const partial = await csvPost(token, edge, { atomic: 'false' });
    expect(partial.status).toBe(201);
    expect(partial.body).toEqual({
      created: 1,
      failed: 2,
      errors: [
        { row: 3, field: 'project', error: 'No such project' },
        { row: 4, field: 'client', error: 'No such client' },
      ],
      dry_run: false,
    });
    const [entry] = (await ctx.t.get('/api/v1/time-entries', { token })).body.time_entries;
    expect(entry).toMatchObject({
      start_time: '2030-01-01T00:00:00Z',
      end_time: '2040-01-01T12:00:00Z',
      duration_seconds: 315_576_000,
    });
  });

  it("should report a cell holding U+0000 as its row's error, and import the other rows when not atomic", async () => {
    const { token } = await ctx.newToken({ scopes: SCOPES });
    const csv = [
      'project,start_time,end_time,notes,tags,comment',
      `Import Project,2025-05-01T09:00:00Z,2025-05-01T10:00:00Z,fine,a,ignored\0column`,
      `Import\0Project,2025-05-02T09:00:00Z,2025-05-02T10:00:00Z,nul\0note,b\0c,`,
    ].join('\n');
    const atomic = await csvPost(token, Buffer.from(csv));
    expect(atomic.status).toBe(422);
    expect(atomic.body.errors).toEqual([
      { row: 3, field: 'project', error: 'project must not contain the NUL character (U+0000)' },
      { row: 3, field: 'notes', error: 'notes must not contain the NUL character (U+0000)' },
      { row: 3, field: 'tags', error: 'tags must not contain the NUL character (U+0000)' },
    ]);
    expect(await count(token)).toBe(0);
    const partial = await csvPost(token, Buffer.from(csv), { atomic: 'false' });
    expect(partial.status).toBe(201);
    expect(partial.body).toMatchObject({ created: 1, failed: 1 });
    const [entry] = (await ctx.t.get('/api/v1/time-entries', { token })).body.time_entries;
    expect(entry).toMatchObject({ project: 'Import Project', notes: 'fine', tags: 'a' });
  });

  it('should answer a multipart body the parser cannot read with 400 bad_request, writing nothing', async () => {
    const { token } = await ctx.newToken({ scopes: SCOPES });
    const row = `${projectId},2025-06-01T09:00:00Z,2025-06-01T10:00:00Z`;
    const bodies: Array<[string, string]> = [
      ['multipart/form-data', 'no boundary at all'],
      ['multipart/form-data; boundary=xx', `project_id,start_time,end_time\n${row}\n`],
      [
        'multipart/form-data; boundary=xx',
        `--xx\r\nContent-Disposition: form-data; name="file"; filename="a.csv"\r\n\r\nproject_id,start_time,end_time\n${row}`,
      ],
    ];
    for (const [contentType, body] of bodies) {
      const res = await csvPost(token, body, {}, { 'content-type': contentType });
      expect([contentType, res.status, res.body.error_code]).toEqual([contentType, 400, 'bad_request']);
      expect(res.body.message).toBe('The multipart body could not be read.');
    }
    expect(await count(token)).toBe(0);
    const whole = `--xx\r\nContent-Disposition: form-data; name="file"; filename="a.csv"\r\n\r\nproject_id,start_time,end_time\n${row}\r\n--xx--\r\n`;
    const res = await csvPost(token, whole, {}, { 'content-type': 'multipart/form-data; boundary=xx' });
    expect(res.status).toBe(201);
    expect(await count(token)).toBe(1);
  });

  it('should write nothing on a dry run', async () => {
    const { token } = await ctx.newToken({ scopes: SCOPES });
    const csv = `project_id,start_time,end_time\n${projectId},2025-04-01T09:00:00Z,2025-04-01T10:00:00Z\n`;
    const res = await csvPost(token, csv, { dry_run: 'true' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ created: 1, failed: 0, errors: [], dry_run: true });
    expect(await count(token)).toBe(0);
  });

  it('should refuse missing columns, empty files and unreadable CSV with 400', async () => {
    const { token } = await ctx.newToken({ scopes: SCOPES });
    const noColumns = await csvPost(token, 'notes,tags\nx,y\n');
    expect(noColumns.status).toBe(400);
    expect(noColumns.body.errors.columns).toHaveLength(3);
    expect((await csvPost(token, 'project_id,start_time,end_time\n')).status).toBe(400);
    expect((await ctx.t.post(URL, { csv: '' }, { token })).status).toBe(400);
    expect((await csvPost(token, 'project_id,start_time,end_time\n"unterminated,1,2\n')).status).toBe(400);
    expect(await count(token)).toBe(0);
  });

  it('should refuse files over the byte and row limits with 413', async () => {
    const { token } = await ctx.newToken({ scopes: SCOPES });
    const big = Buffer.alloc(2 * 1024 * 1024 + 10, 'a');
    const raw = await csvPost(token, big);
    expect(raw.status).toBe(413);
    expect(raw.body.error_code).toBe('payload_too_large');
    const form = new FormData();
    form.append('file', new Blob([big]), 'big.csv');
    const multipart = await ctx.t.request('POST', URL, { token, form });
    expect(multipart.status).toBe(413);
    const rows = ['project_id,start_time,duration'];
    for (let i = 0; i < 12001; i++) rows.push(`${projectId},2026-01-01T00:00:00Z,0.01`);
    const tooMany = await csvPost(token, rows.join('\n'));
    expect(tooMany.status).toBe(413);
    expect(tooMany.body.message).toMatch(/more than 12000 rows/);
    expect(await count(token)).toBe(0);
  });

  it('should replay an import retried with the same Idempotency-Key', async () => {
    const { token } = await ctx.newToken({ scopes: SCOPES });
    const csv = `project_id,start_time,end_time\n${projectId},2025-05-01T09:00:00Z,2025-05-01T10:00:00Z\n`;
    const headers = { 'idempotency-key': 'import-once' };
    const first = await csvPost(token, csv, {}, headers);
    const again = await csvPost(token, csv, {}, headers);
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.text).toBe(first.text);
    expect(await count(token)).toBe(1);
    const other = await csvPost(token, csv.replace('09:00', '08:00'), {}, headers);
    expect(other.status).toBe(422);
    expect(other.body.error_code).toBe('idempotency_key_mismatch');
  });

  it('should import 10,000 rows in one request', async () => {
    const { token } = await ctx.newToken({ scopes: SCOPES });
    const rows = ['project_id,start_time,end_time,notes'];
    const base = Date.UTC(2024, 0, 1);
    for (let i = 0; i < 10_000; i++) {
      const start = new Date(base + i * 3_600_000);
      rows.push(`${projectId},${start.toISOString()},${new Date(start.getTime() + 1_800_000).toISOString()},row ${i}`);
    }
    const res = await csvPost(token, rows.join('\n'));
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ created: 10_000, failed: 0 });
    expect(await count(token)).toBe(10_000);
  });

  it('should answer 415 when a JSON endpoint gets CSV or a multipart upload', async () => {
    const res = await ctx.t.request('POST', '/api/v1/projects', {
      ...admin,
      rawBody: 'name\nx',
      headers: { 'content-type': 'text/csv' },
    });
    expect(res.status).toBe(415);
    const form = new FormData();
    form.append('file', new Blob(['x']), 'x.csv');
    const upload = await ctx.t.request('POST', '/api/v1/projects', { ...admin, form });
    expect(upload.status).toBe(415);
    expect(upload.body.error_code).toBe('unsupported_media_type');
  });
});
