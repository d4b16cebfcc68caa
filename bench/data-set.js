'use strict';
/**
 * The benchmarks' data set, built once per size and database and cached: 100 users
 * (bench1..bench100, ids 2..101 after `admin`), 50 clients, 500 projects, 5,000 tasks and `entries`
 * completed time entries, `entries / 100` per user, 105 minutes apart from 2024-01-01 (two years at
 * 1M). Loaded with set-based SQL (generate_series, a recursive CTE on SQLite) straight into the
 * tables, so the totals triggers of migration 1764400000013 keep project/task/user_totals exact.
 *
 * Cache: PostgreSQL keeps a template database per size (`tt_bench_tpl_<entries>_<key>`) and each
 * run gets a copy (CREATE DATABASE ... TEMPLATE: a file copy, seconds at 1M); SQLite keeps a file
 * per size under <tmpdir>/tt-bench-cache and each run copies it. The key hashes the migrations' file
 * names and the seed functions, so a new migration or another seed rebuilds. BENCH_NO_CACHE=1
 * rebuilds. A failed build leaves nothing behind; dropDataSets() drops a failed run's copies.
 */
const { spawnSync } = require('node:child_process');
const { createHash } = require('node:crypto');
const { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const { Client, Pool } = require('pg');
const { benchPort, killServers, postgresAvailable, startApp } = require('./support');

/** The bootstrap admin's token in every data set (user `admin`, id 1, admin:all). */
const ADMIN_TOKEN = 'tt_benchAdminToken0123456789abcdefX';
const USERS = 100;
const ADMIN_URL = process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

const cacheKey = (() => {
  const hash = createHash('sha256');
  for (const name of readdirSync(join(__dirname, '..', 'migrations')).sort()) hash.update(`${name}\n`);
  // The seed's own text (not this whole file: the rest can change without rebuilding).
  hash.update(`${seedPostgres}\n${seedSqlite}\n${USERS}`);
  return hash.digest('hex').slice(0, 10);
})();

/**
 * Migrates `url` and creates the bootstrap admin, as the app's first start does, in a child process
 * (the entities' column types are fixed per process by DATABASE_URL's kind).
 */
function migrate(url) {
  const result = spawnSync(process.execPath, [__filename, 'migrate'], {
    env: { ...process.env, DATABASE_URL: url, BOOTSTRAP_ADMIN_TOKEN: ADMIN_TOKEN },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  if (result.status !== 0) throw new Error(`migrating ${url} failed (exit ${result.status})`);
}

async function seedPostgres(pool, entries) {
  await pool.query(`INSERT INTO users (username, role, is_active, timezone, created_at, updated_at)
    SELECT 'bench' || g, 'user', true, 'UTC', now(), now() FROM generate_series(1, ${USERS}) g`);
  await pool.query(`INSERT INTO clients (name, status, created_at, updated_at)
    SELECT 'Client ' || g, 'active', now(), now() FROM generate_series(1, 50) g`);
  await pool.query(`INSERT INTO projects (name, client_id, billable, status, created_at, updated_at)
    SELECT 'Project ' || g, 1 + (g % 50), true, 'active', now(), now() FROM generate_series(1, 500) g`);
  await pool.query(`INSERT INTO tasks (project_id, name, status, priority, created_at, updated_at)
    SELECT 1 + (g % 500), 'Task ' || g, 'todo', 2, now(), now() FROM generate_series(1, 5000) g`);
  // One statement: the statement-level totals trigger aggregates the whole load once.
  await pool.query(
    `INSERT INTO time_entries (user_id, project_id, client_id, start_time, end_time, duration_seconds, notes, tags,
       source, billable, paid, created_at, updated_at)
     SELECT 2 + (g % ${USERS}), 1 + ((g * 7) % 500), 1 + (((g * 7) % 500) + 1) % 50, s, s + d * interval '1 second', d,
            CASE WHEN g % 20 = 0 THEN 'website work ' || g ELSE 'work ' || g END,
            CASE WHEN g % 7 = 0 THEN 'web' END, 'import', g % 5 <> 0, false, now(), now()
     FROM generate_series(1, $1::int) g,
          LATERAL (SELECT timestamptz '2024-01-01' + (g / ${USERS}) * interval '105 minutes' AS s,
                          1800 + (g % 61) * 60 AS d) x`,
    [entries],
  );
  // Frozen and analysed: the visibility map set (index-only scans), the planner's statistics fresh.
  await pool.query('VACUUM (FREEZE, ANALYZE)');
}

/** The same data in SQLite, timestamps in the text form TypeORM writes. */
function seedSqlite(file, entries) {
  const Database = require('better-sqlite3');
  const db = new Database(file);
  const series = (n) => `WITH RECURSIVE g(g) AS (SELECT 1 UNION ALL SELECT g + 1 FROM g WHERE g < ${Number(n)})`;
  const now = "strftime('%Y-%m-%d %H:%M:%f', 'now')";
  db.transaction(() => {
    db.exec(`INSERT INTO users (username, role, is_active, timezone, created_at, updated_at)
      ${series(USERS)} SELECT 'bench' || g, 'user', 1, 'UTC', ${now}, ${now} FROM g`);
    db.exec(`INSERT INTO clients (name, status, created_at, updated_at)
      ${series(50)} SELECT 'Client ' || g, 'active', ${now}, ${now} FROM g`);
    db.exec(`INSERT INTO projects (name, client_id, billable, status, created_at, updated_at)
      ${series(500)} SELECT 'Project ' || g, 1 + (g % 50), 1, 'active', ${now}, ${now} FROM g`);
    db.exec(`INSERT INTO tasks (project_id, name, status, priority, created_at, updated_at)
      ${series(5000)} SELECT 1 + (g % 500), 'Task ' || g, 'todo', 2, ${now}, ${now} FROM g`);
    db.exec(`INSERT INTO time_entries (user_id, project_id, client_id, start_time, end_time, duration_seconds, notes,
        tags, source, billable, paid, created_at, updated_at)
      ${series(entries)}, x AS (SELECT g, (g / ${USERS}) * 105 * 60 AS s, 1800 + (g % 61) * 60 AS d FROM g)
      SELECT 2 + (g % ${USERS}), 1 + ((g * 7) % 500), 1 + (((g * 7) % 500) + 1) % 50,
             strftime('%Y-%m-%d %H:%M:%f', '2024-01-01', '+' || s || ' seconds'),
             strftime('%Y-%m-%d %H:%M:%f', '2024-01-01', '+' || (s + d) || ' seconds'), d,
             CASE WHEN g % 20 = 0 THEN 'website work ' || g ELSE 'work ' || g END,
             CASE WHEN g % 7 = 0 THEN 'web' END, 'import', g % 5 <> 0, 0, ${now}, ${now}
      FROM x`);
  })();
  db.exec('ANALYZE');
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
}

async function adminQuery(sql) {
  const client = new Client({ connectionString: ADMIN_URL });
  await client.connect();
  try {
    return (await client.query(sql)).rows;
  } finally {
    await client.end();
  }
}

const databaseUrl = (name) => {
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return url.toString();
};

let copies = 0;
/** The copies handed out and not dropped yet. */
const copiesLive = new Set();

/** Registers a copy; its drop unregisters it. */
function live(copy) {
  const drop = copy.drop;
  copiesLive.add(copy);
  copy.drop = async () => {
    copiesLive.delete(copy);
    await drop();
  };
  return copy;
}

/** After a failure: drops every copy this process still holds. */
async function dropDataSets() {
  for (const copy of [...copiesLive]) await copy.drop().catch(() => undefined);
}

/** A private copy of the PostgreSQL data set of `entries` entries: { url, kind, entries, built, drop }. */
async function postgresDataSet(entries) {
  const template = `tt_bench_tpl_${entries}_${cacheKey}`;
  const exists = async () => (await adminQuery(`SELECT 1 FROM pg_database WHERE datname = '${template}'`)).length > 0;
  let built = null;
  if (process.env.BENCH_NO_CACHE === '1' && (await exists())) await adminQuery(`DROP DATABASE "${template}"`);
  if (!(await exists())) {
    // Templates of this size from an older key (another schema or seed) go.
    for (const { datname } of await adminQuery(
      `SELECT datname FROM pg_database WHERE datname LIKE 'tt\\_bench\\_tpl\\_${entries}\\_%'`,
    )) {
      await adminQuery(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
    }
    const building = `tt_bench_build_${entries}_${process.pid}`;
    await adminQuery(`CREATE DATABASE "${building}"`);
    const started = Date.now();
    try {
      migrate(databaseUrl(building));
      const pool = new Pool({ connectionString: databaseUrl(building), max: 2 });
      await seedPostgres(pool, entries).finally(() => pool.end());
      await adminQuery(`ALTER DATABASE "${building}" RENAME TO "${template}"`);
    } catch (error) {
      await adminQuery(`DROP DATABASE IF EXISTS "${building}" WITH (FORCE)`);
      throw error;
    }
    built = (Date.now() - started) / 1000;
  }
  const name = `tt_bench_${process.pid}_${copies++}_${entries}`;
  await adminQuery(`CREATE DATABASE "${name}" TEMPLATE "${template}"`);
  return live({
    kind: 'postgres',
    url: databaseUrl(name),
    entries,
    built,
    drop: () => adminQuery(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`),
  });
}

/** A private copy of the SQLite data set of `entries` entries. */
async function sqliteDataSet(entries) {
  const dir = join(tmpdir(), 'tt-bench-cache');
  mkdirSync(dir, { recursive: true });
  const cached = join(dir, `sqlite-${entries}-${cacheKey}.sqlite`);
  let built = null;
  if (process.env.BENCH_NO_CACHE === '1') rmSync(cached, { force: true });
  if (!existsSync(cached)) {
    for (const name of readdirSync(dir).filter((n) => n.startsWith(`sqlite-${entries}-`))) rmSync(join(dir, name));
    const building = join(dir, `building-${entries}-${process.pid}.sqlite`);
    const started = Date.now();
    try {
      migrate(`sqlite:${building}`);
      seedSqlite(building, entries);
      renameSync(building, cached);
    } catch (error) {
      for (const suffix of ['', '-wal', '-shm']) rmSync(`${building}${suffix}`, { force: true });
      throw error;
    }
    built = (Date.now() - started) / 1000;
  }
  const copyDir = mkdtempSync(join(tmpdir(), 'tt-bench-'));
  const file = join(copyDir, 'bench.sqlite');
  copyFileSync(cached, file);
  return live({
    kind: 'sqlite',
    url: `sqlite:${file}`,
    file,
    entries,
    built,
    drop: async () => rmSync(copyDir, { recursive: true, force: true }),
  });
}

/** A private copy of the data set: `kind` 'postgres' (null when PostgreSQL is not reachable) or 'sqlite'. */
async function dataSet(kind, entries) {
  if (kind === 'postgres') return (await postgresAvailable(ADMIN_URL)) ? postgresDataSet(entries) : null;
  return sqliteDataSet(entries);
}

/**
 * A token with `scopes` for `userId`, through the app's admin API (its hash stored as the app
 * stores it): what a real client holds.
 */
async function issueToken(appUrl, userId, scopes = ['read:*', 'write:*']) {
  const res = await fetch(`${appUrl}/api/v1/admin/api-tokens`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ user_id: userId, name: 'bench', scopes }),
  });
  if (res.status !== 201) throw new Error(`token issue: ${res.status} ${await res.text()}`);
  return (await res.json()).token;
}

/** The id of bench user `n` (1..100). */
const benchUserId = (n) => n + 1;

/**
 * A benchmark's entry point: `suite(kind, port)` on each database of BENCH_DATABASES (e.g.
 * `sqlite`; default both), one after the other; on failure, stops its servers and drops its data.
 */
function runOnDatabases(suite) {
  const port = benchPort();
  const databases = (process.env.BENCH_DATABASES ?? 'postgres,sqlite').split(',');
  (async () => {
    for (const kind of ['postgres', 'sqlite']) if (databases.includes(kind)) await suite(kind, port);
  })().catch((error) => {
    console.error(error);
    killServers();
    void dropDataSets().finally(() => process.exit(1));
  });
}

module.exports = { ADMIN_TOKEN, USERS, benchUserId, dataSet, dropDataSets, issueToken, runOnDatabases };

if (require.main === module && process.argv[2] === 'migrate') {
  startApp(process.env, [], null)
    .then(({ app }) => app.close())
    .catch((error) => {
      console.error(error);
      process.exit(1);
    });
}
