'use strict';
/**
 * bench/read-side: 1,000,000 time entries (100 users, 500 projects) in PostgreSQL. Reports the
 * summary endpoint's median latency for one user's year as a ratio to running its SQL directly
 * (target <= 1.5x), search latency, and the summary query's plan. The endpoint is the production
 * server (dist/src/main.js) in its own process, asked over one keep-alive connection; the SQL goes
 * from this process to PostgreSQL. Both are one client round trip, measured alternately.
 */
const http = require('node:http');
const { join } = require('node:path');
const { Pool } = require('pg');
const {
  benchPort,
  benchRedis,
  compare,
  dist,
  freshDatabase,
  killServers,
  median,
  seedPostgres,
  spawnServer,
  startApp,
  SMOKE,
} = require('./support');

const ADMIN_TOKEN = 'tt_benchAdminToken0123456789abcdefX';
const RUNS = SMOKE ? 5 : Number(process.env.BENCH_RUNS ?? 200);
const ENTRIES = SMOKE ? 5_000 : Number(process.env.BENCH_ENTRIES ?? 1_000_000);

const elapsedMs = async (fn) => {
  const t = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - t) / 1e6;
};

/** GET over one keep-alive socket (the lightest client node has): status and body. */
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
function get(url, headers) {
  return new Promise((resolve, reject) => {
    http
      .get(url, { agent, headers }, (res) => {
        const chunks = [];
        res.on('data', (chunk) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode, body: Buffer.concat(chunks).toString() }));
        res.on('error', reject);
      })
      .on('error', reject);
  });
}

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
  const { baseline, subject, range } = await compare(
    runs,
    () => elapsedMs(a),
    () => elapsedMs(b),
  );
  // compare's range is of a/b - 1 per pair: as ratios, the lowest and highest pair.
  return [baseline, subject, range.map((r) => 1 + r)];
}

async function main() {
  const db = await freshDatabase();
  if (db.kind !== 'postgres') {
    console.log('# bench/read-side needs PostgreSQL on 127.0.0.1:5432 (BENCH_POSTGRES_URL); skipped');
    return;
  }
  process.env.DATABASE_URL = db.url;
  const env = {
    DATABASE_URL: db.url,
    BOOTSTRAP_ADMIN_TOKEN: ADMIN_TOKEN,
    API_TOKEN_RATE_LIMIT_PER_MINUTE: '100000',
    API_TOKEN_RATE_LIMIT_PER_HOUR: '1000000',
    ...benchRedis(db),
  };
  // Set-up in this process (schema, data, a token for bench1); the server measured runs apart.
  const { app } = await startApp(env, [], null);
  const pool = new Pool({ connectionString: db.url, max: 4 });
  const seeded = Date.now();
  await seedPostgres(pool, ENTRIES);
  const seedSeconds = (Date.now() - seeded) / 1000;

  const { TransactionService } = dist('database/transaction.service');
  const { ApiTokensService } = dist('modules/api-tokens/api-tokens.service');
  const { UsersRepository } = dist('modules/users/users.repository');
  const { ReportsRepository } = dist('modules/reports/reports.repository');
  const user = await app.get(UsersRepository).findByUsername('bench1');
  const { token } = await app
    .get(TransactionService)
    .run(null, (m) =>
      app.get(ApiTokensService).issue(m, user, { name: 'bench', scopes: ['read:reports', 'read:projects'] }),
    );
  const headers = { authorization: `Bearer ${token}` };
  // The statement the endpoint runs for a non-admin (its text taken from the app's repository, so
  // the two cannot drift apart), with the same parameters.
  const summarySql = app.get(ReportsRepository).statementFor({ user: true, project: false, withUsers: false });
  const params = [new Date('2024-01-01T00:00:00Z'), new Date('2025-01-01T00:00:00Z'), user.id];
  await app.close();

  // As app-vs-baseline starts it: the production entry point as `npm start` runs it.
  const server = await spawnServer(join(__dirname, '..', 'dist', 'src', 'main.js'), benchPort(), {
    ...env,
    LOG_LEVEL: 'warn',
    NODE_OPTIONS: '--max-old-space-size=192',
  });
  const url = server.url;
  const summaryUrl = `${url}/api/v1/reports/summary?start_date=2024-01-01&end_date=2024-12-31`;
  const first = JSON.parse((await get(summaryUrl, headers)).body);

  const [endpoint, direct, pairs] = await timeAlternately(
    RUNS,
    async () => {
      const res = await get(summaryUrl, headers);
      if (res.status !== 200) throw new Error(`summary answered ${res.status}`);
    },
    () => pool.query(summarySql, params),
  );

  const searchUrl = `${url}/api/v1/search?q=website&limit=10`;
  const search = await timeIt(Math.max(5, Math.floor(RUNS / 4)), async () => {
    const res = await get(searchUrl, headers);
    if (res.status !== 200) throw new Error(`search answered ${res.status}`);
  });
  const plan = (await pool.query(`EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF) ${summarySql}`, params)).rows.map(
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
  console.log(
    `summary endpoint / direct SQL: ${(endpoint / direct).toFixed(2)}x (target <= 1.5x; ` +
      `single pairs ${pairs[0].toFixed(2)}x to ${pairs[1].toFixed(2)}x)`,
  );
  console.log('plan of the summary statement:');
  for (const line of plan.slice(0, 16)) console.log(`  ${line}`);

  agent.destroy();
  await pool.end();
  await server.stop();
  await db.drop();
}

main().catch((error) => {
  console.error(error);
  killServers();
  process.exit(1);
});
