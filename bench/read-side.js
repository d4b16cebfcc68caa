'use strict';
/**
 * bench/read-side: 1,000,000 time entries (100 users, 500 projects) in PostgreSQL. Reports the
 * summary endpoint's median latency for one user's year as a ratio to running its SQL directly
 * (target <= 1.5x), search latency, and the summary query's plan.
 */
const { Pool } = require('pg');
const { benchRedis, compare, dist, freshDatabase, median, seedPostgres, startApp, SMOKE } = require('./support');

const ADMIN_TOKEN = 'tt_benchAdminToken0123456789abcdefX';
const RUNS = SMOKE ? 5 : Number(process.env.BENCH_RUNS ?? 40);
const ENTRIES = SMOKE ? 5_000 : Number(process.env.BENCH_ENTRIES ?? 1_000_000);

const elapsedMs = async (fn) => {
  const t = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - t) / 1e6;
};

async function timeIt(runs, fn) {
  for (let i = 0; i < 3; i++) await fn(); // warm-up
  const ms = [];
  for (let i = 0; i < runs; i++) ms.push(await elapsedMs(fn));
  return median(ms);
}

/**
 * Median latencies of `a` and `b`, measured alternately through `compare` (each pair in turn order),
 * so that the database's caches and the machine's drift favour neither.
 */
async function timeAlternately(runs, a, b) {
  for (let i = 0; i < 2; i++) await Promise.resolve().then(a).then(b); // warm-up (compare adds a pair)
  const { baseline, subject } = await compare(
    runs,
    () => elapsedMs(a),
    () => elapsedMs(b),
  );
  return [baseline, subject];
}

async function main() {
  const db = await freshDatabase();
  if (db.kind !== 'postgres') {
    console.log('# bench/read-side needs PostgreSQL on 127.0.0.1:5432 (BENCH_POSTGRES_URL); skipped');
    return;
  }
  process.env.DATABASE_URL = db.url;
  const { app, url } = await startApp({
    DATABASE_URL: db.url,
    BOOTSTRAP_ADMIN_TOKEN: ADMIN_TOKEN,
    API_TOKEN_RATE_LIMIT_PER_MINUTE: '100000',
    API_TOKEN_RATE_LIMIT_PER_HOUR: '1000000',
    ...benchRedis(db),
  });
  const pool = new Pool({ connectionString: db.url, max: 4 });
  const seeded = Date.now();
  await seedPostgres(pool, ENTRIES);
  const seedSeconds = (Date.now() - seeded) / 1000;

  const { TransactionService } = dist('database/transaction.service');
  const { ApiTokensService } = dist('modules/api-tokens/api-tokens.service');
  const { UsersRepository } = dist('modules/users/users.repository');
  const user = await app.get(UsersRepository).findByUsername('bench1');
  const { token } = await app
    .get(TransactionService)
    .run((m) => app.get(ApiTokensService).issue(m, user, { name: 'bench', scopes: ['read:reports', 'read:projects'] }));
  const headers = { authorization: `Bearer ${token}` };

  const summaryUrl = `${url}/api/v1/reports/summary?start_date=2024-01-01&end_date=2024-12-31`;
  const first = await (await fetch(summaryUrl, { headers })).json();

  // The same two statements the endpoint runs for a non-admin, in parallel as it does.
  const params = [new Date('2024-01-01T00:00:00Z'), new Date('2025-01-01T00:00:00Z'), user.id];
  const where = 'e.end_time IS NOT NULL AND e.start_time >= $1 AND e.start_time < $2 AND e.user_id = $3';
  const totalsSql = `SELECT COALESCE(SUM(e.duration_seconds), 0) AS seconds,
      COALESCE(SUM(CASE WHEN e.billable THEN e.duration_seconds ELSE 0 END), 0) AS billable, COUNT(*) AS entries
    FROM time_entries e WHERE ${where}`;
  const byProjectSql = `SELECT e.project_id AS id, g.name AS name, SUM(e.duration_seconds) AS seconds,
      SUM(CASE WHEN e.billable THEN e.duration_seconds ELSE 0 END) AS billable, COUNT(*) AS entries
    FROM time_entries e INNER JOIN projects g ON g.id = e.project_id WHERE ${where}
    GROUP BY e.project_id, g.name ORDER BY SUM(e.duration_seconds) DESC, e.project_id ASC`;
  const [endpoint, direct] = await timeAlternately(
    RUNS,
    async () => {
      const res = await fetch(summaryUrl, { headers });
      if (res.status !== 200) throw new Error(`summary answered ${res.status}`);
      await res.arrayBuffer();
    },
    () => Promise.all([pool.query(totalsSql, params), pool.query(byProjectSql, params)]),
  );

  const searchUrl = `${url}/api/v1/search?q=website&limit=10`;
  const search = await timeIt(Math.max(5, Math.floor(RUNS / 4)), async () => {
    const res = await fetch(searchUrl, { headers });
    if (res.status !== 200) throw new Error(`search answered ${res.status}`);
    await res.arrayBuffer();
  });
  const plan = (await pool.query(`EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF) ${byProjectSql}`, params)).rows.map(
    (r) => r['QUERY PLAN'],
  );

  console.log(
    `# bench/read-side on PostgreSQL: ${ENTRIES.toLocaleString('en')} entries (100 users, 500 projects), seeded in ${seedSeconds.toFixed(1)} s`,
  );
  console.log(
    `# one user's year: ${first.summary.total_entries} entries, ${first.summary.total_hours} h, ${first.summary.by_project.length} projects`,
  );
  console.log('| measurement | median ms |');
  console.log('|---|---|');
  console.log(`| GET /reports/summary (one user, one year) | ${endpoint.toFixed(1)} |`);
  console.log(`| the same SQL, run directly | ${direct.toFixed(1)} |`);
  console.log(`| GET /search?q=website (all four types) | ${search.toFixed(1)} |`);
  console.log(`summary endpoint / direct SQL: ${(endpoint / direct).toFixed(2)}x (target <= 1.5x)`);
  console.log('plan of the by_project query:');
  for (const line of plan.slice(0, 12)) console.log(`  ${line}`);

  await pool.end();
  await app.close();
  await db.drop();
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
