'use strict';
/**
 * bench/guards: overhead of the per-token rate limiter and of the Idempotency-Key layer, each as a
 * ratio against the same route with that layer disabled, measured alternately on one server: the
 * limiter as the same GET with tokens it limits and with tokens it exempts (its storage a no-op for
 * them), idempotency as the same POST with and without a key.
 * Two measures of each: throughput, and the CPU time per request of the whole machine (server,
 * PostgreSQL, Redis and the load generator, from /proc), which tells where the overhead goes (on a
 * shared 2-core machine it moves with the load too). Target: < 10 % each. Not a test.
 * A first row compares the same keyless POST with itself (A/A): what a layer that cost nothing
 * would read in this run, the noise floor to read the other rows against.
 */
const { mkdtempSync, readFileSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const {
  benchPort,
  benchRedis,
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
const ROUNDS = SMOKE ? 1 : Number(process.env.BENCH_ROUNDS ?? 6);
// Enough that no token runs out of its 100 a minute, even in smoke mode's short rounds.
const TOKENS = SMOKE ? 500 : Number(process.env.BENCH_TOKENS ?? 2000);

async function main() {
  const db = await freshDatabase();
  const env = {
    DATABASE_URL: db.url,
    BOOTSTRAP_ADMIN_TOKEN: ADMIN_TOKEN,
    // The default limits; load is spread over many tokens so none is refused.
    API_TOKEN_RATE_LIMIT_PER_MINUTE: '100',
    API_TOKEN_RATE_LIMIT_PER_HOUR: '1000',
    ...benchRedis(db),
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
    const before = cpuSnapshot(serverPids);
    const result = await measure(options);
    return { rps: result.rps, cpu: cpuPerRequest(before, cpuSnapshot(serverPids), result.requests) };
  };
  const rps = (r) => r.rps;
  let t = 0;
  /** Requests each with the next token of `tokens`, in turn. */
  const rotating = (tokens) => [
    { setupRequest: (req) => ({ ...req, headers: { authorization: `Bearer ${tokens[t++ % tokens.length]}` } }) },
  ];
  console.log(
    `# bench/guards on ${db.kind}${env.REDIS_URL ? ' + Redis' : ''}: ${ROUNDS} alternating rounds of ${ROUND_SECONDS} s, 16 connections, ` +
      `${TOKENS} tokens at the default limits (100/min, 1000/h), ${TOKENS} exempt from the limiter`,
  );

  const rl = await compare(
    ROUNDS,
    () => run({ url: `${server.url}/api/v1/users/me`, requests: rotating(exempt) }),
    () => run({ url: `${server.url}/api/v1/users/me`, requests: rotating(limited) }),
    rps,
  );

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
  const same = await compare(ROUNDS, post('/api/v1/users', false), post('/api/v1/users', false), rps);
  const idemUsers = await compare(ROUNDS, post('/api/v1/users', false), post('/api/v1/users', true), rps);
  const idemEntries = await compare(
    ROUNDS,
    post('/api/v1/time-entries', false),
    post('/api/v1/time-entries', true),
    rps,
  );

  const row = (name, route, r) =>
    `| ${name} | ${route} | ${r.baseline.toFixed(0)} | ${r.subject.toFixed(0)} | ${percentCells(r.overheads, { interval: true })} |`;
  console.log(
    '| layer | route | req/s without | req/s with | overhead (median of pairs) | 95 % interval of the median | pairs |',
  );
  console.log('|---|---|---|---|---|---|---|');
  console.log(row('none (A/A: both arms the same request)', 'POST /api/v1/users', same));
  console.log(row('rate limiter', 'GET /api/v1/users/me', rl));
  console.log(row('idempotency', 'POST /api/v1/users', idemUsers));
  console.log(row('idempotency', 'POST /api/v1/time-entries', idemEntries));

  // CPU per request: medians over the pairs, per part; the overhead is the median pair's ratio.
  const ms = (x) => x.toFixed(3);
  const parts = (r, side) => {
    const m = (part) => median(r.pairs.map((pair) => pair[side].cpu[part]));
    return `${ms(m('total'))} (${ms(m('server'))} + ${ms(m('postgres'))} + ${ms(m('redis'))} + ${ms(m('bench'))})`;
  };
  const cpuRow = (name, route, r) => {
    const overheads = r.pairs.map(([without, withLayer]) => withLayer.cpu.total / without.cpu.total - 1);
    return `| ${name} | ${route} | ${parts(r, 0)} | ${parts(r, 1)} | ${percentCells(overheads, { interval: true })} |`;
  };
  console.log('');
  console.log('CPU ms per request, whole machine: total (server + PostgreSQL + Redis + load generator)');
  console.log(
    '| layer | route | without | with | CPU overhead (median of pairs) | 95 % interval of the median | pairs |',
  );
  console.log('|---|---|---|---|---|---|---|');
  console.log(cpuRow('none (A/A)', 'POST /api/v1/users', same));
  console.log(cpuRow('rate limiter', 'GET /api/v1/users/me', rl));
  console.log(cpuRow('idempotency', 'POST /api/v1/users', idemUsers));
  console.log(cpuRow('idempotency', 'POST /api/v1/time-entries', idemEntries));

  await server.stop();
  await db.drop();
}

main().catch((error) => {
  console.error(error);
  killServers();
  process.exit(1);
});
