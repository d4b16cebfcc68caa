import fc from 'fast-check';
import { ADMIN_TOKEN, createTestContext, RAISED_RATE_LIMITS, type TestContext } from '../support/factories';

jest.setTimeout(120_000);

const HEADERS = [
  'project_id',
  'project',
  'client',
  'task',
  'start_time',
  'end_time',
  'duration',
  'notes',
  'tags',
  'billable',
  'date',
  'bogus',
];
const cell = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 30 }),
  fc.constantFrom('', '"', '""', ',', ';', '\n', '\r\n', '=HYPERLINK("x")', '1e309', '-1', '0', '1', 'NaN', '\uFEFF'),
  fc.constantFrom(
    '2024-01-01T10:00:00Z',
    '2024-02-30T10:00:00Z',
    '2024-01-01 11:00',
    '25:61',
    '01:30',
    'yes',
    'Fuzz project',
  ),
  fc.integer().map(String),
  fc.double().map(String),
  fc.bigInt().map(String),
);

/** Numbers past every column and limit: the class of value that once reached SQL as NaN. */
const hugeNumber = fc.oneof(
  fc.constantFrom('99999999999999999999', '9'.repeat(400), '1e308', '1e400', 'NaN', 'Infinity', '-Infinity', '-0'),
  fc.constantFrom('2147483647', '2147483648', '4294967296', '9007199254740993', '0', '-1', '1.5'),
  fc.double().map(String),
  fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }).map(String),
);
/** Durations: sane, at the 10-year limit (87,660 h), just past it, or huge. */
const duration = fc.oneof(
  fc.constantFrom('1', '1.5', '0:30', '87660', '87660.0001', '87661', '87660:00', '99999999', '99999999:00'),
  hugeNumber,
  hugeNumber.map((n) => `${n}:00`),
);
/** Timestamps: ordinary, at either end of years 0001-9999, past them, or not timestamps at all. */
const anyDate = fc
  .date({ min: new Date('1000-01-01T00:00:00Z'), max: new Date('9999-12-31T23:59:59Z'), noInvalidDate: true })
  .map((d) => d.toISOString());
const timestamp = fc.oneof(
  { arbitrary: anyDate, weight: 3 },
  fc.constantFrom(
    '1900-01-01T00:00:00Z',
    '0100-01-01T00:00:00+14:00',
    '9999-12-31T23:59:59Z',
    '9999-12-31T23:00:00-14:00',
    '10000-01-01T00:00:00Z',
    '+275760-09-13T00:00:00Z',
    '0000-01-01T00:00:00Z',
    '2124-03-14T11:00:00Z',
  ),
  hugeNumber,
);
/** A header (a subset of the real columns, maybe a bogus one) and 1-5 rows of hostile cells. */
const csv = fc
  .tuple(
    fc.shuffledSubarray(HEADERS, { minLength: 1 }),
    fc.array(fc.array(cell, { minLength: 1, maxLength: 8 }), { minLength: 1, maxLength: 5 }),
    fc.constantFrom(',', ';', '\t'),
  )
  .map(([header, rows, sep]) => [header.join(sep), ...rows.map((r) => r.join(sep))].join('\n'));

/** Hostile CSV never produces a 5xx, and an import is all or nothing. */
describe('fuzzing the CSV import', () => {
  let ctx: TestContext;
  const failures: string[] = [];
  let projectId: number;

  beforeAll(async () => {
    ctx = await createTestContext({
      env: RAISED_RATE_LIMITS,
    });
    projectId = (await ctx.t.post('/api/v1/projects', { name: 'Fuzz project' }, { token: ADMIN_TOKEN })).body.project
      .id as number;
  });

  afterAll(async () => {
    await ctx.close();
  });

  const entries = async () =>
    (await ctx.t.get('/api/v1/time-entries', { token: ADMIN_TOKEN, query: { per_page: 1 } })).body.pagination
      .total as number;

  /** Every stored entry is one the JSON API would accept: within 10 years, a duration that matches. */
  const assertStoredEntriesValid = async () => {
    const bad: unknown[] = [];
    for (let page = 1; ; page++) {
      const res = await ctx.t.get('/api/v1/time-entries', { token: ADMIN_TOKEN, query: { per_page: 100, page } });
      expect(res.status).toBe(200);
      for (const e of res.body.time_entries as Array<Record<string, string | number>>) {
        const span = (Date.parse(e.end_time as string) - Date.parse(e.start_time as string)) / 1000;
        if (!(span > 0 && span <= 315_576_000 && e.duration_seconds === Math.floor(span))) bad.push(e);
      }
      if (!res.body.pagination.has_next) break;
    }
    expect(bad).toEqual([]);
  };

  it('should answer every CSV with 2xx or an envelope 4xx, writing all rows or none', async () => {
    await fc.assert(
      fc.asyncProperty(csv, async (text) => {
        const before = await entries();
        const res = await ctx.t.request('POST', '/api/v1/time-entries/import-csv', {
          token: ADMIN_TOKEN,
          rawBody: text,
          headers: { 'content-type': 'text/csv' },
        });
        const written = (await entries()) - before;
        const body = res.body as { created?: number; failed?: number; error_code?: string };
        const ok =
          res.status < 500 &&
          (res.status < 300
            ? written === body.created && body.failed === 0
            : written === 0 && (typeof body.error_code === 'string' || (res.status === 422 && body.created === 0)));
        if (!ok) {
          failures.push(
            `${res.status} wrote ${written}: ${JSON.stringify(text).slice(0, 200)} -> ${res.text.slice(0, 200)}`,
          );
        }
        return ok;
      }),
      { numRuns: 80, seed: 11 },
    );
    expect(failures).toEqual([]);
    await assertStoredEntriesValid();
  });

  it('should refuse huge and non-finite durations, ids and timestamps as row errors, writing only valid entries', async () => {
    // Mostly sane cells, so that whole files pass too and the limits are crossed from both sides.
    const sane = <T>(value: fc.Arbitrary<T>, other: fc.Arbitrary<T>) =>
      fc.oneof({ arbitrary: value, weight: 5 }, { arbitrary: other, weight: 1 });
    const row = fc.tuple(
      sane(fc.constant(String(projectId)), hugeNumber),
      sane(fc.constant(''), hugeNumber),
      sane(fc.constant(''), hugeNumber),
      timestamp,
      sane(fc.constant(''), timestamp),
      sane(duration, fc.constant('')),
    );
    let created = 0;
    const header = 'project_id,task_id,client_id,start_time,end_time,duration';
    await fc.assert(
      fc.asyncProperty(fc.array(row, { minLength: 1, maxLength: 6 }), fc.boolean(), async (rows, atomic) => {
        const text = [header, ...rows.map((r) => r.join(','))].join('\n');
        const before = await entries();
        const res = await ctx.t.request('POST', '/api/v1/time-entries/import-csv', {
          token: ADMIN_TOKEN,
          rawBody: text,
          query: { atomic: String(atomic) },
          headers: { 'content-type': 'text/csv' },
        });
        const written = (await entries()) - before;
        const body = res.body as { created?: number; failed?: number; errors?: Array<{ row: number }> };
        const failedRows = new Set(body.errors?.map((e) => e.row));
        // 422: atomic, something failed, nothing written. Else every row was created or failed.
        const counted =
          res.status === 422
            ? atomic && body.created === 0 && body.failed! > 0 && written === 0
            : (res.status === 200 || res.status === 201) &&
              body.created! + body.failed! === rows.length &&
              written === body.created;
        const ok = counted && failedRows.size === body.failed;
        created += written;
        if (!ok) failures.push(`${res.status} wrote ${written}: ${JSON.stringify(text)} -> ${res.text.slice(0, 300)}`);
        return ok;
      }),
      { numRuns: 100, seed: 44 },
    );
    expect(failures).toEqual([]);
    expect(created).toBeGreaterThan(0);
    await assertStoredEntriesValid();
  });
});
