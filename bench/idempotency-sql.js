'use strict';
/**
 * bench/idempotency-sql: what the Idempotency-Key record and stored response cost PostgreSQL alone,
 * as ratios against the same transaction without them in the same run. 8 connections (node-postgres,
 * in this process) run the transaction POST /users makes (one row), then the same with the claim its
 * first statement (the app's own text, IdempotencyStore's PG_CLAIM), then also with the stored
 * response, one autocommit INSERT after the COMMIT as IdempotencyStore.complete sends it. Two
 * measures, medians of alternating rounds: throughput, and PostgreSQL's CPU per transaction (from
 * /proc), the floor under bench/guards' idempotency rows: no HTTP, no app. Needs PostgreSQL; skips
 * without. Not a test.
 */
const { spawnSync } = require('node:child_process');
const { join } = require('node:path');
const { Client } = require('pg');
const { cpuPerRequest, cpuSnapshot, dist, freshDatabase, median, percentCells, SMOKE } = require('./support');

const ROUNDS = SMOKE ? 1 : Number(process.env.BENCH_ROUNDS ?? 6);
const SECONDS = SMOKE ? 1 : 4;
const CONNECTIONS = 8;
const TOKENS = 2000;
/** Records (with responses) in the table before the first round. */
const SEEDED_RECORDS = SMOKE ? 1000 : 50_000;

/** POST /users' own statement (a new user), parameters bound as TypeORM binds them. */
const insertUser = (username) => ({
  text:
    `INSERT INTO users (username, role, is_active, timezone, created_at, updated_at) ` +
    `VALUES ($1, 'user', true, 'UTC', $2, $3) RETURNING id`,
  values: [username, new Date(), new Date()],
});
/** A response like the one POST /users stores. */
const RESPONSE = JSON.stringify({
  message: 'User created successfully',
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

/** The three transactions, each with a fresh user and key, on a token among `first` to `last`. */
function transactions({ first, last }) {
  const { PG_CLAIM } = dist('common/idempotency/idempotency.store');
  let n = 0;
  /** The claim, as the request's first transaction sends it: its record's id. */
  const claim = async (client, u) => {
    const tokenId = first + (u % (last - first + 1));
    const now = Date.now();
    const times = [now + 120_000, now, now + 86_400_000].map((ms) => new Date(ms));
    const { rows } = await client.query(PG_CLAIM, [tokenId, `k${u}`, 'f'.repeat(64), 'committed', ...times]);
    return rows[0].id;
  };
  return {
    'without key': async (client) => {
      const u = ++n;
      await client.query('BEGIN');
      await client.query(insertUser(`u${u}`));
      await client.query('COMMIT');
    },
    'with the record': async (client) => {
      const u = ++n;
      await client.query('BEGIN');
      await claim(client, u);
      await client.query(insertUser(`u${u}`));
      await client.query('COMMIT');
    },
    'with record and response': async (client) => {
      const u = ++n;
      await client.query('BEGIN');
      const id = await claim(client, u);
      await client.query(insertUser(`u${u}`));
      await client.query('COMMIT');
      await client.query(
        'INSERT INTO idempotency_responses (record_id, status, body) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING',
        [id, 201, RESPONSE],
      );
    },
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
  // A day's records and responses already there, as in a server that has run for a while: the
  // indexes have their depth, and the BRIN on expires_at has summarised every full block range,
  // so that new records land in one it does not summarise yet, as they do in production (an
  // empty table's first range is summarised at creation, and each insert would widen it).
  await client.query(
    `INSERT INTO idempotency_keys (token_id, key, fingerprint, state, locked_until, created_at, expires_at) ` +
      `SELECT t.id, 'seed-' || g, md5(g::text) || md5((g + 1)::text), 'committed', ` +
      `now(), now(), now() + interval '1 day' FROM generate_series(1, ${SEEDED_RECORDS}) g ` +
      `JOIN api_tokens t ON t.id = (SELECT min(id) FROM api_tokens) + g % ${TOKENS}`,
  );
  await client.query(
    `INSERT INTO idempotency_responses (record_id, status, body) SELECT id, 201, $1 FROM idempotency_keys`,
    [RESPONSE],
  );
  await client.query('VACUUM ANALYZE');
  const { rows } = await client.query(`SELECT min(id) AS first, max(id) AS last FROM api_tokens`);
  await client.end();
  return rows[0];
}

/** One round of `transaction` on every connection: transactions per second, PostgreSQL CPU ms per transaction. */
async function round(clients, transaction) {
  const before = cpuSnapshot();
  const started = Date.now();
  let done = 0;
  await Promise.all(
    clients.map(async (client) => {
      while (Date.now() - started < SECONDS * 1000) {
        await transaction(client);
        done++;
      }
    }),
  );
  const cpu = cpuPerRequest(before, cpuSnapshot(), done);
  return { tps: done / ((Date.now() - started) / 1000), pg: cpu.postgres };
}

async function main() {
  const db = await freshDatabase();
  if (db.kind !== 'postgres') {
    console.log('# bench/idempotency-sql skipped: PostgreSQL is not reachable');
    return;
  }
  const clients = [];
  try {
    const runs = Object.entries(transactions(await prepare(db.url)));
    for (let i = 0; i < CONNECTIONS; i++) {
      const client = new Client({ connectionString: db.url });
      await client.connect();
      clients.push(client);
    }
    console.log(
      `# bench/idempotency-sql on PostgreSQL: ${ROUNDS} rounds of ${SECONDS} s per transaction, ${CONNECTIONS} connections, ` +
        `the transaction of POST /users (one row)`,
    );
    if (!SMOKE) for (const [, transaction] of runs) await round(clients, transaction);
    const results = Object.fromEntries(runs.map(([name]) => [name, []]));
    for (let r = 0; r < ROUNDS; r++) {
      // Alternating order: a drift in the machine's speed hits every transaction alike.
      for (const [name, transaction] of r % 2 === 0 ? runs : [...runs].reverse()) {
        results[name].push(await round(clients, transaction));
      }
    }
    const base = results['without key'];
    const costs = (name, measure) => percentCells(results[name].map((x, i) => measure(x, base[i])));
    console.log(
      '| transaction | tps | PostgreSQL CPU ms per transaction | throughput cost (median of rounds) | rounds | PostgreSQL CPU cost (median of rounds) | rounds |',
    );
    console.log('|---|---|---|---|---|---|---|');
    for (const [name] of runs) {
      const tps = median(results[name].map((x) => x.tps)).toFixed(0);
      const pg = median(results[name].map((x) => x.pg)).toFixed(3);
      const throughput = costs(name, (x, b) => b.tps / x.tps - 1);
      const cpu = costs(name, (x, b) => x.pg / b.pg - 1);
      console.log(`| ${name} | ${tps} | ${pg} | ${throughput} | ${cpu} |`);
    }
  } finally {
    for (const client of clients) await client.end();
    await db.drop();
  }
}

// bench/idempotency-instructions runs the same transactions on a server of its own.
module.exports = { prepare, transactions };

if (require.main === module) {
  main().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
