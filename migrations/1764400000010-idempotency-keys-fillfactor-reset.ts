import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * PostgreSQL: idempotency_keys pages fill up again. Migration 8 left half of each page free for
 * the two updates every keyed request used to make to its record; since migration 9 and the claim
 * inside the business transaction, a record is inserted `committed` and its response goes to
 * idempotency_responses, so only a rare takeover updates one. The free half only doubled the
 * table (24 h of records) and the pages that each checkpoint's first insert copies into the WAL.
 * Existing pages keep their layout until rewritten; new ones fill. SQLite has no such setting.
 */
export class IdempotencyKeysFillfactorReset1764400000010 implements MigrationInterface {
  name = 'IdempotencyKeysFillfactorReset1764400000010';

  async up(queryRunner: QueryRunner): Promise<void> {
    if (queryRunner.connection.options.type !== 'postgres') return;
    await queryRunner.query('ALTER TABLE idempotency_keys RESET (fillfactor)');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    if (queryRunner.connection.options.type !== 'postgres') return;
    await queryRunner.query('ALTER TABLE idempotency_keys SET (fillfactor = 50)');
  }
}
