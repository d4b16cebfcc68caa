import type { MigrationInterface, QueryRunner } from 'typeorm';
import { portableTypes } from './portable-types';

/**
 * Timer pauses and breaks (contract §12): when a running entry was paused (null unless paused) and
 * the seconds of break inside its span. duration_seconds stays the worked time, so the totals the
 * triggers of migration 13 keep, and every report, count worked time without a change. Existing
 * rows have no break. Adding a column with a constant default rewrites no rows on either database.
 */
export class TimeEntryBreaks1764400000017 implements MigrationInterface {
  name = 'TimeEntryBreaks1764400000017';

  async up(queryRunner: QueryRunner): Promise<void> {
    const types = portableTypes(queryRunner);
    await queryRunner.query(`ALTER TABLE "time_entries" ADD COLUMN "paused_at" ${types.timestamp}`);
    await queryRunner.query(`ALTER TABLE "time_entries" ADD COLUMN "break_seconds" integer NOT NULL DEFAULT 0`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "time_entries" DROP COLUMN "break_seconds"`);
    await queryRunner.query(`ALTER TABLE "time_entries" DROP COLUMN "paused_at"`);
  }
}
