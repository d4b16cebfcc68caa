import { type MigrationInterface, type QueryRunner, Table } from 'typeorm';
import { portableTypes } from './portable-types';

export class CreateIdempotencyKeys1764400000002 implements MigrationInterface {
  name = 'CreateIdempotencyKeys1764400000002';

  async up(queryRunner: QueryRunner): Promise<void> {
    const t = portableTypes(queryRunner);
    await queryRunner.createTable(
      new Table({
        name: 'idempotency_keys',
        columns: [
          { name: 'id', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' },
          { name: 'token_id', type: 'integer' },
          { name: 'key', type: 'varchar', length: '128' },
          { name: 'fingerprint', type: 'varchar', length: '64' },
          { name: 'state', type: 'varchar', length: '16' },
          { name: 'response_status', type: 'integer', isNullable: true },
          { name: 'response_body', type: 'text', isNullable: true },
          { name: 'locked_until', type: t.timestamp },
          { name: 'created_at', type: t.timestamp },
          { name: 'expires_at', type: t.timestamp },
        ],
        uniques: [{ name: 'uq_idempotency_keys_token_key', columnNames: ['token_id', 'key'] }],
        indices: [{ name: 'idx_idempotency_keys_expires_at', columnNames: ['expires_at'] }],
        foreignKeys: [
          {
            name: 'fk_idempotency_keys_token_id',
            columnNames: ['token_id'],
            referencedTableName: 'api_tokens',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
          },
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('idempotency_keys', true, true, true);
  }
}
