'use strict';
/**
 * bench/import, three parts:
 * 1. A 100,000-row CSV import in one request, against a 10,000-row baseline in the same process.
 *    Prints the time ratio (linear scaling ~ 10x), the peak heap growth against the CSV size (rows
 *    are streamed and inserted in batches, so the heap must not grow with the row count) and the
 *    process's peak RSS. bench/run.js runs it under --max-old-space-size=128: 100k rows as objects
 *    would not fit.
 * 2. Responsiveness on SQLite (issue #45): a 50,000-row import by a user while /health is polled
 *    every 10 ms from this process; the server runs in its own process (as `npm start`), so a probe
 *    goes out on time even when the server is busy. Prints /health p50/p99/max against the target.
 * 3. History cost on SQLite: the same import by a user without entries and by one with a long
 *    history after the imported range (what a server that took entries for a while holds). The
 *    overlap search per batch once read every entry ending after the batch; the ratio must stay ~1x.
 */
const { join } = require('node:path');
const {
  benchPort,
  benchRedis,
  dist,
  freshDatabase,
  freshSqlite,
  killServers,
  peakRssMb,
  spawnServer,
  startApp,
  SMOKE,
} = require('./support');

const ADMIN_TOKEN = 'tt_benchAdminToken0123456789abcdefX';

function csv(rows, offsetHours, projectId = 1, year = 2020) {
  const lines = ['project_id,start_time,end_time,notes,tags'];
  const base = Date.UTC(year, 0, 1) + offsetHours * 3_600_000;
  for (let i = 0; i < rows; i++) {
    const start = new Date(base + i * 3_600_000);
    lines.push(
      `${projectId},${start.toISOString()},${new Date(start.getTime() + 1_800_000).toISOString()},imported row ${i},bench`,
    );
  }
  return lines.join('\n');
}

async function timedImport(url, body, token = ADMIN_TOKEN) {
  let peak = process.memoryUsage().heapUsed;
  const before = peak;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().heapUsed)), 20);
  const started = process.hrtime.bigint();
  const res = await fetch(`${url}/api/v1/time-entries/import-csv`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv' },
    body,
  });
  const json = await res.json();
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  clearInterval(sampler);
  if (res.status !== 201) throw new Error(`import answered ${res.status}: ${JSON.stringify(json).slice(0, 300)}`);
  return { seconds, created: json.created, heapGrowth: peak - before };
}

async function scaling() {
  const db = await freshDatabase();
  process.env.DATABASE_URL = db.url;
  const { app, url } = await startApp({
    DATABASE_URL: db.url,
    BOOTSTRAP_ADMIN_TOKEN: ADMIN_TOKEN,
    CSV_IMPORT_MAX_ROWS: '100000',
    API_TOKEN_RATE_LIMIT_PER_MINUTE: '1000',
    ...benchRedis(db),
  });
  const { ProjectsService } = dist('modules/projects/projects.service');
  const admin = { tokenId: 0, userId: 1, username: 'admin', isAdmin: true, scopes: ['*'] };
  await app.get(ProjectsService).createProject(admin, { name: 'Bench import' });

  const small = csv(SMOKE ? 1_000 : 10_000, 0);
  const large = csv(SMOKE ? 5_000 : 100_000, 200_000);
  global.gc?.();
  const a = await timedImport(url, small);
  global.gc?.();
  const b = await timedImport(url, large);
  const mb = (n) => (n / 1024 / 1024).toFixed(1);
  console.log(`# bench/import on ${db.kind}: one request each, same process`);
  console.log('| rows | CSV MB | seconds | rows/s | peak heap growth MB |');
  console.log('|---|---|---|---|---|');
  console.log(
    `| ${a.created} | ${mb(small.length)} | ${a.seconds.toFixed(2)} | ${(a.created / a.seconds).toFixed(0)} | ${mb(a.heapGrowth)} |`,
  );
  console.log(
    `| ${b.created} | ${mb(large.length)} | ${b.seconds.toFixed(2)} | ${(b.created / b.seconds).toFixed(0)} | ${mb(b.heapGrowth)} |`,
  );
  console.log(
    `time ratio 100k/10k: ${(b.seconds / a.seconds).toFixed(1)}x (linear = 10x); ` +
      `peak heap growth ratio 100k/10k: ${(b.heapGrowth / a.heapGrowth).toFixed(2)}x (bounded = ~1x)`,
  );
  console.log(`peak RSS of the process (VmHWM) over both imports: ${peakRssMb().toFixed(0)} MB`);
  await app.close();
  await db.drop();
}

const quantile = (sorted, q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];

async function api(url, method, path, body, token = ADMIN_TOKEN) {
  const res = await fetch(`${url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const json = await res.json();
  if (res.status !== 201) throw new Error(`${method} ${path} answered ${res.status}: ${JSON.stringify(json)}`);
  return json;
}

/** A plain user with a token for time entries: the import's overlap check runs for non-admins only. */
async function newImporter(url, name) {
  const user = (await api(url, 'POST', '/api/v1/users', { username: name })).user;
  const scopes = ['read:time_entries', 'write:time_entries'];
  const { token } = await api(url, 'POST', '/api/v1/admin/api-tokens', { name, user_id: user.id, scopes });
  return { id: user.id, token };
}

/** The app as `npm start` runs it, on a fresh SQLite file, in its own process. */
async function sqliteServer(port) {
  const db = freshSqlite();
  const server = await spawnServer(join(__dirname, '..', 'dist', 'src', 'main.js'), port, {
    DATABASE_URL: db.url,
    REDIS_URL: '',
    BOOTSTRAP_ADMIN_TOKEN: ADMIN_TOKEN,
    CSV_IMPORT_MAX_ROWS: '100000',
    CSV_IMPORT_MAX_BYTES: String(64 * 1024 * 1024),
    API_TOKEN_RATE_LIMIT_PER_MINUTE: '100000000',
    API_TOKEN_RATE_LIMIT_PER_HOUR: '100000000',
    LOG_LEVEL: 'warn',
    NODE_OPTIONS: '--max-old-space-size=192',
  });
  const projectId = (await api(server.url, 'POST', '/api/v1/projects', { name: 'Bench import' })).project.id;
  return { ...server, file: db.url.slice('sqlite:'.length), projectId };
}

/** Sends GET /health every 10 ms (at most 100 in flight) until `until` settles; the latencies, sorted. */
async function pollHealth(url, until) {
  const latencies = [];
  const inFlight = new Set();
  const probe = async () => {
    const sent = performance.now();
    const res = await fetch(`${url}/api/v1/health`);
    await res.arrayBuffer();
    if (res.status !== 200) throw new Error(`/health answered ${res.status}`);
    latencies.push(performance.now() - sent);
  };
  let failure = null;
  const poller = setInterval(() => {
    if (inFlight.size >= 100) return;
    const p = probe()
      .catch((error) => (failure ??= error))
      .finally(() => inFlight.delete(p));
    inFlight.add(p);
  }, 10);
  const result = await until.finally(() => clearInterval(poller));
  await Promise.all(inFlight);
  if (failure) throw failure;
  return { result, latencies: latencies.sort((a, b) => a - b) };
}

async function responsiveness(port) {
  const server = await sqliteServer(port);
  try {
    const rows = SMOKE ? 5_000 : 50_000;
    const user = await newImporter(server.url, 'responsive');
    const body = csv(rows, 0, server.projectId);
    // The same polling with the server idle: on a busy machine its p99 is the floor of the other.
    const idle = await pollHealth(server.url, new Promise((resolve) => setTimeout(resolve, SMOKE ? 1000 : 3000)));
    const busy = await pollHealth(server.url, timedImport(server.url, body, user.token));
    const cells = ({ latencies }) =>
      `${latencies.length} | ${quantile(latencies, 0.5).toFixed(1)} | ${quantile(latencies, 0.99).toFixed(1)} | ` +
      `${latencies.at(-1).toFixed(1)}`;
    const p99 = quantile(busy.latencies, 0.99);
    console.log(
      `\n# bench/import responsiveness on sqlite: /health every 10 ms, server in its own process (as npm start)`,
    );
    console.log('| while | seconds | /health probes | p50 ms | p99 ms | max ms |');
    console.log('|---|---|---|---|---|---|');
    console.log(`| idle | ${SMOKE ? 1 : 3} | ${cells(idle)} |`);
    console.log(`| ${busy.result.created}-row import | ${busy.result.seconds.toFixed(2)} | ${cells(busy)} |`);
    console.log(
      `/health p99 during the import: ${p99.toFixed(0)} ms (target < 200 ms: ${p99 < 200 ? 'met' : 'NOT met'})`,
    );
  } finally {
    await server.stop();
  }
}

/** `entries` half-hour entries of `userId`, an hour apart from 2021-01-01 (after the imported range). */
function seedHistory(file, userId, entries) {
  const Database = require('better-sqlite3');
  const db = new Database(file);
  db.pragma('busy_timeout = 10000');
  const now = "strftime('%Y-%m-%d %H:%M:%f', 'now')";
  db.exec(`INSERT INTO time_entries (user_id, start_time, end_time, duration_seconds, source, billable, paid,
      created_at, updated_at)
    WITH RECURSIVE g(g) AS (SELECT 0 UNION ALL SELECT g + 1 FROM g WHERE g < ${Number(entries) - 1})
    SELECT ${Number(userId)}, strftime('%Y-%m-%d %H:%M:%f', '2021-01-01', '+' || (g * 3600) || ' seconds'),
      strftime('%Y-%m-%d %H:%M:%f', '2021-01-01', '+' || (g * 3600 + 1800) || ' seconds'), 1800, 'import', 1, 0,
      ${now}, ${now} FROM g`);
  db.close();
}

async function historyCost(port) {
  const server = await sqliteServer(port);
  try {
    const rows = SMOKE ? 1_000 : 10_000;
    const history = SMOKE ? 20_000 : 500_000;
    const fresh = await newImporter(server.url, 'no-history');
    const veteran = await newImporter(server.url, 'long-history');
    const started = performance.now();
    seedHistory(server.file, veteran.id, history);
    const seeded = (performance.now() - started) / 1000;
    // Rows in 2019, before every entry of the history.
    const a = await timedImport(server.url, csv(rows, 0, server.projectId, 2019), fresh.token);
    const b = await timedImport(server.url, csv(rows, 0, server.projectId, 2019), veteran.token);
    console.log(`\n# bench/import history cost on sqlite: the same ${rows}-row import by two users`);
    console.log(
      `(history of ${history.toLocaleString('en')} entries after the imported range, seeded in ${seeded.toFixed(1)} s)`,
    );
    console.log('| user | entries before | seconds | rows/s |');
    console.log('|---|---|---|---|');
    console.log(`| no history | 0 | ${a.seconds.toFixed(2)} | ${(a.created / a.seconds).toFixed(0)} |`);
    console.log(`| long history | ${history} | ${b.seconds.toFixed(2)} | ${(b.created / b.seconds).toFixed(0)} |`);
    console.log(`time ratio long history / none: ${(b.seconds / a.seconds).toFixed(2)}x (flat = ~1x)`);
  } finally {
    await server.stop();
  }
}

async function main() {
  await scaling();
  const port = benchPort();
  await responsiveness(port);
  await historyCost(port + 1);
}

main().catch((error) => {
  console.error(error);
  killServers();
  process.exit(1);
});
