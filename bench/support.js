'use strict';
/**
 * Shared pieces of the benchmarks: boot the compiled AppModule in this process (optionally with
 * a provider replaced), drive it with autocannon on loopback, and compare runs as ratios.
 */
require('reflect-metadata');
const http = require('node:http');
const { mkdtempSync, readdirSync, readFileSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const { spawn } = require('node:child_process');
const autocannon = require('autocannon');
const { Client } = require('pg');

const dist = (p) => require(join(__dirname, '..', 'dist', 'src', p));

async function postgresAvailable(url) {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** A fresh database: PostgreSQL when reachable (the production setup), else a temporary SQLite file. */
async function freshDatabase() {
  const adminUrl = process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  if (await postgresAvailable(adminUrl)) {
    const name = `tt_bench_${process.pid}_${Date.now()}`;
    const client = new Client({ connectionString: adminUrl });
    await client.connect();
    await client.query(`CREATE DATABASE "${name}"`);
    await client.end();
    const url = new URL(adminUrl);
    url.pathname = `/${name}`;
    const drop = async () => {
      const c = new Client({ connectionString: adminUrl });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await c.end();
    };
    return { url: url.toString(), kind: 'postgres', drop };
  }
  return freshSqlite();
}

/** Boots the real AppModule; `overrides` is a list of [token, value] provider replacements. */
async function startApp(env, overrides = [], port = 0) {
  const { Test } = require('@nestjs/testing');
  const { AppModule } = dist('app.module');
  const { configureApp, createFastifyAdapter, NEST_APP_OPTIONS } = dist('common/http/configure-app');
  const { APP_CONFIG, loadConfig } = dist('config/app-config');
  const { APP_LOGGER, createLogger } = dist('common/logging/logger');
  const config = loadConfig({ ...env, LOG_LEVEL: 'silent' });
  let builder = Test.createTestingModule({ imports: [AppModule] })
    .overrideProvider(APP_CONFIG)
    .useValue(config)
    .overrideProvider(APP_LOGGER)
    .useValue(createLogger('silent'));
  for (const [token, value] of overrides) builder = builder.overrideProvider(token).useValue(value);
  const moduleRef = await builder.compile();
  const app = moduleRef.createNestApplication(createFastifyAdapter(config), { ...NEST_APP_OPTIONS, logger: false });
  configureApp(app);
  // port null: initialised, listening left to the caller.
  if (port === null) {
    await app.init();
    return { app, url: null };
  }
  await app.listen(port, '127.0.0.1');
  return { app, url: `http://127.0.0.1:${app.getHttpServer().address().port}` };
}

/** Every server process started, so that a failed run does not leave them behind. */
const children = [];

/**
 * The first of three loopback ports for this benchmark's servers (it adds 1 and 2 for more): from
 * the process id, so that two benchmarks running at once do not collide, and below Linux's
 * ephemeral range (32768 and up), whose ports the benchmark's own outbound connections hold: a
 * server started after a run of load could otherwise find its port taken by one of them.
 */
const benchPort = () => 20000 + (process.pid % 4000) * 3;

/** Starts a server script in its own process on `port` and waits until it answers HTTP. */
async function spawnServer(script, port, env, nodeFlags = []) {
  const child = spawn(process.execPath, [...nodeFlags, script], {
    env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  children.push(child);
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 300; i++) {
    if (child.exitCode !== null) throw new Error(`${script} exited with ${child.exitCode}`);
    const up = await fetch(`${url}/api/v1/health`).then(
      () => true,
      () => false,
    );
    if (up) {
      const stop = () =>
        new Promise((resolve) => {
          if (child.exitCode !== null) return resolve();
          child.once('exit', resolve);
          child.kill('SIGTERM');
        });
      return { child, url, stop };
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  child.kill('SIGKILL');
  throw new Error(`${script} did not answer in 30 s`);
}

/**
 * The production server (dist/src/main.js, --max-old-space-size=192 as `npm start` runs it) on a
 * bench data set `db` (bench/data-set), on `port`; `adminToken` its bootstrap admin's token
 * (bench/data-set's ADMIN_TOKEN, passed in: bench/data-set requires this file). On PostgreSQL with
 * Redis (BENCH_REDIS_URL or the local one, a key prefix per port: two servers can run at once),
 * and the per-token rate limits raised out of reach. `redis: false` / `raiseLimits: false` leave
 * either out (bench/export: one server's own memory, a few requests).
 */
function spawnAppServer(db, port, adminToken, { redis = true, raiseLimits = true } = {}) {
  return spawnServer(join(__dirname, '..', 'dist', 'src', 'main.js'), port, {
    DATABASE_URL: db.url,
    ...(redis && db.kind === 'postgres'
      ? { REDIS_URL: process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379/0', REDIS_KEY_PREFIX: `tt:bench:${port}:` }
      : {}),
    BOOTSTRAP_ADMIN_TOKEN: adminToken,
    ...(raiseLimits
      ? { API_TOKEN_RATE_LIMIT_PER_MINUTE: '100000000', API_TOKEN_RATE_LIMIT_PER_HOUR: '100000000' }
      : {}),
    LOG_LEVEL: 'warn',
    NODE_OPTIONS: '--max-old-space-size=192',
  });
}

/** After a failure: kills every server process still running. */
function killServers() {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
}

/**
 * Redis for the app under test, as production runs it with several replicas: BENCH_REDIS_URL, or
 * the local one next to the local PostgreSQL (a unique key prefix per run).
 */
function benchRedis(db) {
  const url = process.env.BENCH_REDIS_URL ?? (db.kind === 'postgres' ? 'redis://127.0.0.1:6379/0' : undefined);
  return url ? { REDIS_URL: url, REDIS_KEY_PREFIX: `tt:bench:${process.pid}:` } : {};
}

/** The kernel's peak resident set of this process so far (VmHWM), in MB. */
function peakRssMb(pid = 'self') {
  const kb = Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? NaN);
  return kb / 1024;
}

/** Linux's clock ticks per second for /proc CPU times (USER_HZ; 100 on every mainstream kernel). */
const USER_HZ = 100;

const CPU_PARTS = ['server', 'postgres', 'redis', 'bench'];

/**
 * CPU seconds used so far (user + system, from /proc/<pid>/stat) by every process of each part of
 * the machine: `server` (the given pids), `postgres`, `redis` (by process name) and `bench` (this
 * process, the load generator), as a Map pid -> { part, seconds }. Differences of two snapshots
 * tell where a run's CPU went, which a throughput figure on a shared 2-core machine cannot. Empty
 * off Linux. `redisPids`: count only these as Redis (a private server), not every redis-server.
 */
function cpuSnapshot(serverPids = [], redisPids = null) {
  const snapshot = new Map();
  let pids;
  try {
    pids = readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return snapshot;
  }
  for (const pid of pids) {
    let stat;
    try {
      stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    } catch {
      continue; // exited meanwhile
    }
    // "pid (comm) state ..." where comm may hold spaces: fields after the last ')' (utime is 14th).
    const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const seconds = (Number(fields[11]) + Number(fields[12])) / USER_HZ;
    const n = Number(pid);
    const part = serverPids.includes(n)
      ? 'server'
      : n === process.pid
        ? 'bench'
        : comm === 'postgres'
          ? 'postgres'
          : comm === 'redis-server' && (redisPids === null || redisPids.includes(n))
            ? 'redis'
            : null;
    if (part) snapshot.set(n, { part, seconds });
  }
  return snapshot;
}

/**
 * CPU milliseconds per request of each part between two snapshots, process by process (a
 * PostgreSQL worker that started meanwhile counts whole; one that exited is lost, never negative).
 */
function cpuPerRequest(before, after, requests) {
  const out = Object.fromEntries(CPU_PARTS.map((part) => [part, 0]));
  for (const [pid, { part, seconds }] of after) out[part] += (seconds - (before.get(pid)?.seconds ?? 0)) * 1000;
  for (const part of CPU_PARTS) out[part] /= requests;
  out.total = CPU_PARTS.reduce((sum, part) => sum + out[part], 0);
  return out;
}

/** `npm run bench -- --smoke`: tiny data and short runs, only to prove the scripts work (CI). */
const SMOKE = process.env.BENCH_SMOKE === '1';

/** Seconds of one autocannon run (BENCH_ROUND_SECONDS, 4 by default; 1 in smoke runs). */
const ROUND_SECONDS = SMOKE ? 1 : Number(process.env.BENCH_ROUND_SECONDS ?? 4);

/** One autocannon run (16 connections, ROUND_SECONDS unless overridden): req/s and p50/p99 latency in ms. */
async function measure(options) {
  const result = await autocannon({ connections: 16, duration: ROUND_SECONDS, ...options });
  if (result.non2xx > 0 || result.errors > 0) {
    const statuses = JSON.stringify(result.statusCodeStats ?? {});
    throw new Error(
      `benchmark run against ${options.url} had ${result.non2xx} non-2xx answers (${statuses}) and ${result.errors} errors`,
    );
  }
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    requests: result.requests.total,
  };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/**
 * One request over `agent` (a keep-alive connection: its time is the request's cost, not a
 * connect): status, body text and milliseconds. Rejects on a status of 300 or more, or, with
 * `expect`, on any other status than that one.
 */
function timedRequest(agent, url, { method = 'GET', token, body, expect } = {}) {
  return new Promise((resolve, reject) => {
    const headers = { authorization: `Bearer ${token}` };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const started = process.hrtime.bigint();
    const req = http.request(url, { agent, method, headers }, (res) => {
      const chunks = [];
      res.on('data', (chunk) => chunks.push(chunk));
      res.on('end', () => {
        const ms = Number(process.hrtime.bigint() - started) / 1e6;
        const text = Buffer.concat(chunks).toString();
        const failed = expect === undefined ? res.statusCode >= 300 : res.statusCode !== expect;
        if (failed) reject(new Error(`${method} ${url}: ${res.statusCode} ${text.slice(0, 300)}`));
        else resolve({ status: res.statusCode, text, ms });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

/**
 * A round of `sample` (one timed operation: its milliseconds, or a promise of them) run back to
 * back for at least `ms` milliseconds and at least `min` samples (`ms` 0: exactly `min`): its p50.
 */
async function timedRound(sample, { ms = 0, min = 1 } = {}) {
  const times = [];
  const until = Date.now() + ms;
  while (Date.now() < until || times.length < min) times.push(await sample());
  return median(times);
}

/**
 * A distribution-free interval for the median of `xs` (each an independent pair's result): between
 * the k-th lowest and the k-th highest, k the largest rank such that a binomial(n, 1/2) falls
 * below it with probability at most 2.5 %: it holds the true median at least 95 % of the time,
 * whatever the noise's shape. Null when there are too few values (under 6).
 */
function medianInterval(xs) {
  const sorted = [...xs].sort((a, b) => a - b);
  const n = sorted.length;
  let below = 0; // P(Binomial(n, 1/2) < k)
  let k = 0;
  for (let i = 0, term = 0.5 ** n; i < n; i++) {
    if (below + term > 0.025) break;
    below += term;
    k = i + 1;
    term = (term * (n - i)) / (i + 1);
  }
  return k === 0 ? null : [sorted[k - 1], sorted[n - k]];
}

const f1 = (x) => x.toFixed(1);
const f2 = (x) => x.toFixed(2);
/** p50s of the rounds: their median and range. */
const p50Cell = (xs) => `${f1(median(xs))} (${f1(Math.min(...xs))}-${f1(Math.max(...xs))})`;
/** Ratios (large/small, app/SQL...) as two table cells: their median, and its 95 % interval (medianInterval). */
const ratioCells = (ratios) => {
  const bounds = medianInterval(ratios);
  return [`${f2(median(ratios))}x`, bounds ? `${f2(bounds[0])}-${f2(bounds[1])}x` : 'too few pairs'];
};

/**
 * Ratios as table cells, in percent: their median, then (`interval`) the 95 % interval of that
 * median (medianInterval: what the run shows, on a machine whose pairs spread widely), then the
 * lowest to the highest.
 */
function percentCells(ratios, { interval = false } = {}) {
  const pct = (x) => `${(x * 100).toFixed(1)} %`;
  const cells = [pct(median(ratios))];
  if (interval) {
    const bounds = medianInterval(ratios);
    cells.push(bounds ? `${pct(bounds[0])} to ${pct(bounds[1])}` : 'too few pairs');
  }
  cells.push(`${pct(Math.min(...ratios))} to ${pct(Math.max(...ratios))}`);
  return cells.join(' | ');
}

/**
 * Runs `baseline` and `subject` in `rounds` pairs, alternating which goes first (a drift in the
 * machine's speed hits both alike), and returns the medians of each side, and each pair's
 * overhead, baseline/subject minus 1 (`overheads`, and their lowest and highest as `range`). A first
 * pair warms up the JIT, the pools and the database's caches (a cold process runs at half speed)
 * and is not counted. The runs may return objects: `value` picks the number compared, and `pairs`
 * holds every counted pair's results as returned.
 */
async function compare(rounds, baseline, subject, value = (x) => x) {
  if (!SMOKE) {
    await baseline();
    await subject();
  }
  const pairs = [];
  for (let i = 0; i < rounds; i++) {
    if (i % 2 === 0) {
      const b = await baseline();
      pairs.push([b, await subject()]);
    } else {
      const s = await subject();
      pairs.push([await baseline(), s]);
    }
  }
  const overheads = pairs.map(([b, s]) => value(b) / value(s) - 1);
  return {
    baseline: median(pairs.map(([b]) => value(b))),
    subject: median(pairs.map(([, s]) => value(s))),
    // The pairs' spread: on a noisy machine as telling as the median.
    range: [Math.min(...overheads), Math.max(...overheads)],
    overheads,
    pairs,
  };
}

/** A temporary SQLite file (the laptop setup), whatever else is reachable. */
function freshSqlite() {
  return {
    url: `sqlite:${join(mkdtempSync(join(tmpdir(), 'tt-bench-')), 'bench.sqlite')}`,
    kind: 'sqlite',
    drop: async () => {},
  };
}

module.exports = {
  postgresAvailable,
  benchPort,
  benchRedis,
  dist,
  freshDatabase,
  freshSqlite,
  killServers,
  spawnAppServer,
  spawnServer,
  startApp,
  compare,
  cpuPerRequest,
  cpuSnapshot,
  f1,
  f2,
  measure,
  median,
  medianInterval,
  peakRssMb,
  p50Cell,
  percentCells,
  ratioCells,
  ROUND_SECONDS,
  SMOKE,
  timedRequest,
  timedRound,
};
