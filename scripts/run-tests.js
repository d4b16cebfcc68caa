#!/usr/bin/env node
'use strict';
/**
 * The single test command (`npm test`).
 *
 *   Run 1 (always):            unit + e2e projects against SQLite.
 *   Run 2 (PostgreSQL is up):  e2e project against PostgreSQL.
 *
 * Redis-backed tests get TEST_REDIS_URL only when a Redis server answers PING; otherwise they skip.
 * With TEST_REQUIRE_SERVICES=1 (CI) a missing PostgreSQL or Redis is a failure instead of a skip.
 * Extra arguments (`npm test -- some/path -t name`) are forwarded to every jest run.
 * The last line printed is the totals: `N passed, N failed, N skipped`.
 */
const { spawnSync } = require('node:child_process');
const { mkdtempSync, readFileSync, rmSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join, resolve } = require('node:path');

const ROOT = resolve(__dirname, '..');
const JEST = join(ROOT, 'node_modules', 'jest', 'bin', 'jest.js');
const POSTGRES_URL = process.env.TEST_POSTGRES_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
const REDIS_URL = process.env.TEST_REDIS_URL || 'redis://127.0.0.1:6379/0';
const REQUIRE_SERVICES = process.env.TEST_REQUIRE_SERVICES === '1';
const CONNECT_TIMEOUT_MS = 2000;

/** Hides a password in a URL before printing it. */
function redact(url) {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return url;
  }
}

function withTimeout(promise, ms, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

async function probePostgres(url) {
  const { Client } = require('pg');
  const client = new Client({ connectionString: url, connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
  client.on('error', () => {});
  try {
    await withTimeout(
      (async () => {
        await client.connect();
        await client.query('SELECT 1');
      })(),
      CONNECT_TIMEOUT_MS * 2,
      'PostgreSQL probe',
    );
    return { ok: true };
  } catch (error) {
    return { ok: false, reason: error instanceof Error ? error.message : String(error) };
  } finally {
    client.end().catch(() => {});
  }
}

async function probeRedis(url) {
  const Redis = require('ioredis');
  const redis = new Redis(url, {
    lazyConnect: true,
    connectTimeout: CONNECT_TIMEOUT_MS,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    enableOfflineQueue: false,
  });
  let lastError;
  redis.on('error', (error) => {
    lastError = error;
  });
  try {
    await withTimeout(
      (async () => {
        await redis.connect();
        const reply = await redis.ping();
        if (reply !== 'PONG') throw new Error(`unexpected PING reply ${JSON.stringify(reply)}`);
      })(),
      CONNECT_TIMEOUT_MS * 2,
      'Redis probe',
    );
    return { ok: true };
  } catch (error) {
    const cause = lastError instanceof Error ? lastError : error;
    return { ok: false, reason: cause instanceof Error ? cause.message : String(cause) };
  } finally {
    redis.disconnect();
  }
}

/** Runs jest once (output streams to the terminal) and reads the counts from its --json file. */
function runJest(label, projects, env, extraArgs, outDir, index) {
  const outputFile = join(outDir, `jest-${index}.json`);
  const userSetsWorkers = extraArgs.some((a) => /^(--maxWorkers|-w)(=|$)/.test(a) || a === '--runInBand' || a === '-i');
  const args = [
    JEST,
    ...extraArgs,
    '--ci',
    '--json',
    `--outputFile=${outputFile}`,
    ...(userSetsWorkers ? [] : ['--maxWorkers=2']),
    // A forwarded path may match nothing in one of the runs (e.g. a unit spec in the e2e-only run).
    ...(extraArgs.length > 0 ? ['--passWithNoTests'] : []),
    // Last: the option is an array and would swallow positional arguments that follow it.
    '--selectProjects',
    ...projects,
  ];
  console.log(
    `\n=== ${label}: jest --selectProjects ${projects.join(' ')} ${extraArgs.join(' ')}`.trimEnd() + ' ===\n',
  );
  const result = spawnSync(process.execPath, args, { cwd: ROOT, env, stdio: 'inherit' });
  if (result.error) console.error(`${label}: could not start jest: ${result.error.message}`);

  const counts = { passed: 0, failed: 0, skipped: 0 };
  let report;
  try {
    report = JSON.parse(readFileSync(outputFile, 'utf8'));
  } catch {
    report = undefined;
  }
  if (report) {
    counts.passed = report.numPassedTests || 0;
    counts.failed = report.numFailedTests || 0;
    counts.skipped = (report.numPendingTests || 0) + (report.numTodoTests || 0);
    // A suite that could not run (syntax/type error, failing beforeAll...) has no failed tests of
    // its own: count each as at least one failure.
    const brokenSuites = (report.testResults || []).filter(
      (s) => s.status === 'failed' && !(s.assertionResults || []).some((t) => t.status === 'failed'),
    ).length;
    counts.failed += Math.max(brokenSuites, report.numRuntimeErrorTestSuites || 0);
  }
  const exitCode = result.status === null ? 1 : result.status;
  if (exitCode !== 0 && counts.failed === 0) {
    // jest failed without a failing test (config error, crash, open-handle timeout...): still a failure.
    counts.failed = 1;
  }
  const signal = result.signal ? ` (killed by ${result.signal})` : '';
  console.log(
    `--- ${label}: ${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped; jest exit ${exitCode}${signal}`,
  );
  return { ...counts, exitCode, report };
}

async function main() {
  const extraArgs = process.argv.slice(2);
  const [pg, redis] = await Promise.all([probePostgres(POSTGRES_URL), probeRedis(REDIS_URL)]);
  const totals = { passed: 0, failed: 0, skipped: 0 };
  let anyRunFailed = false;
  const problems = [];

  if (redis.ok) {
    console.log(`Redis: reachable at ${redact(REDIS_URL)}`);
  } else if (REQUIRE_SERVICES) {
    problems.push(`FAILED: Redis not reachable at ${redact(REDIS_URL)} (${redis.reason}) and TEST_REQUIRE_SERVICES=1`);
  } else {
    console.log(
      `NOTE: Redis not reachable at ${redact(REDIS_URL)} (${redis.reason}); Redis-backed tests will be skipped`,
    );
  }
  if (pg.ok) {
    console.log(`PostgreSQL: reachable at ${redact(POSTGRES_URL)}`);
  } else if (REQUIRE_SERVICES) {
    problems.push(
      `FAILED: PostgreSQL not reachable at ${redact(POSTGRES_URL)} (${pg.reason}) and TEST_REQUIRE_SERVICES=1`,
    );
  } else {
    console.log(`SKIPPED: PostgreSQL e2e suite (no server at ${redact(POSTGRES_URL)}: ${pg.reason})`);
  }
  for (const p of problems) console.error(p);

  const baseEnv = { ...process.env };
  delete baseEnv.TEST_REDIS_URL;
  if (redis.ok) baseEnv.TEST_REDIS_URL = REDIS_URL;

  const outDir = mkdtempSync(join(tmpdir(), 'tt-jest-'));
  const runs = [];
  try {
    runs.push(runJest('SQLite (unit + e2e)', ['unit', 'e2e'], { ...baseEnv, TEST_DB: 'sqlite' }, extraArgs, outDir, 1));
    if (pg.ok) {
      const env = { ...baseEnv, TEST_DB: 'postgres', TEST_POSTGRES_URL: POSTGRES_URL };
      runs.push(runJest('PostgreSQL (e2e)', ['e2e'], env, extraArgs, outDir, 2));
    }
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
  // `npm run reliability`: the matrix with each row's result, written from these two runs.
  const matrixFile = process.env.TT_RELIABILITY_REPORT;
  if (matrixFile) {
    const { writeReliabilityReport } = require('./reliability-matrix');
    const git = (...args) => spawnSync('git', args, { cwd: ROOT, encoding: 'utf8' }).stdout?.trim() ?? '';
    const dirty = git('status', '--porcelain', '--untracked-files=no', '--', '.', ':!docs/RELIABILITY.md')
      ? ' with uncommitted changes'
      : '';
    const commit = `${git('rev-parse', '--short', 'HEAD') || 'unknown'}${dirty}`;
    const failing = writeReliabilityReport(matrixFile, runs[0]?.report, runs[1]?.report, commit);
    console.log(`Reliability matrix written to ${matrixFile} (${failing} failing rows)`);
  }

  for (const r of runs) {
    totals.passed += r.passed;
    totals.failed += r.failed;
    totals.skipped += r.skipped;
    if (r.exitCode !== 0) anyRunFailed = true;
  }
  // A required service that is missing counts as one failure each.
  totals.failed += problems.length;

  console.log('');
  if (!pg.ok && !REQUIRE_SERVICES) console.log(`SKIPPED: PostgreSQL e2e suite (no server at ${redact(POSTGRES_URL)})`);
  if (!redis.ok && !REQUIRE_SERVICES)
    console.log(`NOTE: Redis not reachable at ${redact(REDIS_URL)}; Redis-backed tests were skipped`);
  for (const p of problems) console.log(p);
  console.log(`${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
  return totals.failed > 0 || anyRunFailed ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(error);
    console.log('0 passed, 1 failed');
    process.exit(1);
  },
);
