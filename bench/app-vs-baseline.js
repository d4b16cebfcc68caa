'use strict';
/**
 * bench/app-vs-baseline: the app against bench/baseline (the best raw server we know: node:http,
 * the same driver and indexes, the best SQL, the same response bytes) on the benchmark data set
 * (bench/data-set): PostgreSQL with 1M entries, then SQLite with 100k. Each server in its own
 * process (the app as `npm start` runs it: rate limiting on with limits raised, Redis on
 * PostgreSQL); autocannon drives both from this one, rounds alternating, 16 connections.
 * Prints app/baseline throughput (median of the pairs' ratios, its 95 % interval) and each
 * server process's CPU per request (utime + stime from /proc/<pid>/stat over the round, divided by
 * its requests). Targets: app/baseline >= 0.7x for the list and the create on both databases.
 */
const { readFileSync } = require('node:fs');
const { join } = require('node:path');
const { ADMIN_TOKEN, benchUserId, dataSet, dropDataSets, issueToken } = require('./data-set');
const {
  benchPort,
  compare,
  killServers,
  measure,
  median,
  medianInterval,
  peakRssMb,
  spawnServer,
  SMOKE,
} = require('./support');

const ENTRIES = SMOKE ? 2_000 : Number(process.env.BENCH_ENTRIES ?? 1_000_000);
const SQLITE_ENTRIES = SMOKE ? 2_000 : Number(process.env.BENCH_SQLITE_ENTRIES ?? 100_000);
const ROUNDS = SMOKE ? 1 : Number(process.env.BENCH_ROUNDS ?? 6);
const DURATION = SMOKE ? 1 : Number(process.env.BENCH_ROUND_SECONDS ?? 3);
const CONNECTIONS = 16;
const TARGET = 0.7;

/** CPU seconds (user + system) a process has used so far. */
function cpuSeconds(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** One autocannon round against `server`: req/s, p50 and the server's CPU ms per request. */
async function run(server, options) {
  const before = cpuSeconds(server.child.pid);
  const r = await measure({
    ...options,
    url: `${server.url}${options.path}`,
    path: undefined,
    connections: CONNECTIONS,
    duration: DURATION,
  });
  return { ...r, cpuMs: ((cpuSeconds(server.child.pid) - before) * 1000) / r.requests };
}

/**
 * The list's first page and a create from both: the same bytes (a create's id and instants aside),
 * or the benchmark would compare different work.
 */
async function sameBytes(app, baseline, token) {
  const call = (url, init) =>
    fetch(`${url}/api/v1/time-entries${init ? '' : '?per_page=50'}`, {
      ...init,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    }).then((r) => r.text());
  const check = (what, a, b) => {
    if (a !== b) throw new Error(`the baseline's ${what} differs from the app's:\napp:      ${a}\nbaseline: ${b}`);
  };
  const [a, b] = [await call(app.url), await call(baseline.url)];
  check('list', a, b);
  const create = (url, hour) =>
    call(url, {
      method: 'POST',
      body: JSON.stringify({
        project_id: 1,
        start_time: new Date(Date.UTC(2099, 0, 1, hour)).toISOString(),
        end_time: new Date(Date.UTC(2099, 0, 1, hour, 30)).toISOString(),
        notes: 'bench',
      }),
    }).then((text) =>
      text
        .replace(/"id":\d+/, '"id":0')
        .replace(/"start_time":"[^"]+","end_time":"[^"]+"/, '')
        .replace(/"created_at":"[^"]+","updated_at":"[^"]+"/, ''),
    );
  check('create', await create(app.url, 1), await create(baseline.url, 2));
  return Buffer.byteLength(a);
}

async function suite(kind, entries, port) {
  const db = await dataSet(kind, entries);
  if (!db) {
    console.log('\n# bench/app-vs-baseline: PostgreSQL not reachable on 127.0.0.1:5432 (BENCH_POSTGRES_URL); skipped');
    return;
  }
  if (db.built !== null)
    console.log(`# data set ${kind} ${entries.toLocaleString('en')}: built and cached in ${db.built.toFixed(1)} s`);
  const app = await spawnServer(
    join(__dirname, '..', 'dist', 'src', 'main.js'),
    port,
    {
      DATABASE_URL: db.url,
      ...(kind === 'postgres'
        ? {
            REDIS_URL: process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379/0',
            REDIS_KEY_PREFIX: `tt:bench:${port}:`,
          }
        : {}),
      BOOTSTRAP_ADMIN_TOKEN: ADMIN_TOKEN,
      API_TOKEN_RATE_LIMIT_PER_MINUTE: '100000000',
      API_TOKEN_RATE_LIMIT_PER_HOUR: '100000000',
      LOG_LEVEL: 'warn',
      NODE_OPTIONS: '--max-old-space-size=192',
    },
    // e.g. BENCH_APP_NODE_FLAGS="--cpu-prof --cpu-prof-dir=prof": profile the app (not the baseline).
    (process.env.BENCH_APP_NODE_FLAGS ?? '').split(' ').filter(Boolean),
  );
  const baseline = await spawnServer(join(__dirname, 'baseline', 'server.js'), port + 1, { DATABASE_URL: db.url });
  const token = await issueToken(app.url, benchUserId(1));
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  const bytes = await sameBytes(app, baseline, token);

  // Creates never overlap: each request books its own hour, app and baseline in separate years.
  const counters = { app: 0, baseline: 0 };
  const create = (side) => ({
    path: '/api/v1/time-entries',
    method: 'POST',
    headers,
    requests: [
      {
        setupRequest: (req) => {
          const start = Date.UTC(side === 'app' ? 2030 : 2060, 0, 1) + counters[side]++ * 3_600_000;
          return {
            ...req,
            body: JSON.stringify({
              project_id: 1,
              start_time: new Date(start).toISOString(),
              end_time: new Date(start + 1_800_000).toISOString(),
              notes: 'bench',
            }),
          };
        },
      },
    ],
  });
  const scenarios = [
    {
      name: 'GET /time-entries?per_page=50 (a user, page 1)',
      opts: () => ({ path: '/api/v1/time-entries?per_page=50', headers }),
    },
    { name: 'POST /time-entries', opts: create },
  ];
  const label = kind === 'postgres' ? 'PostgreSQL + Redis' : 'SQLite';
  console.log(
    `\n# bench/app-vs-baseline on ${label}: ${entries.toLocaleString('en')} entries; ${ROUNDS} alternating pairs of ` +
      `${DURATION} s rounds, ${CONNECTIONS} connections; list bodies identical (${bytes} bytes)${SMOKE ? ' (smoke)' : ''}`,
  );
  console.log(
    '| scenario | app req/s | baseline req/s | app/baseline | 95 % interval | target | app CPU ms/req | baseline CPU ms/req | app p50 ms | baseline p50 ms |',
  );
  console.log('|---|---|---|---|---|---|---|---|---|---|');
  // e.g. BENCH_ONLY=POST: the scenarios whose name contains it (to profile one).
  for (const s of scenarios.filter((x) => x.name.includes(process.env.BENCH_ONLY ?? ''))) {
    const r = await compare(
      ROUNDS,
      () => run(baseline, s.opts('baseline')),
      () => run(app, s.opts('app')),
      (x) => x.rps,
    );
    const ratios = r.overheads.map((o) => 1 / (1 + o));
    const m = median(ratios);
    const bounds = medianInterval(ratios);
    const side = (i, pick) => median(r.pairs.map((p) => pick(p[i])));
    console.log(
      `| ${s.name} | ${side(1, (x) => x.rps).toFixed(0)} | ${side(0, (x) => x.rps).toFixed(0)} | ${m.toFixed(2)}x | ` +
        `${bounds ? `${bounds[0].toFixed(2)}-${bounds[1].toFixed(2)}x` : 'too few pairs'} | >= ${TARGET}x${m >= TARGET ? '' : ' (missed)'} | ` +
        `${side(1, (x) => x.cpuMs).toFixed(2)} | ${side(0, (x) => x.cpuMs).toFixed(2)} | ${side(1, (x) => x.p50)} | ${side(0, (x) => x.p50)} |`,
    );
  }
  console.log(`App peak RSS (VmHWM) over the run: ${peakRssMb(app.child.pid).toFixed(0)} MB (target < 250 MB)`);
  await baseline.stop();
  await app.stop();
  await db.drop();
}

async function main() {
  const port = benchPort();
  // e.g. BENCH_DATABASES=postgres: one of the two.
  const databases = (process.env.BENCH_DATABASES ?? 'postgres,sqlite').split(',');
  if (databases.includes('postgres')) await suite('postgres', ENTRIES, port);
  // The laptop setup: the embedded database and its smaller data set.
  if (databases.includes('sqlite')) await suite('sqlite', SQLITE_ENTRIES, port);
}

main().catch((error) => {
  console.error(error);
  killServers();
  void dropDataSets().finally(() => process.exit(1));
});
