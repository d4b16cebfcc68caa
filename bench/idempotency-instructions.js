'use strict';
/**
 * bench/idempotency-instructions: what the Idempotency-Key record and stored response cost
 * PostgreSQL, counted in instructions instead of timed. The transactions of bench/idempotency-sql
 * (POST /users' own, then with the claim, then also with the stored response, the app's own texts)
 * run on a PostgreSQL server of their own, started under valgrind's callgrind, which counts the
 * instructions each backend executes: the same count on every run, whatever else the machine is
 * doing, where the timed benches move by ±15 % on a shared 2-core machine. Each transaction runs
 * on two fresh connections, a short and a long run: the difference, divided by the number of
 * transactions between them, is the count per transaction, without the connection's start and
 * warm-up. What is not counted: the kernel's work (sockets, WAL flushes) and waits. Skips without
 * valgrind or a Debian PostgreSQL (/usr/lib/postgresql). Not a test.
 * BENCH_KEEP_COUNTS=1 keeps the server's folder and prints which backend ran what, for
 * `callgrind_annotate <folder>/cg.<pid>` (the functions are those of PostgreSQL's symbol table).
 */
const { spawn, spawnSync } = require('node:child_process');
const { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const { Client } = require('pg');
const { prepare, transactions } = require('./idempotency-sql');
const { postgresAvailable, SMOKE } = require('./support');
const { asServerUser, freePort, postgresBin, runAsServerUser: run } = require('../scripts/private-servers');

const WARM_UP = SMOKE ? 2 : 20;
/** Transactions of the short and the long run. */
const SHORT = SMOKE ? 2 : 100;
const LONG = SMOKE ? 6 : 600;

/** Progress, with BENCH_DEBUG=1. */
const step = (what) => process.env.BENCH_DEBUG === '1' && console.error(`[${new Date().toISOString()}] ${what}`);

async function waitForServer(url, seconds) {
  for (const deadline = Date.now() + seconds * 1000; Date.now() < deadline;) {
    if (await postgresAvailable(url)) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`PostgreSQL did not accept connections within ${seconds} s`);
}

/** A private cluster: migrated and seeded by a plain server, then measured under callgrind. */
class CountedPostgres {
  constructor(bin) {
    this.bin = bin;
    this.dir = mkdtempSync(join(tmpdir(), 'tt-bench-callgrind-'));
    this.data = join(this.dir, 'data');
    this.server = null;
  }

  get url() {
    return `postgres://postgres@127.0.0.1:${this.port}/postgres`;
  }

  async init() {
    chmodSync(this.dir, 0o777);
    run(
      [join(this.bin, 'initdb'), '-D', this.data, '-U', 'postgres', '-A', 'trust', '--no-sync', '-E', 'UTF8'],
      this.dir,
    );
    this.port = await freePort();
  }

  /** `counted`: every backend under callgrind, each writing its counts to cg.<pid> when it ends. */
  async start(counted) {
    // autovacuum off: nothing else changes the tables between two runs.
    const options = ['-D', this.data, '-p', String(this.port), '-c', 'listen_addresses=127.0.0.1'];
    options.push('-c', 'unix_socket_directories=', '-c', 'autovacuum=off', '-c', 'jit=off');
    const command = [join(this.bin, 'postgres'), ...options];
    const valgrind = ['valgrind', '--tool=callgrind', `--callgrind-out-file=${join(this.dir, 'cg.%p')}`];
    const [program, args] = asServerUser(counted ? [...valgrind, ...command] : command);
    this.log = '';
    this.server = spawn(program, args, { cwd: this.dir, stdio: ['ignore', 'ignore', 'pipe'] });
    this.server.stderr.on('data', (chunk) => (this.log = (this.log + chunk).slice(-4000)));
    this.exited = new Promise((resolve) => this.server.once('exit', resolve));
    try {
      await waitForServer(this.url, counted ? 300 : 60);
    } catch (error) {
      throw new Error(`${error.message}:\n${this.log}`, { cause: error });
    }
  }

  async stop() {
    if (!this.server) return;
    // A fast shutdown (pg_ctl signals the postmaster itself, not runuser): each backend writes its counts as it ends.
    run([join(this.bin, 'pg_ctl'), '-D', this.data, '-m', 'fast', '-w', '-t', '300', 'stop'], this.dir);
    await this.exited;
    this.server = null;
  }

  /** The instructions the backend `pid` executed, once it has ended and written them. */
  async instructions(pid) {
    const file = join(this.dir, `cg.${pid}`);
    for (const deadline = Date.now() + 120_000; Date.now() < deadline;) {
      const totals = existsSync(file) && /^totals:\s+(\d+)/m.exec(readFileSync(file, 'utf8'));
      if (totals) return Number(totals[1]);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`no callgrind counts for backend ${pid}`);
  }

  destroy() {
    if (process.env.BENCH_KEEP_COUNTS === '1') {
      console.log(`# counts kept in ${this.dir}`);
      return;
    }
    if (this.server) {
      try {
        run([join(this.bin, 'pg_ctl'), '-D', this.data, '-m', 'immediate', 'stop'], this.dir);
      } catch {
        // not running
      }
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Instructions PostgreSQL spends on one `transaction`: a long run's count less a short one's. */
async function perTransaction(pg, transaction) {
  const counts = [];
  for (const n of [SHORT, LONG]) {
    const client = new Client({ connectionString: pg.url });
    await client.connect();
    const { rows } = await client.query('SELECT pg_backend_pid() AS pid');
    for (let i = 0; i < WARM_UP + n; i++) await transaction(client);
    await client.end();
    counts.push(await pg.instructions(rows[0].pid));
    step(`${n} transactions: backend ${rows[0].pid}`);
  }
  return (counts[1] - counts[0]) / (LONG - SHORT);
}

async function main() {
  const bin = postgresBin();
  const valgrind = spawnSync('valgrind', ['--version'], { encoding: 'utf8' });
  if (!bin || valgrind.status !== 0) {
    console.log(
      '# bench/idempotency-instructions skipped: needs valgrind and a Debian PostgreSQL (/usr/lib/postgresql)',
    );
    return;
  }
  const pg = new CountedPostgres(bin);
  try {
    await pg.init();
    step('initdb done');
    await pg.start(false);
    step('started');
    const tokens = await prepare(pg.url);
    step('prepared');
    await pg.stop();
    step('stopped');
    await pg.start(true);
    step('started under callgrind');
    const runs = Object.entries(transactions(tokens));
    console.log(
      `# bench/idempotency-instructions: PostgreSQL ${bin.split('/').at(-2)} backends under callgrind (${valgrind.stdout.trim()}), ` +
        `${LONG} less ${SHORT} transactions of each kind after ${WARM_UP} to warm up, the transaction of POST /users (one row)`,
    );
    const counts = [];
    for (const [name, transaction] of runs) counts.push([name, await perTransaction(pg, transaction)]);
    const base = counts[0][1];
    const k = (x) => `${(x / 1000).toFixed(1)}k`;
    console.log('| transaction | instructions per transaction | more than without key | cost |');
    console.log('|---|---|---|---|');
    for (const [name, count] of counts) {
      console.log(`| ${name} | ${k(count)} | ${k(count - base)} | ${((count / base - 1) * 100).toFixed(1)} % |`);
    }
    await pg.stop();
  } finally {
    pg.destroy();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
