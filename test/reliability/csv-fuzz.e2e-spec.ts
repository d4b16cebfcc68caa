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

  beforeAll(async () => {
    ctx = await createTestContext({
      env: RAISED_RATE_LIMITS,
    });
    await ctx.t.post('/api/v1/projects', { name: 'Fuzz project' }, { token: ADMIN_TOKEN });
  });

  afterAll(async () => {
    await ctx.close();
  });

  const entries = async () =>
    (await ctx.t.get('/api/v1/time-entries', { token: ADMIN_TOKEN, query: { per_page: 1 } })).body.pagination
      .total as number;

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
  });
});
