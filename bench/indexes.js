'use strict';
/**
 * What the optional indexes of time_entries cost each write (issue 45): time_entries has 11
 * secondary indexes; 8 of them serve only `sort` (migration 14) and `updated_since` (migration 15).
 * Single-row INSERTs, as each `POST /time-entries` makes, timed with and without those 8, rounds
 * alternating, on a 1M-entry data set (the indexes' depth grows with the table). The rows are
 * deleted again between rounds, untimed.
 *
 *   npm run bench -- indexes            (BENCH_DATABASES=postgres for one; BENCH_ROUNDS)
 */
const { Pool } = require('pg');
const { dataSet, runOnDatabases } = require('./data-set');
const { compare, f1, ratioCells, SMOKE } = require('./support');

const ENTRIES = SMOKE ? 2_000 : Number(process.env.BENCH_ENTRIES ?? 1_000_000);
const ROUNDS = SMOKE ? 1 : Number(process.env.BENCH_ROUNDS ?? 8);
const ROWS = SMOKE ? 50 : 2_000;

/** The indexes only `sort` and `updated_since` use: name and columns. */
const OPTIONAL = [
  ['idx_time_entries_user_sort_end', '(user_id, end_time, id)'],
  ['idx_time_entries_sort_end', '(end_time, id)'],
  ['idx_time_entries_user_sort_duration', '(user_id, duration_seconds, id)'],
  ['idx_time_entries_sort_duration', '(duration_seconds, id)'],
  ['idx_time_entries_user_sort_project', '(user_id, project_id, id)'],
  ['idx_time_entries_sort_project', '(project_id, id)'],
  ['idx_time_entries_user_updated', '(user_id, updated_at)'],
  ['idx_time_entries_updated', '(updated_at)'],
];

/** One database's statements: run a statement, and time ROWS single-row inserts in one transaction (µs per row). */
function driver(db) {
  if (db.kind === 'postgres') {
    const pool = new Pool({ connectionString: db.url, max: 1 });
    const insert = `INSERT INTO time_entries (user_id, project_id, client_id, start_time, end_time, duration_seconds,
        break_seconds, notes, source, billable, paid, created_at, updated_at)
      VALUES (2, 1, 2, timestamptz '2030-01-01' + $1::int * interval '2 hours',
        timestamptz '2030-01-01' + ($1::int * 2 + 1) * interval '1 hour', 3600, 0, '${NOTE}', 'manual', true, false,
        now(), now())`;
    return {
      exec: (sql) => pool.query(sql),
      insertRows: async () => {
        const client = await pool.connect();
        try {
          const started = process.hrtime.bigint();
          await client.query('BEGIN');
          for (let i = 0; i < ROWS; i++) await client.query({ name: 'insert', text: insert, values: [i] });
          await client.query('COMMIT');
          return Number(process.hrtime.bigint() - started) / 1e3 / ROWS;
        } finally {
          client.release();
        }
      },
      close: () => pool.end(),
    };
  }
  const Database = require('better-sqlite3');
  const sqlite = new Database(db.file);
  // As the app stores timestamps on SQLite (the seed writes them the same way).
  const at = (hours) => `strftime('%Y-%m-%d %H:%M:%f', '2030-01-01', '+' || (${hours}) || ' hours')`;
  const now = "strftime('%Y-%m-%d %H:%M:%f', 'now')";
  const insert = sqlite.prepare(
    `INSERT INTO time_entries (user_id, project_id, client_id, start_time, end_time, duration_seconds, break_seconds,
       notes, source, billable, paid, created_at, updated_at)
     VALUES (2, 1, 2, ${at('? * 2')}, ${at('? * 2 + 1')}, 3600, 0, '${NOTE}', 'manual', 1, 0, ${now}, ${now})`,
  );
  const rows = sqlite.transaction(() => {
    for (let i = 0; i < ROWS; i++) insert.run(i, i);
  });
  return {
    exec: async (sql) => sqlite.exec(sql),
    insertRows: async () => {
      const started = process.hrtime.bigint();
      rows();
      return Number(process.hrtime.bigint() - started) / 1e3 / ROWS;
    },
    close: async () => sqlite.close(),
  };
}

/** Marks the rows this bench inserts (hours of bench user 1 in 2030, after every seeded entry). */
const NOTE = 'bench insert';

async function suite(kind) {
  const db = await dataSet(kind, ENTRIES);
  if (!db) return console.log(`# bench/indexes on ${kind}: skipped (not reachable)`);
  const run = driver(db);
  const clean = () => run.exec(`DELETE FROM time_entries WHERE notes = '${NOTE}'`);
  const arm = (withOptional) => async () => {
    for (const [name, columns] of OPTIONAL) {
      await run.exec(
        withOptional ? `CREATE INDEX IF NOT EXISTS ${name} ON time_entries ${columns}` : `DROP INDEX IF EXISTS ${name}`,
      );
    }
    await clean();
    return run.insertRows();
  };
  try {
    const result = await compare(ROUNDS, arm(false), arm(true));
    const ratios = result.pairs.map(([without, withAll]) => withAll / without);
    const [ratio, interval] = ratioCells(ratios);
    console.log(
      `\n# bench/indexes on ${kind === 'postgres' ? 'PostgreSQL' : 'SQLite'}: ${ENTRIES.toLocaleString('en')} entries; ` +
        `${ROWS} single-row INSERTs per round in one transaction, ${ROUNDS} alternating pairs${SMOKE ? ' (smoke)' : ''}`,
    );
    console.log('| time_entries indexes | µs per INSERT (p50 of rounds) |');
    console.log('|---|---|');
    console.log(`| without the 8 for sort and updated_since | ${f1(result.baseline)} |`);
    console.log(`| all of them (as migrated) | ${f1(result.subject)} |`);
    console.log(`with / without: ${ratio} (95 % interval ${interval})`);
  } finally {
    await arm(true)();
    await clean();
    await run.close();
    await db.drop();
  }
}

runOnDatabases(suite);
