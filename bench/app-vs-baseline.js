'use strict';
/**
 * bench/app-vs-baseline: the app against bench/baseline (node:http + the same driver, same SQL, no
 * framework) on the same data set, alternating runs so machine drift cancels out: PostgreSQL with
 * 1M entries (when reachable), then SQLite with 100k. Each server runs in its own process
 * (dist/src/main.js as in production: rate limiting on with limits raised, Redis configured);
 * autocannon drives both from this one.
 * Targets: list >= 0.6x the baseline's throughput, create and the timer >= 0.5x, app peak RSS < 250 MB.
 */
const { openDatabase } = require('./baseline/server');
const { join } = require('node:path');
const {
  benchPort,
  freshDatabase,
  freshSqlite,
  killServers,
  measure,
  median,
  peakRssMb,
  seedPostgres,
  seedSqlite,
  spawnServer,
  SMOKE,
} = require('./support');

const ENTRIES = SMOKE ? 5_000 : Number(process.env.BENCH_ENTRIES ?? 1_000_000);
const SQLITE_ENTRIES = SMOKE ? 2_000 : Number(process.env.BENCH_SQLITE_ENTRIES ?? 100_000);
const ROUNDS = SMOKE ? 1 : Number(process.env.BENCH_ROUNDS ?? 3);
const DURATION = SMOKE ? 1 : 5;
const CONNECTIONS = 16;
const ADMIN_TOKEN = 'tt_benchAdminToken0123456789abcdefX';

/** Seeds `db`, starts the app and the baseline on it, and measures every scenario; returns the table. */
async function suite(db, entries, redisUrl, port) {
  const app = await spawnServer(
    join(__dirname, '..', 'dist', 'src', 'main.js'),
    port,
    {
      DATABASE_URL: db.url,
      ...(redisUrl ? { REDIS_URL: redisUrl } : {}),
      REDIS_KEY_PREFIX: `tt:bench:${process.pid}:${db.kind}:`,
      BOOTSTRAP_ADMIN_TOKEN: ADMIN_TOKEN,
      API_TOKEN_RATE_LIMIT_PER_MINUTE: '100000000',
      API_TOKEN_RATE_LIMIT_PER_HOUR: '100000000',
      LOG_LEVEL: 'warn',
      // As `npm start` and the Docker image run it.
      NODE_OPTIONS: '--max-old-space-size=192',
    },
    // e.g. BENCH_APP_NODE_FLAGS="--cpu-prof --cpu-prof-dir=prof": profile the app (not the baseline).
    (process.env.BENCH_APP_NODE_FLAGS ?? '').split(' ').filter(Boolean),
  );
  // The bench's own connection to the data set (seeding, ids), through the baseline's driver layer.
  const sql = openDatabase(db.url);
  if (db.kind === 'postgres') await seedPostgres(sql.pool, entries);
  else seedSqlite(sql.file, entries);
  const baseline = await spawnServer(join(__dirname, 'baseline', 'server.js'), port + 1, { DATABASE_URL: db.url });
  const baselineUrl = baseline.url;

  /** A new read/write token for one bench user, through the app's admin API. */
  const issueToken = async (userId, name) => {
    const res = await fetch(`${app.url}/api/v1/admin/api-tokens`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ user_id: userId, name, scopes: ['read:*', 'write:*'] }),
    });
    if (res.status !== 201) throw new Error(`token issue: ${res.status} ${await res.text()}`);
    return (await res.json()).token;
  };
  const userId = (await sql.query("SELECT id FROM users WHERE username = 'bench1'"))[0].id;
  const token = await issueToken(userId, 'bench');
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };

  // The timer scenario: one user (and token) per connection, each cycling start, stop. App and
  // baseline get users of their own: every cycle books an entry, and where the next start goes is
  // read from the user's entries of the last day, so neither side pays for the other's cycles.
  const timerUsers = await sql.query(
    "SELECT id FROM users WHERE username LIKE 'bench%' AND username <> 'bench1' ORDER BY id LIMIT ?",
    [2 * CONNECTIONS],
  );
  const timerTokens = { app: [], baseline: [] };
  for (const [i, { id }] of timerUsers.entries()) {
    timerTokens[i < CONNECTIONS ? 'app' : 'baseline'].push(await issueToken(id, 'bench timer'));
  }
  /**
   * A run can end between a start and its stop: every timer is stopped before the next run, once
   * the requests cut off at the end of the previous one have finished on the server.
   */
  const stopAllTimers = async () => {
    await new Promise((resolve) => setTimeout(resolve, 500));
    await Promise.all(
      [...timerTokens.app, ...timerTokens.baseline].map((t) =>
        fetch(`${app.url}/api/v1/timer/stop`, { method: 'POST', headers: { authorization: `Bearer ${t}` } }),
      ),
    );
  };
  const timerOptions = (side) => {
    let next = 0;
    return {
      path: '/api/v1/timer/start',
      method: 'POST',
      headers,
      // autocannon calls setupClient once per connection: each gets its own user's token.
      setupClient: (client) => client.setHeaders({ ...headers, authorization: `Bearer ${timerTokens[side][next++]}` }),
      requests: [
        { method: 'POST', path: '/api/v1/timer/start', setupRequest: (req) => ({ ...req, body: '{"project_id":1}' }) },
        {
          method: 'POST',
          path: '/api/v1/timer/stop',
          // No body, so no content-type either.
          setupRequest: ({ headers: { authorization }, ...req }) => ({
            ...req,
            headers: { authorization },
            body: undefined,
          }),
        },
      ],
    };
  };

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
    {
      name: 'POST /timer/start + /timer/stop (a user per connection)',
      target: 0.5,
      before: stopAllTimers,
      opts: timerOptions,
    },
  ];

  const rows = [];
  // e.g. BENCH_ONLY=timer: the scenarios whose name contains it (to profile one).
  for (const s of scenarios.filter((x) => x.name.includes(process.env.BENCH_ONLY ?? ''))) {
    const a = [];
    const b = [];
    for (let i = 0; i < ROUNDS; i++) {
      await s.before?.();
      const base = s.opts('baseline');
      b.push(
        await measure({
          ...base,
          url: `${baselineUrl}${base.path}`,
          path: undefined,
          connections: CONNECTIONS,
          duration: DURATION,
        }),
      );
      await s.before?.();
      const mine = s.opts('app');
      a.push(
        await measure({
          ...mine,
          url: `${app.url}${mine.path}`,
          path: undefined,
          connections: CONNECTIONS,
          duration: DURATION,
        }),
      );
    }
    const pick = (xs) => ({
      rps: median(xs.map((x) => x.rps)),
      p50: median(xs.map((x) => x.p50)),
      p99: median(xs.map((x) => x.p99)),
    });
    rows.push({ name: s.name, target: s.target, app: pick(a), base: pick(b) });
  }

  // The app process's peak resident set over the whole run (seeding included).
  const rssMb = peakRssMb(app.child.pid);
  await baseline.stop();
  await sql.close();
  await app.stop();
  await db.drop();
  return { rows, rssMb };
}

function printTable(db, entries, redisUrl, { rows, rssMb }) {
  const name = db.kind === 'postgres' ? 'PostgreSQL' : 'SQLite';
  console.log(
    `\n# bench/app-vs-baseline on ${name}${redisUrl ? ' + Redis' : ''}: ${entries.toLocaleString('en')} entries, ` +
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
  console.log(
    `\nPeak RSS of the app process (VmHWM) over the run: ${rssMb.toFixed(0)} MB ` +
      `(target < 250 MB${rssMb < 250 ? '' : ', missed'})`,
  );
}

async function main() {
  const redisUrl = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379/0';
  // App and baseline each run in their own process, as in production; the app's peak RSS is its own.
  const port = benchPort();
  const pg = await freshDatabase();
  if (pg.kind === 'postgres') {
    printTable(pg, ENTRIES, redisUrl, await suite(pg, ENTRIES, redisUrl, port));
  } else {
    console.log(
      '# bench/app-vs-baseline: PostgreSQL not reachable on 127.0.0.1:5432 (BENCH_POSTGRES_URL); its suite skipped',
    );
  }
  // The laptop setup: the embedded database and its smaller data set.
  const sqlite = freshSqlite();
  printTable(sqlite, SQLITE_ENTRIES, redisUrl, await suite(sqlite, SQLITE_ENTRIES, redisUrl, port + 2));
}

main().catch((error) => {
  console.error(error);
  killServers();
  process.exit(1);
});
