import { type MigrationInterface, type QueryRunner, Table } from 'typeorm';
import { portableTypes } from './portable-types';

export class CreateTimeEntries1764400000004 implements MigrationInterface {
  name = 'CreateTimeEntries1764400000004';

  async up(queryRunner: QueryRunner): Promise<void> {
    const t = portableTypes(queryRunner);
    const fk = (column: string, table: string, onDelete: string) => ({
      name: `fk_time_entries_${column}`,
      columnNames: [column],
      referencedTableName: table,
      referencedColumnNames: ['id'],
      onDelete,
    });
    await queryRunner.createTable(
      new Table({
        name: 'time_entries',
        columns: [
          { name: 'id', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' },
          { name: 'user_id', type: 'integer' },
          { name: 'project_id', type: 'integer', isNullable: true },
          { name: 'client_id', type: 'integer', isNullable: true },
          { name: 'task_id', type: 'integer', isNullable: true },
          { name: 'start_time', type: t.timestamp },
          { name: 'end_time', type: t.timestamp, isNullable: true },
          { name: 'duration_seconds', type: 'integer', isNullable: true },
          { name: 'notes', type: 'text', isNullable: true },
          { name: 'tags', type: 'varchar', length: '500', isNullable: true },
          { name: 'source', type: 'varchar', length: '10', default: "'manual'" },
          { name: 'billable', type: 'boolean', default: t.true },
          { name: 'paid', type: 'boolean', default: t.false },
          { name: 'invoice_number', type: 'varchar', length: '100', isNullable: true },
          { name: 'created_at', type: t.timestamp },
          { name: 'updated_at', type: t.timestamp },
        ],
        indices: [
          { name: 'idx_time_entries_user_start', columnNames: ['user_id', 'start_time'] },
          { name: 'idx_time_entries_project_start', columnNames: ['project_id', 'start_time'] },
          { name: 'idx_time_entries_start', columnNames: ['start_time'] },
          { name: 'uq_time_entries_running_user', columnNames: ['user_id'], isUnique: true, where: 'end_time IS NULL' },
        ],
        foreignKeys: [
          fk('user_id', 'users', 'RESTRICT'),
          fk('project_id', 'projects', 'RESTRICT'),
          fk('client_id', 'clients', 'RESTRICT'),
          fk('task_id', 'tasks', 'SET NULL'),
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('time_entries', true, true, true);
  }
}
