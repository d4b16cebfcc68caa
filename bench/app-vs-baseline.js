'use strict';
/**
 * bench/app-vs-baseline: the app against bench/baseline (node:http + pg, same SQL, no framework) on
 * the same PostgreSQL data set, alternating runs so machine drift cancels out. The app runs as in
 * production: rate limiting on (limits raised), Redis configured when reachable.
 * Targets: list >= 0.6x the baseline's throughput, create >= 0.5x.
 */
const { Pool } = require('pg');
const autocannon = require('autocannon');
const { createBaselineServer } = require('./baseline/server');
const { dist, freshDatabase, seedPostgres, startApp, SMOKE } = require('./support');

const ENTRIES = SMOKE ? 5_000 : Number(process.env.BENCH_ENTRIES ?? 1_000_000);
const ROUNDS = SMOKE ? 1 : Number(process.env.BENCH_ROUNDS ?? 3);
const DURATION = SMOKE ? 1 : 5;
const CONNECTIONS = 16;
const ADMIN_TOKEN = 'tt_benchAdminToken0123456789abcdefX';

async function run(url, options) {
  const result = await autocannon({ url, connections: CONNECTIONS, duration: DURATION, ...options });
  if (result.errors > 0 || result.non2xx > 0)
    throw new Error(`${url}: ${result.non2xx} non-2xx, ${result.errors} errors`);
  return { rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99 };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main() {
  const db = await freshDatabase();
  if (db.kind !== 'postgres') {
    console.log('# bench/app-vs-baseline needs PostgreSQL on 127.0.0.1:5432 (BENCH_POSTGRES_URL); skipped');
    return;
  }
  process.env.DATABASE_URL = db.url;
  const redisUrl = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379/0';
  const app = await startApp({
    DATABASE_URL: db.url,
    REDIS_URL: redisUrl,
    REDIS_KEY_PREFIX: `tt:bench:${process.pid}:`,
    BOOTSTRAP_ADMIN_TOKEN: ADMIN_TOKEN,
    API_TOKEN_RATE_LIMIT_PER_MINUTE: '100000000',
    API_TOKEN_RATE_LIMIT_PER_HOUR: '100000000',
  });
  const pool = new Pool({ connectionString: db.url, max: 2 });
  await seedPostgres(pool, ENTRIES);
  const baseline = createBaselineServer(db.url);
  const baselineUrl = await baseline.listen();

  const { TransactionService } = dist('database/transaction.service');
  const { ApiTokensService } = dist('modules/api-tokens/api-tokens.service');
  const { UsersRepository } = dist('modules/users/users.repository');
  const user = await app.app.get(UsersRepository).findByUsername('bench1');
  const { token } = await app.app
    .get(TransactionService)
    .run((m) => app.app.get(ApiTokensService).issue(m, user, { name: 'bench', scopes: ['read:*', 'write:*'] }));
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };

  // Creates never overlap: each request books its own hour, app and baseline in separate years.
  const counters = { app: 0, baseline: 0 };
  const createRequests = (side, year) => [
    {
      setupRequest: (req) => {
        const start = new Date(Date.UTC(year, 0, 1) + counters[side]++ * 3_600_000);
        const end = new Date(start.getTime() + 1_800_000);
        return {
          ...req,
          body: JSON.stringify({
            project_id: 1,
            start_time: start.toISOString(),
            end_time: end.toISOString(),
            notes: 'bench',
          }),
        };
      },
    },
  ];
  const scenarios = [
    {
      name: 'GET /time-entries?per_page=50',
      target: 0.6,
      opts: () => ({ path: '/api/v1/time-entries?per_page=50', headers }),
    },
    { name: 'GET /projects', target: 0.6, opts: () => ({ path: '/api/v1/projects', headers }) },
    {
      name: 'POST /time-entries',
      target: 0.5,
      opts: (side) => ({
        path: '/api/v1/time-entries',
        method: 'POST',
        headers,
        requests: createRequests(side, side === 'app' ? 2030 : 2060),
      }),
    },
  ];

  const rows = [];
  for (const s of scenarios) {
    const a = [];
    const b = [];
    for (let i = 0; i < ROUNDS; i++) {
      const base = s.opts('baseline');
      b.push(await run(`${baselineUrl}${base.path}`, { ...base, path: undefined }));
      const mine = s.opts('app');
      a.push(await run(`${app.url}${mine.path}`, { ...mine, path: undefined }));
    }
    const pick = (xs) => ({
      rps: median(xs.map((x) => x.rps)),
      p50: median(xs.map((x) => x.p50)),
      p99: median(xs.map((x) => x.p99)),
    });
    rows.push({ name: s.name, target: s.target, app: pick(a), base: pick(b) });
  }

  console.log(
    `# bench/app-vs-baseline on PostgreSQL${redisUrl ? ' + Redis' : ''}: ${ENTRIES.toLocaleString('en')} entries, ` +
      `${ROUNDS} alternating round(s) of ${DURATION} s, ${CONNECTIONS} connections${SMOKE ? ' (smoke)' : ''}`,
  );
  console.log(
    '| scenario | app req/s | app p50/p99 ms | baseline req/s | baseline p50/p99 ms | app/baseline | target |',
  );
  console.log('|---|---|---|---|---|---|---|');
  for (const r of rows) {
    const ratio = r.app.rps / r.base.rps;
    console.log(
      `| ${r.name} | ${r.app.rps.toFixed(0)} | ${r.app.p50}/${r.app.p99} | ${r.base.rps.toFixed(0)} | ${r.base.p50}/${r.base.p99} | ` +
        `${ratio.toFixed(2)}x | >= ${r.target}x${ratio >= r.target ? '' : ' (missed)'} |`,
    );
  }
  await baseline.close();
  await pool.end();
  await app.app.close();
  await db.drop();
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
