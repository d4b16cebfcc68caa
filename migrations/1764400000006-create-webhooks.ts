import { type MigrationInterface, type QueryRunner, Table } from 'typeorm';
import { portableTypes } from './portable-types';

const id = {
  name: 'id',
  type: 'integer',
  isPrimary: true,
  isGenerated: true,
  generationStrategy: 'increment' as const,
};
const int = (name: string, value: number) => ({ name, type: 'integer', default: value });

export class CreateWebhooks1764400000006 implements MigrationInterface {
  name = 'CreateWebhooks1764400000006';

  async up(queryRunner: QueryRunner): Promise<void> {
    const t = portableTypes(queryRunner);
    await queryRunner.createTable(
      new Table({
        name: 'webhooks',
        columns: [
          id,
          { name: 'user_id', type: 'integer' },
          { name: 'name', type: 'varchar', length: '200' },
          { name: 'description', type: 'text', isNullable: true },
          { name: 'url', type: 'varchar', length: '500' },
          { name: 'secret', type: 'varchar', length: '100' },
          { name: 'events', type: 'text' },
          { name: 'is_active', type: 'boolean', default: t.true },
          int('max_retries', 5),
          int('timeout_seconds', 10),
          int('total_deliveries', 0),
          int('successful_deliveries', 0),
          int('failed_deliveries', 0),
          { name: 'last_delivery_at', type: t.timestamp, isNullable: true },
          { name: 'created_at', type: t.timestamp },
          { name: 'updated_at', type: t.timestamp },
        ],
        indices: [{ name: 'idx_webhooks_user_id', columnNames: ['user_id'] }],
        foreignKeys: [
          {
            name: 'fk_webhooks_user_id',
            columnNames: ['user_id'],
            referencedTableName: 'users',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
          },
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'webhook_events',
        columns: [
          id,
          { name: 'event_id', type: 'varchar', length: '40' },
          { name: 'event_type', type: 'varchar', length: '50' },
          { name: 'payload', type: 'text' },
          { name: 'created_at', type: t.timestamp },
          { name: 'dispatched_at', type: t.timestamp, isNullable: true },
        ],
        uniques: [{ name: 'uq_webhook_events_event_id', columnNames: ['event_id'] }],
        indices: [{ name: 'idx_webhook_events_dispatched', columnNames: ['dispatched_at', 'id'] }],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'webhook_deliveries',
        columns: [
          id,
          { name: 'webhook_id', type: 'integer' },
          { name: 'event_id', type: 'varchar', length: '40' },
          { name: 'event_type', type: 'varchar', length: '50' },
          { name: 'payload', type: 'text' },
          { name: 'status', type: 'varchar', length: '10' },
          int('attempts', 0),
          { name: 'next_attempt_at', type: t.timestamp },
          { name: 'locked_until', type: t.timestamp, isNullable: true },
          { name: 'response_status', type: 'integer', isNullable: true },
          { name: 'response_body', type: 'text', isNullable: true },
          { name: 'error_message', type: 'varchar', length: '500', isNullable: true },
          { name: 'duration_ms', type: 'integer', isNullable: true },
          { name: 'created_at', type: t.timestamp },
          { name: 'last_attempt_at', type: t.timestamp, isNullable: true },
        ],
        indices: [
          { name: 'idx_webhook_deliveries_due', columnNames: ['status', 'next_attempt_at'] },
          { name: 'idx_webhook_deliveries_webhook', columnNames: ['webhook_id', 'id'] },
        ],
        foreignKeys: [
          {
            name: 'fk_webhook_deliveries_webhook_id',
            columnNames: ['webhook_id'],
            referencedTableName: 'webhooks',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
          },
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of ['webhook_deliveries', 'webhook_events', 'webhooks'])
      {await queryRunner.dropTable(table, true, true, true);}
  }
}
