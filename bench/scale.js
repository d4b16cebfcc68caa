'use strict';
/**
 * bench/scale: does a request cost the same whatever the size of the data? The same 100 users with
 * 100x the entries, 10k and 1M, on PostgreSQL and on SQLite (bench/data-set): at 10k a user has
 * 100 entries, so page 1 is a full page of 50 at both sizes. One
 * production server (dist/src/main.js) per size, both up at once; each scenario is timed one request
 * at a time over one keep-alive connection (latency is the request's cost, not a queue), rounds
 * alternating between the sizes. Prints the p50 at each size (median of the rounds' p50s, with their
 * range) and the large/small ratio (median of the pairs' ratios, its 95 % interval). Targets:
 * large/small <= 1.3x; a cursor's page 10,000 costs what page 1 costs (<= 1.3x); GET /projects p50
 * < 15 ms at 1M; the admin summary over a year within 1.5x of the best SQL for it, run directly.
 */
const http = require('node:http');
const { Pool } = require('pg');
const { ADMIN_TOKEN, benchUserId, dataSet, issueToken, runOnDatabases } = require('./data-set');
const {
  compare,
  dist,
  f1,
  median,
  p50Cell,
  ratioCells,
  spawnAppServer,
  SMOKE,
  timedRequest,
  timedRound,
} = require('./support');

const ROUNDS = SMOKE ? 1 : Number(process.env.BENCH_ROUNDS ?? 8);
/** A round: at least this long and this many requests. */
const ROUND_MS = SMOKE ? 100 : Number(process.env.BENCH_ROUND_MS ?? 1000);
const ROUND_MIN = SMOKE ? 3 : 15;
/** timedRound's options for a round. */
const ROUND = { ms: ROUND_MS, min: ROUND_MIN };
const sizes = (name, fallback) => (process.env[name] ?? fallback).split(',').map(Number);
const SIZES = {
  postgres: sizes('BENCH_SCALE_POSTGRES', SMOKE ? '200,2000' : '10000,1000000'),
  sqlite: sizes('BENCH_SCALE_SQLITE', SMOKE ? '200,2000' : '10000,1000000'),
};
const DEEP_PAGE = 10_000;
const PER_PAGE = 50;

/** A server on one data set, with its tokens and a keep-alive connection. */
async function serve(db, port) {
  const server = await spawnAppServer(db, port, ADMIN_TOKEN);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  return {
    db,
    server,
    agent,
    user: await issueToken(server.url, benchUserId(1)),
    timerUser: await issueToken(server.url, benchUserId(2)),
    get: (path, token) => timedRequest(agent, `${server.url}/api/v1${path}`, { token }),
    post: (path, token, body) => timedRequest(agent, `${server.url}/api/v1${path}`, { method: 'POST', token, body }),
  };
}

/** The scenarios, each a function of a side giving one timed sample (ms). */
function scenarios() {
  let hour = 0;
  return [
    { name: 'GET /time-entries?per_page=50 (a user)', sample: (s) => s.get('/time-entries?per_page=50', s.user) },
    { name: 'GET /time-entries?per_page=50 (admin)', sample: (s) => s.get('/time-entries?per_page=50', ADMIN_TOKEN) },
    {
      name: 'POST /time-entries',
      sample: (s) => {
        // Each its own hour, after the data set (2024-2025): no overlap, whatever the order.
        const start = Date.UTC(2030, 0, 1) + hour++ * 3_600_000;
        return s.post('/time-entries', s.user, {
          project_id: 1,
          start_time: new Date(start).toISOString(),
          end_time: new Date(start + 1_800_000).toISOString(),
          notes: 'bench',
        });
      },
    },
    {
      name: 'POST /timer/start + /timer/stop',
      sample: async (s) => {
        const a = await s.post('/timer/start', s.timerUser, { project_id: 1 });
        const b = await s.post('/timer/stop', s.timerUser);
        return { ms: a.ms + b.ms };
      },
    },
    { name: 'GET /projects', sample: (s) => s.get('/projects', s.user) },
    { name: 'GET /users/me', sample: (s) => s.get('/users/me', s.user) },
  ].map((x) => ({ ...x, sample: (s) => () => x.sample(s).then((r) => r.ms) }));
}

/** The cursor the app would hand out for admin page `page` of the list (its keyset position), built from the row before it. */
async function deepCursor(large, page) {
  const { encodeCursor } = dist('common/pagination/cursor');
  const rowsBefore = (page - 1) * PER_PAGE;
  const sql =
    'SELECT start_time, id FROM time_entries WHERE end_time IS NOT NULL ORDER BY start_time DESC, id DESC ' +
    `LIMIT 1 OFFSET ${rowsBefore - 1}`;
  let row;
  if (large.db.kind === 'postgres') {
    const pool = new Pool({ connectionString: large.db.url, max: 1 });
    row = (await pool.query(sql)).rows[0];
    await pool.end();
    row.start_time = row.start_time.toISOString();
  } else {
    const Database = require('better-sqlite3');
    const db = new Database(large.db.file, { readonly: true });
    row = db.prepare(sql).get();
    db.close();
    row.start_time = `${row.start_time.replace(' ', 'T')}Z`;
  }
  return encodeCursor({ list: 'time_entries', sort: '-start_time,-id', values: [row.start_time, row.id], rowsBefore });
}

/**
 * The best SQL for an admin's summary of a range, written by hand: completed entries of the range
 * summed by (project, user) in one pass (a hash aggregate), rolled up into the total, per project
 * and per user, names joined to the few groups only.
 */
// SQLite: `+` keeps the GROUP BY from being read in the order of an index on (user, project), as the app does.
const BEST_SUMMARY = (pg) => {
  const [from, to] = pg ? ['$1', '$2'] : ['?', '?'];
  return `WITH f AS ${pg ? '' : 'MATERIALIZED '}(
      SELECT project_id, user_id, SUM(duration_seconds) AS s,
             SUM(CASE WHEN billable THEN duration_seconds ELSE 0 END) AS b, COUNT(*) AS n
      FROM time_entries WHERE end_time IS NOT NULL AND start_time >= ${from} AND start_time < ${to}
      GROUP BY ${pg ? 'project_id, user_id' : '+project_id, +user_id'})
    SELECT 0 AS kind, NULL AS id, NULL AS name, SUM(s) AS s, SUM(b) AS b, SUM(n) AS n FROM f
    UNION ALL
    SELECT 1, g.id, p.name, g.s, g.b, g.n FROM (SELECT project_id AS id, SUM(s) AS s, SUM(b) AS b, SUM(n) AS n
      FROM f WHERE project_id IS NOT NULL GROUP BY project_id) g JOIN projects p ON p.id = g.id
    UNION ALL
    SELECT 2, g.id, u.username, g.s, g.b, g.n FROM (SELECT user_id AS id, SUM(s) AS s, SUM(b) AS b, SUM(n) AS n
      FROM f GROUP BY user_id) g JOIN users u ON u.id = g.id`;
};

/** Runs the best summary SQL from this process: a function giving one timed sample (ms). */
function directSummary(db) {
  if (db.kind === 'postgres') {
    const pool = new Pool({ connectionString: db.url, max: 1 });
    const params = [new Date('2024-01-01T00:00:00Z'), new Date('2025-01-01T00:00:00Z')];
    return {
      sample: async () => {
        const started = process.hrtime.bigint();
        await pool.query({ name: 'best-summary', text: BEST_SUMMARY(true), values: params });
        return Number(process.hrtime.bigint() - started) / 1e6;
      },
      close: () => pool.end(),
    };
  }
  const Database = require('better-sqlite3');
  const sqlite = new Database(db.file, { readonly: true });
  const statement = sqlite.prepare(BEST_SUMMARY(false));
  return {
    sample: async () => {
      const started = process.hrtime.bigint();
      statement.all('2024-01-01 00:00:00.000', '2025-01-01 00:00:00.000');
      return Number(process.hrtime.bigint() - started) / 1e6;
    },
    close: async () => sqlite.close(),
  };
}

async function suite(kind, port) {
  const [smallSize, largeSize] = SIZES[kind];
  const dbs = [];
  for (const n of [smallSize, largeSize]) {
    const db = await dataSet(kind, n);
    if (!db) {
      console.log(`\n# bench/scale on ${kind}: PostgreSQL not reachable (BENCH_POSTGRES_URL); skipped`);
      return;
    }
    if (db.built !== null)
      console.log(`# data set ${kind} ${n.toLocaleString('en')}: built and cached in ${f1(db.built)} s`);
    dbs.push(db);
  }
  const small = await serve(dbs[0], port);
  const large = await serve(dbs[1], port + 1);
  const label = (n) => (n >= 1e6 ? `${n / 1e6}M` : n >= 1e3 ? `${n / 1e3}k` : String(n));
  const [ls, ll] = [label(smallSize), label(largeSize)];
  console.log(
    `\n# bench/scale on ${kind === 'postgres' ? 'PostgreSQL + Redis' : 'SQLite'}: 100 users, ${ls} vs ${ll} entries; ` +
      `${ROUNDS} alternating pairs of rounds (>= ${ROUND_MS} ms and ${ROUND_MIN} requests each), one connection${SMOKE ? ' (smoke)' : ''}`,
  );
  console.log(
    `| measurement | p50 ms at ${ls} (range of rounds) | p50 ms at ${ll} | ${ll}/${ls} | 95 % interval | target |`,
  );
  console.log('|---|---|---|---|---|---|');
  const row = (name, a, b, ratios, target) => {
    const [m, interval] = ratioCells(ratios);
    const missed = median(ratios) > target ? ' (missed)' : '';
    console.log(`| ${name} | ${p50Cell(a)} | ${p50Cell(b)} | ${m} | ${interval} | <= ${target}x${missed} |`);
  };
  const results = {};
  for (const s of scenarios()) {
    const r = await compare(
      ROUNDS,
      () => timedRound(s.sample(large), ROUND),
      () => timedRound(s.sample(small), ROUND),
    );
    results[s.name] = r;
    row(
      s.name,
      r.pairs.map(([, x]) => x),
      r.pairs.map(([x]) => x),
      r.overheads.map((o) => 1 + o),
      1.3,
    );
  }

  // Deep pages: the cursor of page 10,000 (or as deep as a smoke data set goes) against page 1.
  const depth = Math.min(DEEP_PAGE, Math.floor(largeSize / PER_PAGE / 2));
  const cursor = await deepCursor(large, depth);
  const deepPath = `/time-entries?per_page=${PER_PAGE}&cursor=${cursor}`;
  const deep = JSON.parse((await large.get(deepPath, ADMIN_TOKEN)).text).pagination;
  if (deep.page !== depth) throw new Error(`the cursor led to page ${deep.page}, not ${depth}`);
  const pages = await compare(
    ROUNDS,
    () => timedRound(() => large.get(deepPath, ADMIN_TOKEN).then((r) => r.ms), ROUND),
    () => timedRound(() => large.get(`/time-entries?per_page=${PER_PAGE}`, ADMIN_TOKEN).then((r) => r.ms), ROUND),
  );
  console.log('');
  console.log(`| at ${ll} entries | p50 ms (range of rounds) | against | p50 ms | ratio | 95 % interval | target |`);
  console.log('|---|---|---|---|---|---|---|');
  const [pm, pi] = ratioCells(pages.overheads.map((o) => 1 + o));
  console.log(
    `| admin page ${depth.toLocaleString('en')} by cursor | ${p50Cell(pages.pairs.map(([x]) => x))} | page 1 | ` +
      `${p50Cell(pages.pairs.map(([, x]) => x))} | ${pm} | ${pi} | <= 1.3x${median(pages.overheads) + 1 > 1.3 ? ' (missed)' : ''} |`,
  );

  // The admin summary over 2024 against the best SQL for it, from this process.
  const direct = directSummary(large.db);
  const summaryPath = '/reports/summary?start_date=2024-01-01&end_date=2024-12-31';
  const summaryRounds = SMOKE ? 1 : Math.max(6, ROUNDS);
  const summary = await compare(
    summaryRounds,
    // At 1M a summary takes a good part of a second: rounds of 5 (a round's p50 is their median).
    () => timedRound(() => large.get(summaryPath, ADMIN_TOKEN).then((r) => r.ms), { ...ROUND, min: 5 }),
    () => timedRound(direct.sample, { ...ROUND, min: 5 }),
  );
  await direct.close();
  const [sm, si] = ratioCells(summary.overheads.map((o) => 1 + o));
  console.log(
    `| GET ${summaryPath} (admin) | ${p50Cell(summary.pairs.map(([x]) => x))} | best SQL, run directly | ` +
      `${p50Cell(summary.pairs.map(([, x]) => x))} | ${sm} | ${si} | <= 1.5x${median(summary.overheads) + 1 > 1.5 ? ' (missed)' : ''} |`,
  );
  const projects = results['GET /projects'].pairs.map(([x]) => x);
  const projectsP50 = median(projects);
  console.log(`| GET /projects | ${p50Cell(projects)} | | | | | < 15 ms${projectsP50 < 15 ? '' : ' (missed)'} |`);

  for (const side of [small, large]) {
    side.agent.destroy();
    await side.server.stop();
    await side.db.drop();
  }
}

runOnDatabases(suite);
