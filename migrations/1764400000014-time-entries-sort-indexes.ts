import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Index name -> its definition on time_entries. */
type Indexes = ReadonlyArray<readonly [string, string]>;

/**
 * The list's sorts besides start_time (issue 47), each as (field, id) for an admin's list over
 * everyone's entries and (user_id, field, id) for one user's: the page, and the page after a
 * cursor, are a range of the index, read in order, however many entries there are.
 */
const ADDED: Indexes = [
  ['idx_time_entries_user_sort_end', '("user_id", "end_time", "id")'],
  ['idx_time_entries_sort_end', '("end_time", "id")'],
  ['idx_time_entries_user_sort_duration', '("user_id", "duration_seconds", "id")'],
  ['idx_time_entries_sort_duration', '("duration_seconds", "id")'],
  ['idx_time_entries_user_sort_project', '("user_id", "project_id", "id")'],
  ['idx_time_entries_sort_project', '("project_id", "id")'],
];

/** A day: CREATE INDEX on a big table outlasts the pool's per-query timeout (DB_TIMEOUT_MS) by far. */
const LONG_STATEMENT_MS = 86_400_000;

/**
 * Indexes behind `sort` on the time-entry list (issue 47).
 *
 * As in TimeEntriesKeysetIndexes1764400000012: PostgreSQL builds them CONCURRENTLY (writes to
 * time_entries go on during the build), hence `transaction = false`; a failed build leaves an
 * INVALID index that a rerun drops and builds again, and valid ones are skipped. SQLite builds
 * them plainly. `down` runs inside a transaction, so there PostgreSQL drops them plainly.
 */
export class TimeEntriesSortIndexes1764400000014 implements MigrationInterface {
  name = 'TimeEntriesSortIndexes1764400000014';
  transaction = false;

  async up(queryRunner: QueryRunner): Promise<void> {
    await swap(queryRunner, ADDED, []);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await swap(queryRunner, [], ADDED);
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
