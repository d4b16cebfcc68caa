'use strict';
/**
 * bench/idempotency-sql: what the Idempotency-Key record and stored response cost PostgreSQL alone,
 * as ratios against the same transaction without them in the same run. pgbench (8 clients) runs the
 * transaction POST /users makes (one row), then the same with the claim the app sends with its
 * BEGIN (the statement text is the app's own, from postgresClaimingBegin), then also with a stored
 * response in its COMMIT, as a keyed request's COMMIT carries one. Alternating rounds, medians.
 * The floor under bench/guards' idempotency rows: no HTTP, no Node.js. Needs PostgreSQL and
 * pgbench; skips without them. Not a test.
 */
const { spawnSync } = require('node:child_process');
const { mkdtempSync, writeFileSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const { Client } = require('pg');
const { dist, freshDatabase, median, percentCells, SMOKE } = require('./support');

const ROUNDS = SMOKE ? 1 : Number(process.env.BENCH_ROUNDS ?? 6);
const SECONDS = SMOKE ? 1 : 4;
const TOKENS = 2000;

/** The app's claiming BEGIN with pgbench variables for the token and a fresh key per transaction. */
function claimingBegin() {
  const { postgresClaimingBegin } = dist('common/idempotency/idempotency-claim');
  const text = postgresClaimingBegin({
    tokenId: 987654321,
    key: 'BENCH_KEY',
    fingerprint: 'BENCH_FINGERPRINT',
    ttlMs: 86_400_000,
    lockMs: 120_000,
  });
  return text
    .replaceAll('987654321', ':tok')
    .replaceAll(`'BENCH_KEY'`, `('k' || :u || '_' || :client_id)`)
    .replaceAll(`'BENCH_FINGERPRINT'`, `md5('f' || :u) || md5('g' || :u)`)
    .replaceAll(';', ' \\;');
}

/** POST /users' own statement (a new user), and a response like the one it stores. */
const INSERT_USER =
  `INSERT INTO users (username, role, is_active, timezone, created_at, updated_at) ` +
  `VALUES ('u' || :u || '_' || :client_id, 'user', true, 'UTC', now(), now()) RETURNING id;`;
const RESPONSE = JSON.stringify({
  user: {
    id: 123456,
    username: 'bench_user_123456',
    email: null,
    full_name: null,
    role: 'user',
    is_active: true,
    timezone: 'UTC',
    created_at: '2026-11-30T10:00:00.000Z',
    updated_at: '2026-11-30T10:00:00.000Z',
    last_login_at: null,
  },
});
const STORE_RESPONSE =
  `INSERT INTO idempotency_responses (record_id, status, body) ` +
  `VALUES (currval('idempotency_keys_id_seq'), 201, '${RESPONSE}') ON CONFLICT (record_id) DO NOTHING \\; COMMIT;`;

/** The three transactions, each with a fresh key and one of the tokens (ids `first` to `last`). */
function scripts({ first, last }) {
  const variables = `\\set u random(1, 1000000000000)\n\\set tok random(${first}, ${last})\n`;
  return {
    'without key': `${variables}START TRANSACTION;\n${INSERT_USER}\nCOMMIT;\n`,
    'with the record': `${variables}${claimingBegin()};\n${INSERT_USER}\nCOMMIT;\n`,
    'with record and response': `${variables}${claimingBegin()};\n${INSERT_USER}\n${STORE_RESPONSE}\n`,
  };
}

async function prepare(url) {
  // The CLI in a process of its own: entity column types follow DATABASE_URL's kind at import time.
  const cli = join(__dirname, '..', 'dist', 'src', 'cli.js');
  const migrated = spawnSync(process.execPath, [cli, 'migration:run'], {
    encoding: 'utf8',
    env: { ...process.env, DATABASE_URL: url },
  });
  if (migrated.status !== 0) throw new Error(`migrations failed: ${migrated.stderr}`);
  const client = new Client({ connectionString: url });
  await client.connect();
  await client.query(
    `INSERT INTO users (username, role, is_active, timezone, created_at, updated_at) ` +
      `VALUES ('owner', 'admin', true, 'UTC', now(), now())`,
  );
  await client.query(
    `INSERT INTO api_tokens (name, user_id, scopes, token_hash, token_prefix, created_at) ` +
      `SELECT 'bench ' || g, u.id, 'admin:all', md5(g::text) || md5((g + 1)::text), 'tt_bench', now() ` +
      `FROM generate_series(1, ${TOKENS}) g, users u WHERE u.username = 'owner'`,
  );
  const { rows } = await client.query(`SELECT min(id) AS first, max(id) AS last FROM api_tokens`);
  await client.end();
  return rows[0];
}

/** One pgbench run of `file`: transactions per second. */
function pgbench(url, file) {
  const u = new URL(url);
  const args = ['-n', '-M', 'simple', '-c', '8', '-j', '2', '-T', String(SECONDS), '-f', file];
  args.push('-h', u.hostname, '-p', u.port || '5432', '-U', decodeURIComponent(u.username), u.pathname.slice(1));
  const env = { ...process.env, ...(u.password ? { PGPASSWORD: decodeURIComponent(u.password) } : {}) };
  const run = spawnSync('pgbench', args, { encoding: 'utf8', env });
  const tps = /tps = ([\d.]+)/.exec(run.stdout ?? '');
  if (run.status !== 0 || !tps) throw new Error(`pgbench failed: ${run.stderr || run.stdout}`);
  return Number(tps[1]);
}

async function main() {
  if (spawnSync('pgbench', ['--version']).status !== 0) {
    console.log('# bench/idempotency-sql skipped: pgbench is not installed (Debian: postgresql, with the server)');
    return;
  }
  const db = await freshDatabase();
  if (db.kind !== 'postgres') {
    console.log('# bench/idempotency-sql skipped: PostgreSQL is not reachable');
    return;
  }
  try {
    const tokens = await prepare(db.url);
    const dir = mkdtempSync(join(tmpdir(), 'tt-bench-sql-'));
    const files = Object.entries(scripts(tokens)).map(([name, script]) => {
      const file = join(dir, `${name.replaceAll(' ', '-')}.sql`);
      writeFileSync(file, script);
      return { name, file };
    });
    console.log(
      `# bench/idempotency-sql on PostgreSQL: ${ROUNDS} rounds of ${SECONDS} s per script, pgbench -c 8 -j 2, ` +
        `the transaction of POST /users (one row)`,
    );
    if (!SMOKE) for (const { file } of files) pgbench(db.url, file);
    const tps = Object.fromEntries(files.map(({ name }) => [name, []]));
    for (let round = 0; round < ROUNDS; round++) {
      // Alternating order: a drift in the machine's speed hits every script alike.
      const order = round % 2 === 0 ? files : [...files].reverse();
      for (const { name, file } of order) tps[name].push(pgbench(db.url, file));
    }
    const base = tps['without key'];
    console.log('| transaction | tps | cost against without key (median of rounds) | rounds |');
    console.log('|---|---|---|---|');
    for (const { name } of files) {
      const costs = tps[name].map((t, i) => base[i] / t - 1);
      console.log(`| ${name} | ${median(tps[name]).toFixed(0)} | ${percentCells(costs)} |`);
    }
  } finally {
    await db.drop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
