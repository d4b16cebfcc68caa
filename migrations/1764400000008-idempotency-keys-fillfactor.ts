import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * PostgreSQL: every keyed request updates its record twice (committed, then completed). With free
 * room left on each page those updates stay on the page (HOT) and touch none of the three indexes.
 * SQLite has no such setting.
 */
export class IdempotencyKeysFillfactor1764400000008 implements MigrationInterface {
  name = 'IdempotencyKeysFillfactor1764400000008';

  async up(queryRunner: QueryRunner): Promise<void> {
    if (queryRunner.connection.options.type !== 'postgres') return;
    await queryRunner.query('ALTER TABLE idempotency_keys SET (fillfactor = 50)');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    if (queryRunner.connection.options.type !== 'postgres') return;
    await queryRunner.query('ALTER TABLE idempotency_keys RESET (fillfactor)');
  }
}
