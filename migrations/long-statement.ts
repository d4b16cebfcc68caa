import type { QueryRunner } from 'typeorm';

/** A day: a backfill that reads a whole table outlasts the pool's client-side query timeout. */
const LONG_STATEMENT_MS = 86_400_000;

/**
 * PostgreSQL: `sql` on the runner's own connection (in its transaction), past the pool's query
 * timeout (DB_TIMEOUT_MS); pair it with `SET LOCAL statement_timeout = 0` for the server's side.
 * (Migration 13 keeps its own copy: landed migrations are not edited.)
 */
export async function longStatement(queryRunner: QueryRunner, sql: string): Promise<void> {
  const client = (await queryRunner.connect()) as {
    query(config: { text: string; query_timeout: number }): Promise<unknown>;
  };
  await client.query({ text: sql, query_timeout: LONG_STATEMENT_MS });
}
