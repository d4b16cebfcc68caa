import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Index name -> its definition on time_entries. */
type Indexes = ReadonlyArray<readonly [string, string]>;

const ADDED: Indexes = [
  // A user's list in (start_time, id) order and the keyset after a cursor; end_time makes the
  // user's count, and the overlap check for an entry far back, index-only.
  ['idx_time_entries_user_start_id', '("user_id", "start_time", "id", "end_time")'],
  // The overlap check (end_time > :start AND start_time < :end) for an entry at the present reads
  // only the few entries that end after it, from the index alone; the timer's chain too.
  ['idx_time_entries_user_end', '("user_id", "end_time", "start_time") WHERE end_time IS NOT NULL'],
  // The admin list in (start_time, id) order, without a sort of the ties; its capped count index-only.
  ['idx_time_entries_start_id', '("start_time", "id", "end_time")'],
];

// Prefixes of the two (start_time ...) indexes above: nothing needs them any more.
const DROPPED: Indexes = [
  ['idx_time_entries_user_start', '("user_id", "start_time")'],
  ['idx_time_entries_start', '("start_time")'],
];

/** A day: CREATE INDEX on a big table outlasts the pool's per-query timeout (DB_TIMEOUT_MS) by far. */
const LONG_STATEMENT_MS = 86_400_000;

/**
 * Indexes that keep the time-entry list, its count, its deep pages and the overlap check as cheap
 * at 1M entries as at 10k (issue 45).
 *
 * PostgreSQL builds them CONCURRENTLY: time_entries is the table that grows, and a plain CREATE
 * INDEX would block every write to it for as long as the build takes (seconds per million rows).
 * CONCURRENTLY cannot run in a transaction, hence `transaction = false`: each statement commits on
 * its own. A build that fails leaves an INVALID index behind; a rerun drops it and builds again,
 * and skips the valid ones, so the migration can simply be run again. The statement timeouts of the
 * app's pool are lifted for this session. SQLite builds them plainly: it has no concurrent build,
 * and locks out writers for the build (about a second per 100k rows) however it is written.
 *
 * `down` runs inside a transaction (TypeORM reverts in one), so there PostgreSQL builds plainly.
 */
export class TimeEntriesKeysetIndexes1764400000012 implements MigrationInterface {
  name = 'TimeEntriesKeysetIndexes1764400000012';
  transaction = false;

  async up(queryRunner: QueryRunner): Promise<void> {
    await swap(queryRunner, ADDED, DROPPED);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await swap(queryRunner, DROPPED, ADDED);
  }
}

/** Builds `create` (those missing or invalid), then drops `drop`. */
async function swap(queryRunner: QueryRunner, create: Indexes, drop: Indexes): Promise<void> {
  if (queryRunner.connection.options.type !== 'postgres') {
    for (const [name, definition] of create) {
      await queryRunner.query(`CREATE INDEX IF NOT EXISTS "${name}" ON "time_entries" ${definition}`);
    }
    for (const [name] of drop) await queryRunner.query(`DROP INDEX IF EXISTS "${name}"`);
    return;
  }
  const inTransaction = queryRunner.isTransactionActive;
  const concurrently = inTransaction ? '' : ' CONCURRENTLY';
  // The runner keeps one connection for the whole migration: the setting holds for what follows.
  await queryRunner.query(`SET${inTransaction ? ' LOCAL' : ''} statement_timeout = 0`);
  try {
    for (const [name, definition] of create) {
      const [state] = (await queryRunner.query(
        `SELECT indisvalid AS valid FROM pg_index WHERE indexrelid = to_regclass($1)`,
        [name],
      )) as Array<{ valid: boolean }>;
      if (state?.valid) continue;
      if (state) await long(queryRunner, `DROP INDEX${concurrently} IF EXISTS "${name}"`);
      await long(queryRunner, `CREATE INDEX${concurrently} "${name}" ON "time_entries" ${definition}`);
    }
    for (const [name] of drop) await long(queryRunner, `DROP INDEX${concurrently} IF EXISTS "${name}"`);
  } finally {
    // SET LOCAL ends with the transaction (which a failure has aborted: no statement would run).
    if (!inTransaction) await queryRunner.query('RESET statement_timeout');
  }
}

/** A statement on the runner's own connection, past the pool's client-side query timeout. */
async function long(queryRunner: QueryRunner, sql: string): Promise<void> {
  const client = (await queryRunner.connect()) as {
    query(config: { text: string; query_timeout: number }): Promise<unknown>;
  };
  await client.query({ text: sql, query_timeout: LONG_STATEMENT_MS });
}
