import { type MigrationInterface, type QueryRunner, Table, TableIndex } from 'typeorm';
import { portableTypes } from './portable-types';

/**
 * The changes feed (issue 48, contract §11): `changes`, one row per write, written in the write's
 * transaction, `changes_purge` (where retention purging stopped), and the indexes behind
 * `updated_since` on time entries (the other lists are small).
 */
export class ChangesFeed1764400000015 implements MigrationInterface {
  name = 'ChangesFeed1764400000015';

  async up(queryRunner: QueryRunner): Promise<void> {
    const t = portableTypes(queryRunner);
    const id = {
      name: 'id',
      type: 'integer',
      isPrimary: true,
      isGenerated: true,
      generationStrategy: 'increment' as const,
    };
    await queryRunner.createTable(
      new Table({
        name: 'changes',
        columns: [
          id,
          { name: 'txid', type: 'bigint', isNullable: true },
          { name: 'type', type: 'varchar', length: '20' },
          { name: 'resource_id', type: 'integer' },
          { name: 'action', type: 'varchar', length: '10' },
          { name: 'owner_id', type: 'integer', isNullable: true },
          { name: 'actor_id', type: 'integer', isNullable: true },
          { name: 'actor_username', type: 'varchar', length: '100', isNullable: true },
          { name: 'data', type: 'text', isNullable: true },
          { name: 'changed_at', type: t.timestamp },
        ],
        indices: [
          { name: 'idx_changes_txid', columnNames: ['txid'] },
          { name: 'idx_changes_changed_at', columnNames: ['changed_at'] },
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'changes_purge',
        columns: [
          id,
          { name: 'max_id', type: 'integer' },
          { name: 'max_txid', type: 'bigint', isNullable: true },
          { name: 'purged_at', type: t.timestamp },
        ],
      }),
    );
    await queryRunner.createIndex(
      'time_entries',
      new TableIndex({ name: 'idx_time_entries_user_updated', columnNames: ['user_id', 'updated_at'] }),
    );
    await queryRunner.createIndex(
      'time_entries',
      new TableIndex({ name: 'idx_time_entries_updated', columnNames: ['updated_at'] }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropIndex('time_entries', 'idx_time_entries_updated');
    await queryRunner.dropIndex('time_entries', 'idx_time_entries_user_updated');
    await queryRunner.dropTable('changes_purge', true, true, true);
    await queryRunner.dropTable('changes', true, true, true);
  }
}
