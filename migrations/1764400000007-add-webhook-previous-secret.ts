import { type MigrationInterface, type QueryRunner, TableColumn } from 'typeorm';
import { portableTypes } from './portable-types';

/** rotate-secret keeps the previous secret signing for an overlap window (Standard Webhooks multi-signature). */
export class AddWebhookPreviousSecret1764400000007 implements MigrationInterface {
  name = 'AddWebhookPreviousSecret1764400000007';

  async up(queryRunner: QueryRunner): Promise<void> {
    const t = portableTypes(queryRunner);
    await queryRunner.addColumns('webhooks', [
      new TableColumn({ name: 'previous_secret', type: 'varchar', length: '100', isNullable: true }),
      new TableColumn({ name: 'previous_secret_expires_at', type: t.timestamp, isNullable: true }),
    ]);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn('webhooks', 'previous_secret_expires_at');
    await queryRunner.dropColumn('webhooks', 'previous_secret');
  }
}
