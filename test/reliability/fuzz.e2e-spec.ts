import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { ADMIN_TOKEN, createTestContext, RAISED_RATE_LIMITS, type TestContext } from '../support/factories';

jest.setTimeout(180_000);

/** Arbitrary JSON-ish values: wrong types, huge numbers, unicode, nulls, nesting, long arrays. */
const nasty = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.constant(null),
    fc.boolean(),
    fc.integer(),
    fc.double(),
    // Exponent notation below a cent once broke class-validator's maxDecimalPlaces (a 500).
    fc.constantFrom(Number.MAX_SAFE_INTEGER, -1, 0, 1e308, 2 ** 31, 2 ** 63, 1e-300, 5e-324, 1.5e-7),
    fc.string({ unit: 'grapheme', maxLength: 40 }),
    fc.constantFrom('', ' ', '%', '_', "'; DROP TABLE users; --", '\u0000', '2024-02-30', 'tt_x', '../../etc/passwd'),
    fc.array(tie('value'), { maxLength: 5 }),
    fc.dictionary(fc.string({ maxLength: 12 }), tie('value'), { maxKeys: 4 }),
  ),
})).value;

const FIELDS = [
  'name',
  'username',
  'email',
  'project_id',
  'client_id',
  'task_id',
  'user_id',
  'start_time',
  'end_time',
  'notes',
  'tags',
  'billable',
  'paid',
  'status',
  'priority',
  'due_date',
  'hourly_rate',
  'default_hourly_rate',
  'budget_amount',
  'estimated_hours',
  'default_cost',
  'default_price',
  'code',
  'color',
  'scopes',
  'events',
  'url',
  'quantity',
  'stock_item_id',
  'warehouse_id',
  'from_warehouse_id',
  'to_warehouse_id',
  'movement_type',
  'sku',
  'entry_ids',
  'action',
  'value',
  'csv',
  'is_active',
  'expires_in_days',
  'ip_allowlist',
  'role',
  'timezone',
];
/** Bodies built from real field names (so validation runs deep) with hostile values. */
const body = fc.dictionary(fc.constantFrom(...FIELDS), nasty, { maxKeys: 6 });
const query = fc.dictionary(
  fc.constantFrom(
    'page',
    'per_page',
    'status',
    'q',
    'project_id',
    'user_id',
    'start_date',
    'end_date',
    'billable',
    'types',
    'limit',
    'warehouse_id',
    'date_to',
    'cursor',
    'updated_since',
  ),
  fc.oneof(
    fc.string({ unit: 'grapheme', maxLength: 20 }),
    fc.integer().map(String),
    fc.constantFrom('-1', '0', '1e9', 'true', 'NaN', '%_'),
  ),
  { maxKeys: 4 },
);

const WRITE_ROUTES = [
  ['POST', '/api/v1/users'],
  ['PATCH', '/api/v1/users/2'],
  ['POST', '/api/v1/admin/api-tokens'],
  ['PATCH', '/api/v1/admin/api-tokens/1'],
  ['POST', '/api/v1/clients'],
  ['PUT', '/api/v1/clients/1'],
  ['POST', '/api/v1/projects'],
  ['PATCH', '/api/v1/projects/1'],
  ['POST', '/api/v1/tasks'],
  ['PUT', '/api/v1/tasks/1'],
  ['POST', '/api/v1/time-entries'],
  ['PATCH', '/api/v1/time-entries/1'],
  ['POST', '/api/v1/time-entries/bulk'],
  ['POST', '/api/v1/time-entries/import-csv'],
  ['POST', '/api/v1/timer/start'],
  ['POST', '/api/v1/inventory/warehouses'],
  ['POST', '/api/v1/inventory/items'],
  ['POST', '/api/v1/inventory/movements'],
  ['POST', '/api/v1/inventory/transfers'],
  ['POST', '/api/v1/webhooks'],
  ['PATCH', '/api/v1/admin/settings'],
] as const;
const READ_ROUTES = [
  '/api/v1/users',
  '/api/v1/admin/api-tokens',
  '/api/v1/clients',
  '/api/v1/projects',
  '/api/v1/tasks',
  '/api/v1/time-entries',
  '/api/v1/search',
  '/api/v1/reports/summary',
  '/api/v1/inventory/items',
  '/api/v1/inventory/transfers',
  '/api/v1/inventory/reports/movement-history',
  '/api/v1/inventory/reports/turnover',
  '/api/v1/webhooks',
  '/api/v1/changes',
];

/**
 * The query parameters each list declares: an undeclared one is refused before anything runs
 * (contract §10, test/e2e/platform/strict-query), so the fuzzer sends hostile values in these only.
 */
const openApi = JSON.parse(readFileSync(join(__dirname, '../../openapi/openapi.json'), 'utf8')) as {
  paths: Record<string, { get: { parameters?: Array<{ in: string; name: string }> } }>;
};
const declaredQuery = (path: string) =>
  new Set((openApi.paths[path].get.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name));

/** Hostile input never produces a 5xx, and every error carries the envelope. */
describe('fuzzing every JSON endpoint', () => {
  let ctx: TestContext;
  const failures: string[] = [];

  beforeAll(async () => {
    ctx = await createTestContext({
      env: RAISED_RATE_LIMITS,
    });
    await ctx.t.post('/api/v1/clients', { name: 'Fuzz client' }, { token: ADMIN_TOKEN });
    await ctx.t.post('/api/v1/projects', { name: 'Fuzz project', client_id: 1 }, { token: ADMIN_TOKEN });
    await ctx.t.post('/api/v1/tasks', { name: 'Fuzz task', project_id: 1 }, { token: ADMIN_TOKEN });
    await ctx.t.post('/api/v1/users', { username: 'fuzzer' }, { token: ADMIN_TOKEN });
  });

  afterAll(async () => {
    await ctx.close();
  });

  const check = (label: string, res: { status: number; body: any }) => {
    if (
      res.status >= 500 ||
      (res.status >= 400 && (typeof res.body?.error_code !== 'string' || typeof res.body?.request_id !== 'string'))
    ) {
      failures.push(`${label} -> ${res.status} ${JSON.stringify(res.body).slice(0, 200)}`);
      return false;
    }
    return true;
  };

  it.each(WRITE_ROUTES)('%s %s never answers 5xx', async (method, path) => {
    await fc.assert(
      fc.asyncProperty(body, async (b) =>
        check(
          `${method} ${path} ${JSON.stringify(b).slice(0, 200)}`,
          await ctx.t.request(method, path, { token: ADMIN_TOKEN, body: b }),
        ),
      ),
      { numRuns: 100, seed: 42 },
    );
  });

  it.each(READ_ROUTES)('GET %s never answers 5xx', async (path) => {
    await fc.assert(
      fc.asyncProperty(query, async (drawn) => {
        const declared = declaredQuery(path);
        const q = Object.fromEntries(Object.entries(drawn).filter(([name]) => declared.has(name)));
        return check(
          `GET ${path}?${new URLSearchParams(q).toString()}`,
          await ctx.t.get(path, { token: ADMIN_TOKEN, query: q }),
        );
      }),
      { numRuns: 100, seed: 7 },
    );
  });

  it('should have found no failure', () => {
    expect(failures).toEqual([]);
  });
});
