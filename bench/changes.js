'use strict';
/**
 * bench/changes: does a page of the changes feed (GET /changes?limit=100, issue 48) cost no more than
 * a page of GET /time-entries?per_page=100, wherever the position is in a log of 1M changes? The
 * bench/data-set of 10k entries (100 users, 100 entries each: a full page for a user) with the
 * `changes` table filled by set-based SQL: on PostgreSQL in 1,000 transactions of 1,000 rows (so
 * `txid` holds real, distinct, past transaction ids), on SQLite in batches; `data` a time entry's
 * JSON of ~400 bytes, 98 % time_entry (owner_id over the 100 users) and 2 % project (shared).
 * Positions: the start (no cursor: the whole log is one delta), the middle and near the end (a
 * cursor as the app builds it: on PostgreSQL a snapshot 'x:x:' whose xmin is the txid of the
 * middle / the 990th batch with the last id before it as its floor, on SQLite the id), and a deep page inside one large delta (5 pages
 * after the middle, by next_cursor). Each against the time-entries page of the same principal,
 * the admin and a non-admin (whose feed filters owner_id), rounds alternating, one keep-alive
 * connection. Also the log's size per change: pg_total_relation_size('changes') / count on
 * PostgreSQL, the growth of page_count * page_size per row loaded on SQLite. Target: <= 1x-ish
 * (printed as the ratio of p50s with its 95 % interval).
 */
const http = require('node:http');
const { Pool } = require('pg');
const { ADMIN_TOKEN, benchUserId, dataSet, issueToken, runOnDatabases } = require('./data-set');
const {
  compare,
  dist,
  f1,
  p50Cell,
  ratioCells,
  spawnAppServer,
  SMOKE,
  timedRequest,
  timedRound,
} = require('./support');

const ROUNDS = SMOKE ? 1 : Number(process.env.BENCH_ROUNDS ?? 8);
const ROUND_MS = SMOKE ? 100 : Number(process.env.BENCH_ROUND_MS ?? 1000);
const ROUND_MIN = SMOKE ? 3 : 15;
/** timedRound's options for a round: at least ROUND_MS and ROUND_MIN requests. */
const ROUND = { ms: ROUND_MS, min: ROUND_MIN };
const ENTRIES = SMOKE ? 200 : 10_000;
const BATCH = SMOKE ? 100 : 1000;
const BATCHES = SMOKE ? 20 : Number(process.env.BENCH_CHANGES_BATCHES ?? 1000);
const PAGE = 100;
const DEEP = 5;

/** A time entry's JSON as the log holds it (~400 bytes), for row `g` (SQL text of an integer), as SQL. */
const entryJson = (g, pg) => {
  const text = [
    '{"id":',
    ',"user_id":',
    ',"project_id":',
    ',"task_id":null,"client_id":',
    ',"start_time":"2025-03-01T09:00:00.000Z","end_time":"2025-03-01T10:30:00.000Z","duration_seconds":5400,' +
      '"notes":"Implemented the sync endpoint for the mobile client, reviewed PR #',
    '","tags":["dev","sync"],"source":"web","billable":true,"paid":false,"locked":false,' +
      '"created_at":"2025-03-01T10:30:00.000Z","updated_at":"2025-03-01T10:30:00.000Z","version":1}',
  ];
  const values = [g, `2 + (${g} / 7) % 100`, `1 + ${g} * 7 % 500`, `1 + ${g} % 50`, `${g} % 1000`];
  return text.map((t, i) => `'${t}'${i < values.length ? ` || (${values[i]})${pg ? '::text' : ''}` : ''}`).join(' || ');
};

/** Fills `changes`; returns bytes per change and what the positions need. */
async function loadPostgres(db) {
  const pool = new Pool({ connectionString: db.url, max: 1 });
  const txids = [];
  const lastIds = [];
  for (let b = 0; b < BATCHES; b++) {
    // One statement, one transaction: a real txid, distinct per batch, below every later snapshot.
    const { rows } = await pool.query(
      `INSERT INTO changes (txid, type, resource_id, action, owner_id, actor_id, actor_username, data, changed_at)
       SELECT pg_current_xact_id()::text::bigint, t.type, g, CASE WHEN g % 10 = 0 THEN 'update' ELSE 'create' END,
              t.owner, 2 + g % 100, 'bench' || (1 + g % 100), ${entryJson('g', true)}, now()
       FROM generate_series($1::int, $2::int) g,
            LATERAL (SELECT CASE WHEN g % 50 = 0 THEN 'project' ELSE 'time_entry' END AS type,
                            CASE WHEN g % 50 = 0 THEN NULL ELSE 2 + (g / 7) % 100 END AS owner) t
       RETURNING txid, id`,
      [b * BATCH + 1, (b + 1) * BATCH],
    );
    txids.push(rows[0].txid);
    lastIds.push(Math.max(...rows.map((row) => row.id)));
  }
  await pool.query('VACUUM (ANALYZE) changes');
  const [size] = (
    await pool.query(
      "SELECT pg_total_relation_size('changes') AS total, pg_relation_size('changes') AS heap, count(*) AS n FROM changes",
    )
  ).rows;
  await pool.end();
  const n = Number(size.n);
  return { n, bytes: Number(size.total) / n, heapBytes: Number(size.heap) / n, txids, lastIds };
}

function loadSqlite(db) {
  const Database = require('better-sqlite3');
  const sqlite = new Database(db.file);
  sqlite.pragma('journal_mode = WAL');
  const pages = () => sqlite.pragma('page_count', { simple: true }) * sqlite.pragma('page_size', { simple: true });
  const before = pages();
  const insert = sqlite.prepare(
    `WITH RECURSIVE s(g) AS (SELECT ? UNION ALL SELECT g + 1 FROM s WHERE g < ?)
     INSERT INTO changes (txid, type, resource_id, action, owner_id, actor_id, actor_username, data, changed_at)
     SELECT NULL, CASE WHEN g % 50 = 0 THEN 'project' ELSE 'time_entry' END, g,
            CASE WHEN g % 10 = 0 THEN 'update' ELSE 'create' END,
            CASE WHEN g % 50 = 0 THEN NULL ELSE 2 + (g / 7) % 100 END, 2 + g % 100, 'bench' || (1 + g % 100),
            ${entryJson('g', false)}, strftime('%Y-%m-%d %H:%M:%f', 'now')
     FROM s`,
  );
  const per = BATCH * 100;
  const total = BATCH * BATCHES;
  for (let from = 1; from <= total; from += per) {
    sqlite.transaction(() => insert.run(from, Math.min(total, from + per - 1)))();
  }
  sqlite.exec('ANALYZE');
  sqlite.pragma('wal_checkpoint(TRUNCATE)');
  const n = sqlite.prepare('SELECT count(*) AS n FROM changes').get().n;
  const bytes = (pages() - before) / n;
  sqlite.close();
  return { n, bytes, heapBytes: null };
}

async function suite(kind, port) {
  const db = await dataSet(kind, ENTRIES);
  if (!db) {
    console.log(`\n# bench/changes on ${kind}: PostgreSQL not reachable (BENCH_POSTGRES_URL); skipped`);
    return;
  }
  const started = Date.now();
  const log = kind === 'postgres' ? await loadPostgres(db) : loadSqlite(db);
  const loaded = (Date.now() - started) / 1000;
  const server = await spawnAppServer(db, port, ADMIN_TOKEN);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const get = (path, token) => timedRequest(agent, `${server.url}/api/v1${path}`, { token });
  const user = await issueToken(server.url, benchUserId(1));
  const { encodeChangeCursor } = dist('modules/changes/change-cursor');
  const at = (fraction) => {
    if (kind === 'sqlite') return encodeChangeCursor({ kind: 'id', id: Math.floor(log.n * fraction) });
    // As the app hands it out: the snapshot after batch m - 1 committed, the floor its last id.
    const m = Math.floor(log.txids.length * fraction);
    const x = log.txids[m];
    const since = { snapshot: `${x}:${x}:`, idFloor: m ? log.lastIds[m - 1] : 0, running: [] };
    return encodeChangeCursor({ kind: 'snapshot', since });
  };
  const nearEnd = 1 - 10 / BATCHES;
  const positions = [
    { name: 'start (no cursor)', cursor: () => null },
    { name: 'middle', cursor: () => at(0.5) },
    { name: `near the end (${((1 - nearEnd) * log.n).toLocaleString('en')} after)`, cursor: () => at(nearEnd) },
    {
      name: `page ${DEEP + 1} of the middle's delta (next_cursor)`,
      cursor: async (token) => {
        let cursor = at(0.5);
        for (let i = 0; i < DEEP; i++) {
          const page = JSON.parse((await get(`/changes?limit=${PAGE}&cursor=${cursor}`, token)).text);
          if (!page.has_more) {
            if (SMOKE) break;
            throw new Error('the delta ran out before the deep page');
          }
          cursor = page.next_cursor;
        }
        return cursor;
      },
    },
  ];
  console.log(
    `\n# bench/changes on ${kind === 'postgres' ? 'PostgreSQL + Redis' : 'SQLite'}: ${log.n.toLocaleString('en')} changes ` +
      `(loaded in ${f1(loaded)} s), ${ENTRIES.toLocaleString('en')} entries; ${ROUNDS} alternating pairs of rounds ` +
      `(>= ${ROUND_MS} ms and ${ROUND_MIN} requests each), one connection${SMOKE ? ' (smoke)' : ''}`,
  );
  console.log(
    `| page of ${PAGE} changes at | who | p50 ms (range of rounds) | GET /time-entries?per_page=${PAGE} p50 ms | ratio | 95 % interval |`,
  );
  console.log('|---|---|---|---|---|---|');
  for (const [who, token] of [
    ['admin', ADMIN_TOKEN],
    ['user', user],
  ]) {
    for (const position of positions) {
      const cursor = await position.cursor(token);
      const path = `/changes?limit=${PAGE}${cursor ? `&cursor=${cursor}` : ''}`;
      const first = JSON.parse((await get(path, token)).text);
      if (first.changes.length !== PAGE && !(SMOKE && first.changes.length))
        throw new Error(`${position.name} (${who}): ${first.changes.length} changes`);
      const r = await compare(
        ROUNDS,
        () => timedRound(() => get(path, token).then((x) => x.ms), ROUND),
        () => timedRound(() => get(`/time-entries?per_page=${PAGE}`, token).then((x) => x.ms), ROUND),
      );
      const [ratio, interval] = ratioCells(r.overheads.map((o) => 1 + o));
      console.log(
        `| ${position.name} | ${who} | ${p50Cell(r.pairs.map(([x]) => x))} | ${p50Cell(r.pairs.map(([, x]) => x))} | ` +
          `${ratio} | ${interval} |`,
      );
    }
  }
  console.log(
    `\nlog size per change: ${f1(log.bytes)} bytes` +
      (log.heapBytes === null
        ? ' (page_count * page_size growth / rows)'
        : ` (table + indexes; heap ${f1(log.heapBytes)})`),
  );
  agent.destroy();
  await server.stop();
  await db.drop();
}

runOnDatabases(suite);
