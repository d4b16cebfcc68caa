import http from 'node:http';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { postgresPool } from '../../../src/database/postgres-pool';
import { exportTestEntry } from '../../support/export-entries';
import { probeHealthDuring } from '../../support/health-probes';
import { TimeEntriesRepository } from '../../../src/modules/time-entries/time-entries.repository';
import {
  ADMIN_TOKEN,
  createTestContext,
  RAISED_RATE_LIMITS,
  type TestContext,
  type TestUser,
} from '../../support/factories';
import { TEST_DB, withAdminClient } from '../../support/test-databases';

jest.setTimeout(300_000);

const EXPORT = '/api/v1/time-entries/export';
const SCOPES = ['read:time_entries', 'write:time_entries'];
const COLUMNS = [
  'id',
  'user',
  'project_id',
  'project',
  'client_id',
  'client',
  'task_id',
  'task',
  'start_time',
  'end_time',
  'duration',
  'break',
  'duration_hours',
  'notes',
  'tags',
  'billable',
  'paid',
];
const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
/** Entries of the round trip. */
const ROUND_TRIP = 1000;
/** Thin entries, over a few export batches (1,000 rows each), for the sorts and filters. */
const THIN = 2500;
/** Entries of 1.2 KB notes: far more bytes than socket buffers hold, for backpressure and disconnects. */
const FAT = 30_000;
const FAT_BATCHES = FAT / 1000;

const NOTES = [
  'plain',
  'comma, inside',
  'quote " inside "twice"',
  'multi\nline\nnote',
  'Ünïcødé — 日本',
  '=1+1',
  '+x',
  '-y',
  '@z',
  "'=quoted",
  "'plain quote",
  '\tTab first',
  '\rCR first',
  'carriage\r\nreturn',
  '=HYPERLINK("http://example.com","click")',
  null,
];
const TAGS = ['a,b', null, '日本,=sum', '=lead,tag', 'x y'];

type Query = Record<string, string | number | boolean>;

interface Download {
  status: number;
  headers: Headers;
  bytes: Buffer;
}

/** One export run as the repository served it: batches handed out, and whether it ended. */
interface ExportRun {
  batches: number;
  done: boolean;
}

describe('time entries export', () => {
  let ctx: TestContext;
  let runs: ExportRun[];
  let realExportBatches: TimeEntriesRepository['exportBatches'];
  let alice: { token: string; user: TestUser };
  let bob: { token: string; user: TestUser };
  let dora: { token: string; user: TestUser };
  let fred: { token: string; user: TestUser };
  let formulaProject: number;
  let plainProject: number;
  let formulaClient: number;
  let unicodeClient: number;
  let formulaTask: number;

  beforeAll(async () => {
    ctx = await createTestContext({ env: { ...RAISED_RATE_LIMITS } });
    const admin = { token: ADMIN_TOKEN };
    formulaClient = (await ctx.t.post('/api/v1/clients', { name: '@Client, Inc.' }, admin)).body.client.id as number;
    unicodeClient = (await ctx.t.post('/api/v1/clients', { name: 'Ünïcødé — 日本 Client' }, admin)).body.client
      .id as number;
    formulaProject = (await ctx.t.post('/api/v1/projects', { name: '=Project "One"', client_id: formulaClient }, admin))
      .body.project.id as number;
    plainProject = (await ctx.t.post('/api/v1/projects', { name: 'Plain, project' }, admin)).body.project.id as number;
    formulaTask = (await ctx.t.post('/api/v1/tasks', { name: '-Task; semi', project_id: formulaProject }, admin)).body
      .task.id as number;
    const user = async () => {
      const { token, user: owner } = await ctx.newToken({ scopes: SCOPES });
      return { token, user: owner };
    };
    [alice, bob, dora, fred] = [await user(), await user(), await user(), await user()];

    for (let i = 0; i < ROUND_TRIP; i++) {
      const res = await ctx.t.post('/api/v1/time-entries', roundTripEntry(i), { token: alice.token });
      if (res.status !== 201) throw new Error(`entry ${i}: ${res.status} ${res.text}`);
    }
    // A running timer, which no export holds.
    expect((await ctx.t.post('/api/v1/timer/start', { project_id: plainProject }, { token: alice.token })).status).toBe(
      201,
    );
    await insertEntries(dora.user.id, THIN, false);
    await insertEntries(fred.user.id, FAT, true);

    runs = observeExports();
  });

  afterAll(async () => {
    await ctx.close();
  });

  /** Entry `i` of the round trip: every kind of text, tags, breaks, flags and references. */
  function roundTripEntry(i: number): Record<string, unknown> {
    const start = Date.UTC(2023, 0, 1) + i * 3 * 3_600_000;
    const spanMinutes = 30 + (i % 7) * 15;
    const refs =
      i % 3 === 0
        ? { project_id: formulaProject, ...(i % 2 === 0 ? { task_id: formulaTask } : {}) }
        : i % 3 === 1
          ? { project_id: plainProject }
          : { client_id: unicodeClient };
    const notes = NOTES[i % NOTES.length];
    return {
      ...refs,
      start_time: new Date(start).toISOString(),
      end_time: new Date(start + spanMinutes * 60_000).toISOString(),
      break_seconds: i % 4 === 0 ? 0 : (i % 4) * 120 + (i % 3),
      notes: notes === null ? null : i % 2 === 0 ? notes : `${notes} #${i}`,
      tags: TAGS[i % TAGS.length],
      billable: i % 2 === 0,
      paid: i % 5 === 0,
    };
  }

  /**
   * `count` completed entries of `userId` an hour apart from 2022 (no overlap checks: straight
   * into the table), on the formula project, the plain one, or the Unicode client alone. `fat`:
   * 1.2 KB of hex noise as notes, which neither gzip nor the XLSX zip can shrink much.
   */
  async function insertEntries(userId: number, count: number, fat: boolean): Promise<void> {
    if (TEST_DB === 'postgres') {
      const notes = fat
        ? `(SELECT string_agg(md5(g::text || '-' || i::text), '') FROM generate_series(1, 38) i)`
        : `'bulk ' || g`;
      await ctx.t.dataSource.query(
        `INSERT INTO time_entries (user_id, project_id, client_id, start_time, end_time, duration_seconds,
           break_seconds, notes, tags, source, billable, paid, created_at, updated_at)
         SELECT $1, CASE g % 3 WHEN 0 THEN $2::int WHEN 1 THEN $3::int END, $4::int, s,
                s + (d + b) * interval '1 second', d, b, ${notes}, CASE WHEN g % 5 = 0 THEN 'bulk' END, 'import',
                g % 2 = 0, g % 7 = 0, now(), now()
         FROM generate_series(1, $5::int) g,
              LATERAL (SELECT timestamptz '2022-01-01' + g * interval '1 hour' AS s, 600 + (g % 5) * 60 AS d,
                              (g % 3) * 60 AS b) x`,
        [userId, formulaProject, plainProject, unicodeClient, count],
      );
      return;
    }
    const notes = fat ? 'hex(randomblob(600))' : `'bulk ' || g`;
    const now = "strftime('%Y-%m-%d %H:%M:%f', 'now')";
    await ctx.t.dataSource.query(
      `INSERT INTO time_entries (user_id, project_id, client_id, start_time, end_time, duration_seconds,
         break_seconds, notes, tags, source, billable, paid, created_at, updated_at)
       WITH RECURSIVE g(g) AS (SELECT 1 UNION ALL SELECT g + 1 FROM g WHERE g < ?),
         x AS (SELECT g, g * 3600 AS s, 600 + (g % 5) * 60 AS d, (g % 3) * 60 AS b FROM g)
       SELECT ?, CASE g % 3 WHEN 0 THEN ? WHEN 1 THEN ? END, ?,
              strftime('%Y-%m-%d %H:%M:%f', '2022-01-01', '+' || s || ' seconds'),
              strftime('%Y-%m-%d %H:%M:%f', '2022-01-01', '+' || (s + d + b) || ' seconds'), d, b, ${notes},
              CASE WHEN g % 5 = 0 THEN 'bulk' END, 'import', g % 2 = 0, g % 7 = 0, ${now}, ${now}
       FROM x`,
      [count, userId, formulaProject, plainProject, unicodeClient],
    );
  }

  /** Counts what the repository hands each export, and notes when its query ended. */
  function observeExports(): ExportRun[] {
    const seen: ExportRun[] = [];
    const repository = ctx.t.app.get(TimeEntriesRepository);
    const original = repository.exportBatches.bind(repository);
    realExportBatches = original;
    jest.spyOn(repository, 'exportBatches').mockImplementation((...args) => {
      const run: ExportRun = { batches: 0, done: false };
      seen.push(run);
      return (async function* () {
        try {
          for await (const batch of original(...args)) {
            run.batches++;
            yield batch;
          }
        } finally {
          run.done = true;
        }
      })();
    });
    return seen;
  }

  async function download(token: string, query: Query = {}): Promise<Download> {
    const url = new URL(EXPORT, ctx.t.baseUrl);
    for (const [k, v] of Object.entries(query)) url.searchParams.set(k, String(v));
    const res = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
    return { status: res.status, headers: res.headers, bytes: Buffer.from(await res.arrayBuffer()) };
  }

  /** The CSV's rows, header first. */
  const csvRows = (bytes: Buffer): string[][] => parse(bytes, { bom: true });
  const idsOf = (rows: string[][]) => rows.slice(1).map((row) => Number(row[0]));

  async function xlsxRows(bytes: Buffer): Promise<{ sheets: string[]; rows: unknown[][] }> {
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(bytes as unknown as ExcelJS.Buffer);
    const rows: unknown[][] = [];
    for (const sheet of workbook.worksheets) {
      sheet.eachRow({ includeEmpty: false }, (row) => {
        const values = (row.values as unknown[]).slice(1);
        rows.push(COLUMNS.map((_c, i) => values[i] ?? null));
      });
    }
    return { sheets: workbook.worksheets.map((s) => s.name), rows };
  }

  /** Every entry the list shows for `query`, page after page. */
  async function listed(token: string, query: Query): Promise<Array<Record<string, unknown>>> {
    const all: Array<Record<string, unknown>> = [];
    let cursor: string | null = null;
    do {
      const res = await ctx.t.get('/api/v1/time-entries', {
        token,
        query: { ...query, per_page: 100, ...(cursor ? { cursor } : {}) },
      });
      expect(res.status).toBe(200);
      all.push(...(res.body.time_entries as Array<Record<string, unknown>>));
      cursor = res.body.pagination.next_cursor as string | null;
    } while (cursor);
    return all;
  }

  async function until(condition: () => boolean | Promise<boolean>, ms = 10_000): Promise<void> {
    const deadline = Date.now() + ms;
    while (!(await condition())) {
      if (Date.now() > deadline) throw new Error('condition not met in time');
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }

  /** Opens an export, waits for its first bytes, and hands the request and response to `then`. */
  function openExport<T>(
    token: string,
    query: Query,
    then: (req: http.ClientRequest, res: http.IncomingMessage, first: Buffer) => Promise<T>,
  ): Promise<T> {
    const url = new URL(EXPORT, ctx.t.baseUrl);
    for (const [k, v] of Object.entries(query)) url.searchParams.set(k, String(v));
    return new Promise<T>((resolve, reject) => {
      const req = http.get(url, { headers: { authorization: `Bearer ${token}` } }, (res) => {
        res.on('error', () => undefined);
        res.once('data', (first: Buffer) => {
          res.pause();
          then(req, res, first).then(resolve, reject);
        });
      });
      req.on('error', () => undefined);
    });
  }

  /** No connection of the app's database is inside a transaction, and the pool lends none out. */
  async function connectionsReleased(): Promise<void> {
    if (TEST_DB !== 'postgres') return;
    const database = new URL(ctx.t.databaseUrl).pathname.slice(1);
    await until(async () => {
      const busy = await withAdminClient((c) =>
        c.query(
          `SELECT pid FROM pg_stat_activity
           WHERE datname = $1 AND (xact_start IS NOT NULL OR query ILIKE '%time_entries_export%' AND state = 'active')`,
          [database],
        ),
      );
      const pool = postgresPool(ctx.t.dataSource)!;
      return busy.rowCount === 0 && pool.totalCount === pool.idleCount && pool.waitingCount === 0;
    });
  }

  describe('CSV', () => {
    it('should send every completed entry of the caller as an attachment, with the import-readable header', async () => {
      const res = await download(alice.token);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
      expect(res.headers.get('content-disposition')).toBe('attachment; filename="time-entries.csv"');
      expect(res.bytes.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
      const rows = csvRows(res.bytes);
      expect(rows[0]).toEqual(COLUMNS);
      // The running timer is not among them.
      expect(rows).toHaveLength(ROUND_TRIP + 1);
      const listedIds = (await listed(alice.token, {})).map((e) => e.id);
      expect(idsOf(rows)).toEqual(listedIds);
    });

    it('should write each column as the import reads it', async () => {
      const rows = csvRows((await download(alice.token, { sort: 'start_time' })).bytes);
      const first = Object.fromEntries(COLUMNS.map((c, i) => [c, rows[1][i]]));
      const entry = (await listed(alice.token, { sort: 'start_time' }))[0];
      expect(first).toEqual({
        id: String(entry.id),
        user: alice.user.username,
        project_id: String(formulaProject),
        project: `'=Project "One"`,
        client_id: String(formulaClient),
        client: "'@Client, Inc.",
        task_id: String(formulaTask),
        task: "'-Task; semi",
        start_time: '2023-01-01T00:00:00Z',
        end_time: '2023-01-01T00:30:00Z',
        duration: '00:30:00',
        break: '00:00:00',
        duration_hours: '0.5',
        notes: 'plain',
        tags: 'a,b',
        billable: 'true',
        paid: 'true',
      });
      const second = Object.fromEntries(COLUMNS.map((c, i) => [c, rows[2][i]]));
      // 45 minutes of span, a break of 2:01.
      expect(second).toMatchObject({ duration: '00:42:59', break: '00:02:01', duration_hours: '0.72' });
      expect(second).toMatchObject({ billable: 'false', paid: 'false', task_id: '', task: '', tags: '' });
    });

    it('should prefix formula-like text with a quote, and only such text', async () => {
      const rows = csvRows((await download(alice.token, { sort: 'start_time' })).bytes);
      const notes = rows.slice(1).map((row) => row[13]);
      // The API trims notes: a leading tab or carriage return never reaches the table (see export-columns.spec).
      const formulaLike = ['=1+1', '+x', '-y', '@z', "'=quoted", "'plain quote"];
      for (const text of [...formulaLike, '=HYPERLINK("http://example.com","click")']) {
        // Notes of odd NOTES indexes carry the entry's number after them.
        expect([text, notes.some((n) => n === `'${text}` || n.startsWith(`'${text} #`))]).toEqual([text, true]);
        expect([text, notes.some((n) => n.startsWith(text))]).toEqual([text, false]);
      }
      for (const text of ['plain', 'comma, inside #1', 'quote " inside "twice"', 'multi\nline\nnote #3']) {
        expect([text, notes.includes(text)]).toEqual([text, true]);
      }
      expect(notes).toContain('Ünïcødé — 日本');
      expect(notes).toContain('carriage\r\nreturn #13');
      const tags = rows.slice(1).map((row) => row[14]);
      expect(tags).toContain("'=lead,tag");
      expect(tags).toContain('日本,=sum');
    });
  });

  describe('XLSX', () => {
    it('should hold the same cells as the CSV, numbers and flags typed', async () => {
      const res = await download(alice.token, { format: 'xlsx', sort: 'start_time' });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe(XLSX_TYPE);
      expect(res.headers.get('content-disposition')).toBe('attachment; filename="time-entries.xlsx"');
      const { sheets, rows } = await xlsxRows(res.bytes);
      expect(sheets).toEqual(['Time entries']);
      const csv = csvRows((await download(alice.token, { sort: 'start_time' })).bytes);
      expect(rows).toHaveLength(csv.length);
      expect(rows[0]).toEqual(COLUMNS);
      const [first] = rows.slice(1);
      expect(first[COLUMNS.indexOf('id')]).toEqual(expect.any(Number));
      expect(first[COLUMNS.indexOf('duration_hours')]).toBe(0.5);
      expect(first[COLUMNS.indexOf('billable')]).toBe(true);
      expect(first[COLUMNS.indexOf('start_time')]).toBe('2023-01-01T00:00:00Z');
      expect(first[COLUMNS.indexOf('project')]).toBe(`'=Project "One"`);
      const asText = (cell: unknown) =>
        typeof cell === 'number' || typeof cell === 'boolean' ? String(cell) : ((cell as string | null) ?? '');
      // XML reads a carriage return as a line feed (XLSX has no other way to hold one).
      const xmlText = (cell: string) => cell.replace(/\r\n?/g, '\n');
      expect(rows.map((row) => row.map(asText))).toEqual(csv.map((row) => row.map(xmlText)));
    });

    it('should export thousands of rows in the list order', async () => {
      const res = await download(dora.token, { format: 'xlsx', sort: 'project_id' });
      const { rows } = await xlsxRows(res.bytes);
      expect(rows.slice(1).map((row) => row[0])).toEqual(
        (await listed(dora.token, { sort: 'project_id' })).map((e) => e.id),
      );
    });
  });

  describe('filters, sorts and access', () => {
    it.each<Query>([
      {},
      { sort: 'start_time' },
      { sort: '-duration_seconds,project_id' },
      { sort: 'project_id' },
      { sort: '-project_id,id' },
      { sort: 'end_time' },
      { project_id: 'plain', billable: true, start_date: '2022-02-01', end_date: '2022-03-15' },
      { billable: false, sort: 'duration_seconds' },
      { start_date: '2022-03-01T10:30:00Z', end_date: '2022-03-02' },
    ])('should export what the list shows, in its order, for %p', async (query) => {
      // The project's id is known once beforeAll ran.
      const q = { ...query, ...(query.project_id === 'plain' ? { project_id: plainProject } : {}) };
      const rows = csvRows((await download(dora.token, q)).bytes);
      const expected = (await listed(dora.token, q)).map((e) => e.id);
      expect(expected.length).toBeGreaterThan(0);
      expect(idsOf(rows)).toEqual(expected);
    });

    it('should send the header alone when nothing matches', async () => {
      const query = { end_date: '1990-01-01' };
      expect(csvRows((await download(dora.token, query)).bytes)).toEqual([COLUMNS]);
      expect((await xlsxRows((await download(dora.token, { ...query, format: 'xlsx' })).bytes)).rows).toEqual([
        COLUMNS,
      ]);
    });

    it("should export only the caller's own entries to a non-admin, and anyone's to an admin", async () => {
      const own = idsOf(csvRows((await download(alice.token)).bytes));
      const doras = new Set((await listed(ADMIN_TOKEN, { user_id: dora.user.id })).map((e) => e.id));
      expect(own.some((id) => doras.has(id))).toBe(false);
      const asAlice = await ctx.t.get(EXPORT, { token: alice.token, query: { user_id: dora.user.id } });
      expect(asAlice.status).toBe(403);
      expect(asAlice.body.error_code).toBe('forbidden');
      const forDora = idsOf(
        csvRows((await download(ADMIN_TOKEN, { user_id: dora.user.id, sort: 'project_id' })).bytes),
      );
      expect(forDora).toEqual(
        (await listed(ADMIN_TOKEN, { user_id: dora.user.id, sort: 'project_id' })).map((e) => e.id),
      );
      const everyone = csvRows((await download(ADMIN_TOKEN, { end_date: '2023-01-10' })).bytes);
      const owners = new Set(everyone.slice(1).map((row) => row[1]));
      expect([...owners].sort()).toEqual([alice.user.username, dora.user.username, fred.user.username].sort());
    });

    it.each<[string, Query]>([
      ['page', { page: 1 }],
      ['per_page', { per_page: 10 }],
      ['cursor', { cursor: 'abc' }],
      ['include_active', { include_active: true }],
      ['format', { format: 'pdf' }],
      ['sort', { sort: 'notes' }],
      ['end_date', { end_date: 'yesterday' }],
    ])('should refuse %s with 400 and stream nothing', async (field, query) => {
      const res = await ctx.t.get(EXPORT, { token: alice.token, query });
      expect(res.status).toBe(400);
      expect(res.body.error_code).toBe('validation_error');
      expect(Object.keys(res.body.errors as object)).toContain(field);
    });

    it('should need read:time_entries', async () => {
      const { token } = await ctx.newToken({ scopes: ['write:time_entries', 'read:projects'] });
      const res = await ctx.t.get(EXPORT, { token });
      expect(res.status).toBe(403);
      expect(res.body.required_scope).toBe('read:time_entries');
    });
  });

  describe('streaming', () => {
    it('should send the first bytes long before the last row is read, and read no further while the client does not', async () => {
      const before = runs.length;
      const seen = await openExport(fred.token, {}, async (req) => {
        const run = runs[before];
        // The server fills the socket's buffers, then waits for the client.
        let last = -1;
        await until(async () => {
          const settled = run.batches === last;
          last = run.batches;
          await new Promise((resolve) => setTimeout(resolve, 200));
          return settled;
        });
        const read = run.batches;
        req.destroy();
        return read;
      });
      expect(seen).toBeLessThan(FAT_BATCHES / 2);
      await until(() => runs[before].done);
      expect(runs[before].batches).toBeLessThan(FAT_BATCHES / 2);
      await connectionsReleased();
    });

    it.each(['csv', 'xlsx'])(
      'should stop the query and release its connection when the client goes away (%s)',
      async (format) => {
        const before = runs.length;
        await openExport(fred.token, { format }, async (req) => {
          req.destroy();
          return Promise.resolve();
        });
        await until(() => runs[before].done);
        expect(runs[before].batches).toBeLessThan(FAT_BATCHES / 2);
        await connectionsReleased();
        // The server is fine: it answers, and the next export runs in full.
        expect((await ctx.t.get('/api/v1/health')).status).toBe(200);
        const again = await download(fred.token, { format, end_date: '2022-01-03' });
        expect(again.status).toBe(200);
        await connectionsReleased();
      },
    );

    it('should answer 503 with Retry-After past 3 exports running at once, and serve again once one ends', async () => {
      const held: http.ClientRequest[] = [];
      const hold = () =>
        new Promise<void>((resolve) => {
          void openExport(fred.token, {}, (req) => {
            held.push(req);
            resolve();
            return Promise.resolve();
          });
        });
      await hold();
      await hold();
      await hold();
      const refused = await download(fred.token, { end_date: '2022-01-03' });
      expect(refused.status).toBe(503);
      expect(refused.headers.get('retry-after')).toBe('10');
      expect(JSON.parse(refused.bytes.toString('utf8'))).toMatchObject({ error_code: 'service_unavailable' });
      // Other requests keep their connections meanwhile.
      expect((await ctx.t.get('/api/v1/time-entries', { token: fred.token, query: { per_page: 1 } })).status).toBe(200);
      held.shift()!.destroy();
      await until(async () => (await download(fred.token, { end_date: '2022-01-03' })).status === 200);
      for (const req of held) req.destroy();
      await connectionsReleased();
    });

    it('should end every query when clients go away before or as the answer starts', async () => {
      const before = runs.length;
      const url = new URL(EXPORT, ctx.t.baseUrl);
      url.searchParams.set('format', 'xlsx');
      await Promise.all(
        [0, 1, 2, 5, 10, 20].map(
          (ms) =>
            new Promise<void>((resolve) => {
              const req = http.get(url, { headers: { authorization: `Bearer ${fred.token}` } }, (res) => {
                res.on('error', () => undefined);
              });
              req.on('error', () => undefined);
              req.on('close', () => resolve());
              setTimeout(() => req.destroy(), ms);
            }),
        ),
      );
      // Whichever of them reached the query: each ended it.
      await until(() => runs.slice(before).every((run) => run.done));
      await connectionsReleased();
      expect((await ctx.t.get('/api/v1/health')).status).toBe(200);
    });

    it('should end the query when the client went away before the answer started', async () => {
      const repository = ctx.t.app.get(TimeEntriesRepository);
      let open!: () => void;
      const gate = new Promise<void>((resolve) => (open = resolve));
      const state = { entered: false, ended: false };
      (repository.exportBatches as jest.Mock).mockImplementationOnce(
        (...args: Parameters<TimeEntriesRepository['exportBatches']>) =>
          (async function* () {
            try {
              state.entered = true;
              await gate;
              yield* realExportBatches(...args);
            } finally {
              state.ended = true;
            }
          })(),
      );
      const req = http.get(new URL(EXPORT, ctx.t.baseUrl), { headers: { authorization: `Bearer ${fred.token}` } });
      req.on('error', () => undefined);
      await until(() => state.entered);
      req.destroy();
      await new Promise((resolve) => setTimeout(resolve, 100));
      // The query starts (and reads its first batch) only now, for a client that has gone.
      open();
      await until(() => state.ended);
      await connectionsReleased();
    });

    (TEST_DB === 'postgres' ? it : it.skip)(
      "should survive PostgreSQL ending the export's connection while the client is not reading",
      async () => {
        const before = runs.length;
        const database = new URL(ctx.t.databaseUrl).pathname.slice(1);
        const complete = await openExport(fred.token, {}, async (_req, res) => {
          // Waiting for the client: the connection sits idle in its transaction, no query running.
          await until(async () => {
            const { rows } = await withAdminClient((c) =>
              c.query<{ pid: number }>(
                `SELECT pid FROM pg_stat_activity
                 WHERE datname = $1 AND state = 'idle in transaction' AND query ILIKE '%time_entries_export%'`,
                [database],
              ),
            );
            if (rows.length !== 1) return false;
            await withAdminClient((c) => c.query('SELECT pg_terminate_backend($1)', [rows[0].pid]));
            return true;
          });
          await new Promise((resolve) => setTimeout(resolve, 200));
          return new Promise<boolean>((resolve) => {
            res.on('close', () => resolve(res.complete));
            res.resume();
          });
        });
        expect(complete).toBe(false);
        await until(() => runs[before].done);
        await connectionsReleased();
        expect((await ctx.t.get('/api/v1/health')).status).toBe(200);
        expect((await download(fred.token, { end_date: '2022-01-03' })).status).toBe(200);
      },
    );

    it('should cut the download off, not end it as if complete, when reading fails part-way', async () => {
      const repository = ctx.t.app.get(TimeEntriesRepository);
      let ended = false;
      (repository.exportBatches as jest.Mock).mockImplementationOnce(() =>
        (async function* () {
          try {
            yield [1, 2, 3].map((id) => exportTestEntry(id));
            // The first rows have gone out with the headers when the failure comes.
            await new Promise((resolve) => setTimeout(resolve, 100));
            throw new Error('the database went away');
          } finally {
            ended = true;
          }
        })(),
      );
      await expect(download(dora.token)).rejects.toThrow();
      expect(ended).toBe(true);
      expect((await ctx.t.get('/api/v1/health')).status).toBe(200);
    });

    it('should answer other requests while a large export streams', async () => {
      const { answered, result: res } = await probeHealthDuring(ctx, download(fred.token));
      expect(res.status).toBe(200);
      // No cell of these holds a line break: one line per entry, after the header.
      const lines = res.bytes.toString('utf8').split('\n').filter(Boolean);
      expect(lines).toHaveLength(FAT + 1);
      expect(answered).toBeGreaterThanOrEqual(5);
      await connectionsReleased();
    });
  });

  describe('round trip', () => {
    it("should recreate the same entries when another user imports a user's export", async () => {
      const exported = await download(alice.token);
      expect(exported.status).toBe(200);
      const imported = await ctx.t.request('POST', '/api/v1/time-entries/import-csv', {
        token: bob.token,
        rawBody: exported.bytes,
        headers: { 'content-type': 'text/csv' },
      });
      expect(imported.body).toEqual({ created: ROUND_TRIP, failed: 0, errors: [], dry_run: false });
      expect(imported.status).toBe(201);
      const fields = (e: Record<string, unknown>) => {
        const { id, user_id, user, created_at, updated_at, source, ...rest } = e;
        void [id, user_id, user, created_at, updated_at, source];
        return rest;
      };
      const mine = (await listed(alice.token, { sort: 'start_time' })).map(fields);
      const theirs = (await listed(bob.token, { sort: 'start_time' })).map(fields);
      expect(theirs).toHaveLength(ROUND_TRIP);
      expect(theirs).toEqual(mine);
    });
  });
});
