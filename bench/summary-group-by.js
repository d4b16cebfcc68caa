'use strict';
/**
 * bench/summary-group-by: `GET /reports/summary?group_by=day` over a year (2024, cut in
 * Europe/Berlin) on the 1M-entry data set (bench/data-set: 502k entries that year), as the admin
 * (every entry, with by_user), against the best single statement we can write by hand for the
 * same answer, run directly from this process on the same database: the totals, by_project,
 * by_user and the 366 days (each with hours, billable hours, billable amount and entries, empty
 * days at zero, named by their date). On PostgreSQL the statement makes the days itself
 * (generate_series of local dates AT TIME ZONE) and places each entry by width_bucket over their
 * starts; on SQLite (no time zones) the days come as a JSON parameter, computed here as the app
 * does, and are range-joined to start_time. Two thirds of the projects get an hourly rate first,
 * so the amounts are real work. A bench1 row shows the same for one user's year (5k entries),
 * where the request's fixed costs (HTTP, token, rate limit) weigh more.
 *
 * One production server (dist/src/main.js) per database; each request timed alone over one
 * keep-alive connection; rounds of >= 5 requests (their p50), alternating which side goes first.
 * Before timing, the app's answer is checked against the statement's. Prints each side's p50
 * (median of the rounds' p50s, their range) and app/SQL (median of the pairs' ratios, its 95 %
 * interval). Target: app/SQL <= 1.5x for the admin's year.
 *
 *   npm run bench -- summary-group-by        (BENCH_DATABASES=postgres or sqlite: one of them)
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

const ENTRIES = SMOKE ? 2_000 : Number(process.env.BENCH_ENTRIES ?? 1_000_000);
const ROUNDS = SMOKE ? 1 : Number(process.env.BENCH_ROUNDS ?? 8);
/** Requests per round: a round's p50 is their median. */
const ROUND_MIN = SMOKE ? 1 : 5;
/** timedRound's options for a round: exactly ROUND_MIN requests. */
const ROUND = { ms: 0, min: ROUND_MIN };
const TARGET = 1.5;
const TZ = 'Europe/Berlin';
const START = '2024-01-01';
const END = '2024-12-31';
const QUERY = `/reports/summary?group_by=day&tz=${encodeURIComponent(TZ)}&start_date=${START}&end_date=${END}`;

/** One GET over `agent` (timedRequest): the body text and milliseconds; rejects unless 200. */
const get = (agent, url, token) => timedRequest(agent, url, { token, expect: 200 });

/**
 * PostgreSQL, by hand: one statement; `user`: one user's (`$4`), without by_user. A text of its
 * own for each, so that neither plan has to allow for the other. Everyone's entries of the range
 * are read twice (a copy of 500k rows costs more); one user's once, into a CTE both aggregates read
 * (their entries are spread over the heap, a page each).
 */
const BEST_POSTGRES = (user) => {
  const range = 'e.end_time IS NOT NULL AND e.start_time >= (SELECT lo FROM r) AND e.start_time < (SELECT hi FROM r)';
  const entries = user ? 'x e' : `time_entries e WHERE ${range}`;
  return `
WITH days AS MATERIALIZED (
  SELECT row_number() OVER (ORDER BY d) AS i, to_char(d, 'YYYY-MM-DD') AS day
  FROM generate_series($1::date::timestamp, $2::date::timestamp, interval '1 day') AS d),
r AS (
  SELECT array_agg((day::timestamp AT TIME ZONE $3) ORDER BY i) AS starts, $1::date::timestamp AT TIME ZONE $3 AS lo,
         ($2::date + 1)::timestamp AT TIME ZONE $3 AS hi FROM days),
${user ? `x AS MATERIALIZED (SELECT e.project_id, e.user_id, e.start_time, e.duration_seconds, e.billable FROM time_entries e WHERE ${range} AND e.user_id = $4),` : ''}
f AS (
  SELECT e.project_id, e.user_id, SUM(e.duration_seconds) AS s,
         SUM(CASE WHEN e.billable THEN e.duration_seconds ELSE 0 END) AS b, COUNT(*) AS n
  FROM ${entries}
  GROUP BY e.project_id, e.user_id),
g AS (
  SELECT width_bucket(e.start_time, (SELECT starts FROM r)) AS i, SUM(e.duration_seconds) AS s,
         SUM(CASE WHEN e.billable THEN e.duration_seconds ELSE 0 END) AS b, COUNT(*) AS n,
         SUM(CASE WHEN e.billable THEN e.duration_seconds * p.hourly_rate END) AS a
  FROM ${user ? 'x e LEFT JOIN projects p ON p.id = e.project_id' : `time_entries e LEFT JOIN projects p ON p.id = e.project_id WHERE ${range}`}
  GROUP BY 1)
SELECT 0 AS kind, NULL::int AS id, NULL AS name, SUM(s) AS s, SUM(b) AS b, SUM(n) AS n, NULL::numeric AS amount FROM f
UNION ALL
SELECT 1, x.id, p.name, x.s, x.b, x.n, NULL FROM (SELECT project_id AS id, SUM(s) AS s, SUM(b) AS b, SUM(n) AS n
  FROM f WHERE project_id IS NOT NULL GROUP BY project_id) x JOIN projects p ON p.id = x.id
UNION ALL
SELECT 2, x.id, u.username, x.s, x.b, x.n, NULL FROM (SELECT user_id AS id, SUM(s) AS s, SUM(b) AS b, SUM(n) AS n
  FROM f GROUP BY user_id) x JOIN users u ON u.id = x.id WHERE ${!user}
UNION ALL
SELECT 3, d.i::int, d.day, COALESCE(g.s, 0), COALESCE(g.b, 0), COALESCE(g.n, 0), COALESCE(ROUND(g.a / 3600, 2), 0)
FROM days d LEFT JOIN g ON g.i = d.i`;
};

/** SQLite, by hand: `@days` as JSON `[[day, start, end], ...]`, `@lo`/`@hi` the range, `@user` the user. */
const BEST_SQLITE = (user) => `
WITH p AS MATERIALIZED (
  SELECT CAST(key AS INTEGER) AS i, json_extract(value, '$[0]') AS day, json_extract(value, '$[1]') AS lo,
         json_extract(value, '$[2]') AS hi FROM json_each(@days)),
f AS MATERIALIZED (
  SELECT project_id, user_id, SUM(duration_seconds) AS s,
         SUM(CASE WHEN billable THEN duration_seconds ELSE 0 END) AS b, COUNT(*) AS n
  FROM time_entries WHERE end_time IS NOT NULL AND start_time >= @lo AND start_time < @hi
    ${user ? 'AND user_id = @user' : ''}
  GROUP BY +project_id, +user_id),
g AS (
  SELECT p.i, SUM(e.duration_seconds) AS s, SUM(CASE WHEN e.billable THEN e.duration_seconds ELSE 0 END) AS b,
         COUNT(*) AS n, SUM(CASE WHEN e.billable THEN e.duration_seconds * r.hourly_rate END) AS a
  FROM p JOIN time_entries e ON e.start_time >= p.lo AND e.start_time < p.hi
  LEFT JOIN projects r ON r.id = e.project_id
  WHERE e.end_time IS NOT NULL ${user ? 'AND e.user_id = @user' : ''}
  GROUP BY p.i)
SELECT 0 AS kind, NULL AS id, NULL AS name, SUM(s) AS s, SUM(b) AS b, SUM(n) AS n, NULL AS amount FROM f
UNION ALL
SELECT 1, x.id, q.name, x.s, x.b, x.n, NULL FROM (SELECT project_id AS id, SUM(s) AS s, SUM(b) AS b, SUM(n) AS n
  FROM f WHERE project_id IS NOT NULL GROUP BY project_id) x JOIN projects q ON q.id = x.id
UNION ALL
SELECT 2, x.id, u.username, x.s, x.b, x.n, NULL FROM (SELECT user_id AS id, SUM(s) AS s, SUM(b) AS b, SUM(n) AS n
  FROM f GROUP BY user_id) x JOIN users u ON u.id = x.id WHERE ${user ? 0 : 1}
UNION ALL
SELECT 3, p.i, p.day, COALESCE(g.s, 0), COALESCE(g.b, 0), COALESCE(g.n, 0), COALESCE(ROUND(g.a / 3600.0, 2), 0)
FROM p LEFT JOIN g ON g.i = p.i`;

/** Hourly rates on two thirds of the projects (the data set has none), on this run's copy only. */
const RATES = 'UPDATE projects SET hourly_rate = 40 + (id % 7) * 10 WHERE id % 3 <> 0';

/** The best statement, run from this process: `sample(userId)` gives its rows and milliseconds. */
async function directSummary(db) {
  if (db.kind === 'postgres') {
    const pool = new Pool({ connectionString: db.url, max: 1 });
    await pool.query(RATES);
    return {
      sample: async (userId) => {
        const started = process.hrtime.bigint();
        const query =
          userId === null
            ? { name: 'best-all', text: BEST_POSTGRES(false), values: [START, END, TZ] }
            : { name: 'best-user', text: BEST_POSTGRES(true), values: [START, END, TZ, userId] };
        const { rows } = await pool.query(query);
        return { rows, ms: Number(process.hrtime.bigint() - started) / 1e6 };
      },
      close: () => pool.end(),
    };
  }
  const Database = require('better-sqlite3');
  const sqlite = new Database(db.file);
  sqlite.exec(RATES);
  const statements = { all: sqlite.prepare(BEST_SQLITE(false)), user: sqlite.prepare(BEST_SQLITE(true)) };
  // The days' bounds in the zone, as the app computes them (SQLite knows no zones).
  const { parseInstant } = dist('common/time/parse-instant');
  const { periodsOf } = dist('modules/reports/report-periods');
  const { toSqliteTimestamp } = dist('database/stored-timestamp');
  const from = parseInstant(START, TZ).date;
  const to = new Date(parseInstant(END, TZ).date.getTime() + 86_400_000);
  const periods = periodsOf('day', from, to, TZ);
  const days = JSON.stringify(
    periods.map((p, i) => [p.key, toSqliteTimestamp(p.start), toSqliteTimestamp(periods[i + 1]?.start ?? to)]),
  );
  const values = { days, lo: toSqliteTimestamp(from), hi: toSqliteTimestamp(to) };
  return {
    sample: async (userId) => {
      const started = process.hrtime.bigint();
      const rows = userId === null ? statements.all.all(values) : statements.user.all({ ...values, user: userId });
      return { rows, ms: Number(process.hrtime.bigint() - started) / 1e6 };
    },
    close: async () => sqlite.close(),
  };
}

/** Throws unless the app's answer holds what the statement's rows say. */
function checkSame(body, rows, withUsers) {
  const hours = (s) => Math.round((Number(s) / 3600) * 100) / 100;
  const total = rows.find((r) => Number(r.kind) === 0);
  const days = rows.filter((r) => Number(r.kind) === 3).sort((a, b) => Number(a.id) - Number(b.id));
  const expected = {
    total_hours: hours(total.s),
    total_entries: Number(total.n),
    by_project: rows.filter((r) => Number(r.kind) === 1).length,
    by_user: withUsers ? rows.filter((r) => Number(r.kind) === 2).length : undefined,
    groups: days.map((d) => [d.name, hours(d.s), hours(d.b), Number(d.amount), Number(d.n)]),
  };
  const actual = {
    total_hours: body.summary.total_hours,
    total_entries: body.summary.total_entries,
    by_project: body.summary.by_project.length,
    by_user: body.summary.by_user?.length,
    groups: body.groups.map((g) => [g.key, g.hours, g.billable_hours, g.billable_amount, g.entries]),
  };
  const a = JSON.stringify(actual);
  const e = JSON.stringify(expected);
  if (a !== e) throw new Error(`the app and the statement disagree:\napp ${a.slice(0, 600)}\nsql ${e.slice(0, 600)}`);
  return expected;
}

async function suite(kind, port) {
  const db = await dataSet(kind, ENTRIES);
  if (!db) {
    console.log(`\n# bench/summary-group-by on ${kind}: PostgreSQL not reachable (BENCH_POSTGRES_URL); skipped`);
    return;
  }
  if (db.built !== null)
    console.log(`# data set ${kind} ${ENTRIES.toLocaleString('en')}: built and cached in ${f1(db.built)} s`);
  const direct = await directSummary(db);
  const server = await spawnAppServer(db, port, ADMIN_TOKEN);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const user = await issueToken(server.url, benchUserId(1), ['read:reports']);
  const url = `${server.url}/api/v1${QUERY}`;
  console.log(
    `\n# bench/summary-group-by on ${kind === 'postgres' ? 'PostgreSQL + Redis' : 'SQLite'}: ` +
      `${ENTRIES.toLocaleString('en')} entries, GET ${QUERY}; ${ROUNDS} alternating pairs of rounds ` +
      `(${ROUND_MIN} requests each), one connection${SMOKE ? ' (smoke)' : ''}`,
  );
  console.log(
    '| who | entries of the year | app p50 ms (range of rounds) | best SQL p50 ms | app/SQL | 95 % interval | target |',
  );
  console.log('|---|---|---|---|---|---|---|');
  for (const [who, token, userId] of [
    ['admin', ADMIN_TOKEN, null],
    ['bench1', user, benchUserId(1)],
  ]) {
    const { rows } = await direct.sample(userId);
    const checked = checkSame(JSON.parse((await get(agent, url, token)).text), rows, userId === null);
    const r = await compare(
      ROUNDS,
      () => timedRound(() => get(agent, url, token).then((x) => x.ms), ROUND),
      () => timedRound(() => direct.sample(userId).then((x) => x.ms), ROUND),
    );
    const ratios = r.overheads.map((o) => 1 + o);
    const [ratio, interval] = ratioCells(ratios);
    const target =
      userId === null ? `<= ${TARGET}x${median(ratios) > TARGET ? ' (missed)' : ''}` : 'none (fixed costs)';
    console.log(
      `| ${who} | ${checked.total_entries.toLocaleString('en')} | ${p50Cell(r.pairs.map(([x]) => x))} | ` +
        `${p50Cell(r.pairs.map(([, x]) => x))} | ${ratio} | ${interval} | ${target} |`,
    );
  }
  agent.destroy();
  await server.stop();
  await direct.close();
  await db.drop();
}

runOnDatabases(suite);
