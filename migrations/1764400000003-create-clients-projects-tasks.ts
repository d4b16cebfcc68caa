import { type MigrationInterface, type QueryRunner, Table } from 'typeorm';
import { portableTypes } from './portable-types';

const id = {
  name: 'id',
  type: 'integer',
  isPrimary: true,
  isGenerated: true,
  generationStrategy: 'increment' as const,
};
const money = (name: string, precision = 12) => ({ name, type: 'decimal', precision, scale: 2, isNullable: true });

export class CreateClientsProjectsTasks1764400000003 implements MigrationInterface {
  name = 'CreateClientsProjectsTasks1764400000003';

  async up(queryRunner: QueryRunner): Promise<void> {
    const t = portableTypes(queryRunner);
    const stamps = [
      { name: 'created_at', type: t.timestamp },
      { name: 'updated_at', type: t.timestamp },
    ];
    await queryRunner.createTable(
      new Table({
        name: 'clients',
        columns: [
          id,
          { name: 'name', type: 'varchar', length: '200' },
          { name: 'email', type: 'varchar', length: '255', isNullable: true },
          { name: 'company', type: 'varchar', length: '200', isNullable: true },
          { name: 'phone', type: 'varchar', length: '50', isNullable: true },
          { name: 'address', type: 'text', isNullable: true },
          { name: 'contact_person', type: 'varchar', length: '200', isNullable: true },
          { name: 'description', type: 'text', isNullable: true },
          money('default_hourly_rate'),
          { name: 'status', type: 'varchar', length: '20', default: "'active'" },
          ...stamps,
        ],
        uniques: [{ name: 'uq_clients_name', columnNames: ['name'] }],
        indices: [{ name: 'idx_clients_status', columnNames: ['status'] }],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'projects',
        columns: [
          id,
          { name: 'name', type: 'varchar', length: '200' },
          { name: 'description', type: 'text', isNullable: true },
          { name: 'client_id', type: 'integer', isNullable: true },
          { name: 'code', type: 'varchar', length: '20', isNullable: true },
          { name: 'billable', type: 'boolean', default: t.true },
          money('hourly_rate'),
          money('estimated_hours'),
          money('budget_amount', 14),
          { name: 'color', type: 'varchar', length: '7', isNullable: true },
          { name: 'status', type: 'varchar', length: '20', default: "'active'" },
          { name: 'archived_at', type: t.timestamp, isNullable: true },
          ...stamps,
        ],
        uniques: [{ name: 'uq_projects_code', columnNames: ['code'] }],
        indices: [
          { name: 'idx_projects_status_name', columnNames: ['status', 'name'] },
          { name: 'idx_projects_client_id', columnNames: ['client_id'] },
        ],
        foreignKeys: [
          {
            name: 'fk_projects_client_id',
            columnNames: ['client_id'],
            referencedTableName: 'clients',
            referencedColumnNames: ['id'],
            onDelete: 'RESTRICT',
          },
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'tasks',
        columns: [
          id,
          { name: 'project_id', type: 'integer' },
          { name: 'name', type: 'varchar', length: '200' },
          { name: 'description', type: 'text', isNullable: true },
          { name: 'status', type: 'varchar', length: '20', default: "'todo'" },
          { name: 'priority', type: 'smallint', default: 2 },
          { name: 'assigned_to', type: 'integer', isNullable: true },
          { name: 'due_date', type: 'date', isNullable: true },
          money('estimated_hours'),
          { name: 'completed_at', type: t.timestamp, isNullable: true },
          ...stamps,
        ],
        indices: [
          { name: 'idx_tasks_project_id', columnNames: ['project_id'] },
          { name: 'idx_tasks_status', columnNames: ['status'] },
          { name: 'idx_tasks_assigned_to', columnNames: ['assigned_to'] },
          { name: 'idx_tasks_order', columnNames: ['priority', 'due_date', 'id'] },
        ],
        foreignKeys: [
          {
            name: 'fk_tasks_project_id',
            columnNames: ['project_id'],
            referencedTableName: 'projects',
            referencedColumnNames: ['id'],
            onDelete: 'RESTRICT',
          },
          {
            name: 'fk_tasks_assigned_to',
            columnNames: ['assigned_to'],
            referencedTableName: 'users',
            referencedColumnNames: ['id'],
            onDelete: 'SET NULL',
          },
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('tasks', true, true, true);
    await queryRunner.dropTable('projects', true, true, true);
    await queryRunner.dropTable('clients', true, true, true);
  }
}
