'use strict';
/**
 * bench/guards: overhead of the per-token rate limiter and of the Idempotency-Key layer, each as a
 * ratio against the same route with that layer disabled, measured alternately on one server: the
 * limiter as the same GET with tokens it limits and with tokens whose requests skip the guard
 * outright, idempotency as the same POST with and without a key. As real clients do, a few tokens
 * (4 a side) carry all the load, so the auth cache is hot and the limiter's cost stands alone; the
 * limits are raised so that none is refused. Redis is a private server this benchmark starts (no
 * other load on it), beside PostgreSQL when reachable.
 * Two measures of each: throughput, and the CPU time per request of the whole machine (server,
 * PostgreSQL, Redis and the load generator, from /proc), which tells where the overhead goes (on a
 * shared 2-core machine it moves with the load too). Target: < 10 % each. Not a test.
 * A first row compares the same keyless POST with itself (A/A): what a layer that cost nothing
 * would read in this run, the noise floor to read the other rows against.
 */
const { spawn } = require('node:child_process');
const { mkdtempSync, readFileSync } = require('node:fs');
const { connect } = require('node:net');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const {
  benchPort,
  compare,
  cpuPerRequest,
  cpuSnapshot,
  freshDatabase,
  killServers,
  measure,
  median,
  percentCells,
  ROUND_SECONDS,
  spawnServer,
  SMOKE,
} = require('./support');

const ADMIN_TOKEN = 'tt_benchAdminToken0123456789abcdefX';
const ROUNDS = SMOKE ? 1 : Number(process.env.BENCH_ROUNDS ?? 8);
const TOKENS = Number(process.env.BENCH_TOKENS ?? 4);

/** A private redis-server on a free port, for this run only: { url, stop }. */
async function privateRedis() {
  const { freePort } = require('../scripts/private-servers');
  const port = await freePort();
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    {
      stdio: 'ignore',
    },
  );
  const url = `redis://127.0.0.1:${port}/0`;
  for (let i = 0; i < 50; i++) {
    const up = await new Promise((resolve) => {
      const socket = connect(port, '127.0.0.1', () => {
        socket.end();
        resolve(true);
      });
      socket.on('error', () => resolve(false));
    });
    if (up) return { url, pid: child.pid, stop: () => child.kill('SIGTERM') };
    if (child.exitCode !== null) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  child.kill('SIGKILL');
  throw new Error('redis-server did not start');
}

let redis = null;

async function main() {
  const db = await freshDatabase();
  redis = await privateRedis();
  const env = {
    DATABASE_URL: db.url,
    BOOTSTRAP_ADMIN_TOKEN: ADMIN_TOKEN,
    // Raised: a few tokens carry thousands of requests a second (the limiter's work is the same).
    API_TOKEN_RATE_LIMIT_PER_MINUTE: '100000000',
    API_TOKEN_RATE_LIMIT_PER_HOUR: '100000000',
    REDIS_URL: redis.url,
    REDIS_KEY_PREFIX: 'tt:bench:',
  };
  // The server in its own process (autocannon in this one), so that neither's garbage, timers or
  // pools run on the other's event loop. It migrates the database and issues the tokens.
  const script = join(__dirname, 'guards-server.js');
  const tokensFile = join(mkdtempSync(join(tmpdir(), 'tt-bench-')), 'tokens.json');
  const server = await spawnServer(
    script,
    benchPort(),
    { ...env, BENCH_ISSUE_TOKENS: String(TOKENS), BENCH_TOKENS_FILE: tokensFile },
    // e.g. BENCH_APP_NODE_FLAGS="--cpu-prof --cpu-prof-dir=prof": profile the server.
    (process.env.BENCH_APP_NODE_FLAGS ?? '').split(' ').filter(Boolean),
  );
  const { limited, exempt } = JSON.parse(readFileSync(tokensFile, 'utf8'));
  const serverPids = [server.child.pid];
  /** One autocannon run: its throughput and the machine's CPU milliseconds per request, by part. */
  const run = async (options) => {
    const before = cpuSnapshot(serverPids, [redis.pid]);
    const result = await measure(options);
    return { rps: result.rps, cpu: cpuPerRequest(before, cpuSnapshot(serverPids, [redis.pid]), result.requests) };
  };
  const rps = (r) => r.rps;
  let t = 0;
  /** Requests each with the next token of `tokens`, in turn. */
  const rotating = (tokens) => [
    { setupRequest: (req) => ({ ...req, headers: { authorization: `Bearer ${tokens[t++ % tokens.length]}` } }) },
  ];
  console.log(
    `# bench/guards on ${db.kind}${env.REDIS_URL ? ' + Redis' : ''}: ${ROUNDS} alternating rounds of ${ROUND_SECONDS} s, 16 connections, ` +
      `${TOKENS} tokens through the limiter (limits raised), ${TOKENS} that skip it; a private Redis`,
  );

  // e.g. BENCH_ONLY=limiter or BENCH_ONLY=idempotency: one of the two sections.
  const only = process.env.BENCH_ONLY ?? '';
  const rows = [];
  if ('limiter'.includes(only)) {
    const me = (tokens) => () => run({ url: `${server.url}/api/v1/users/me`, requests: rotating(tokens) });
    rows.push([
      'none (A/A: both arms skip the limiter)',
      'GET /api/v1/users/me',
      await compare(ROUNDS, me(exempt), me(exempt), rps),
    ]);
    rows.push(['rate limiter', 'GET /api/v1/users/me', await compare(ROUNDS, me(exempt), me(limited), rps)]);
  }
  if ('idempotency'.includes(only)) {
    const project = await fetch(`${server.url}/api/v1/projects`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'bench' }),
    })
      .then((r) => r.json())
      .then((body) => body.project);

    // Every request is new: a fresh key, a fresh username, its own hour (entries never overlap).
    let n = 0;
    const bodies = {
      '/api/v1/users': () => ({ username: `bench_${process.pid}_${n}` }),
      '/api/v1/time-entries': () => {
        const start = Date.UTC(2020, 0, 1) + n * 3_600_000;
        return {
          project_id: project.id,
          start_time: new Date(start).toISOString(),
          end_time: new Date(start + 1_800_000).toISOString(),
        };
      },
    };
    const post = (path, withKey) => () =>
      run({
        url: `${server.url}${path}`,
        method: 'POST',
        requests: [
          {
            setupRequest: (req) => {
              n++;
              return {
                ...req,
                headers: {
                  authorization: `Bearer ${limited[t++ % limited.length]}`,
                  'content-type': 'application/json',
                  ...(withKey ? { 'idempotency-key': `bench-${process.pid}-${n}` } : {}),
                },
                body: JSON.stringify(bodies[path]()),
              };
            },
          },
        ],
      });
    // The same keyless request in both arms: the bench's own noise floor, from this run, beside the
    // layers' ratios (a layer that cost nothing would read about this much).
    const users = (withKey) => post('/api/v1/users', withKey);
    const entries = (withKey) => post('/api/v1/time-entries', withKey);
    rows.push([
      'none (A/A: both arms the same request)',
      'POST /api/v1/users',
      await compare(ROUNDS, users(false), users(false), rps),
    ]);
    rows.push(['idempotency', 'POST /api/v1/users', await compare(ROUNDS, users(false), users(true), rps)]);
    rows.push(['idempotency', 'POST /api/v1/time-entries', await compare(ROUNDS, entries(false), entries(true), rps)]);
  }

  const row = (name, route, r) =>
    `| ${name} | ${route} | ${r.baseline.toFixed(0)} | ${r.subject.toFixed(0)} | ${percentCells(r.overheads, { interval: true })} |`;
  console.log(
    '| layer | route | req/s without | req/s with | overhead (median of pairs) | 95 % interval of the median | pairs |',
  );
  console.log('|---|---|---|---|---|---|---|');
  for (const [name, route, r] of rows) console.log(row(name, route, r));

  // CPU per request: medians over the pairs, per part; the overhead is the median pair's ratio.
  const ms = (x) => x.toFixed(3);
  const parts = (r, side) => {
    const m = (part) => median(r.pairs.map((pair) => pair[side].cpu[part]));
    return `${ms(m('total'))} (${ms(m('server'))} + ${ms(m('postgres'))} + ${ms(m('redis'))} + ${ms(m('bench'))})`;
  };
  const cpuRow = (name, route, r) => {
    const overheads = r.pairs.map(([without, withLayer]) => withLayer.cpu.total / without.cpu.total - 1);
    // The layer's own parts (the server process and the private Redis), against the whole request.
    const own = r.pairs.map(
      ([without, withLayer]) =>
        (withLayer.cpu.server + withLayer.cpu.redis - without.cpu.server - without.cpu.redis) / without.cpu.total,
    );
    return (
      `| ${name} | ${route} | ${parts(r, 0)} | ${parts(r, 1)} | ${percentCells(overheads, { interval: true })} | ` +
      `${percentCells(own, { interval: true })} |`
    );
  };
  console.log('');
  console.log('CPU ms per request, whole machine: total (server + PostgreSQL + Redis + load generator)');
  console.log(
    '| layer | route | without | with | CPU overhead (median of pairs) | 95 % interval of the median | pairs | ' +
      'server + Redis only (median) | its 95 % interval | its pairs |',
  );
  console.log('|---|---|---|---|---|---|---|---|---|---|');
  for (const [name, route, r] of rows) console.log(cpuRow(name, route, r));

  await server.stop();
  redis.stop();
  await db.drop();
}

main().catch((error) => {
  console.error(error);
  killServers();
  redis?.stop();
  process.exit(1);
});
