import { type MigrationInterface, type QueryRunner, Table, TableColumn } from 'typeorm';

/**
 * Stored responses move out of idempotency_keys into their own append-only table, so storing one is
 * an insert. On PostgreSQL the store's writes are one prepared statement, planned once per
 * connection: an insert has no access path to choose, where an update of a record by id planned
 * while the table was small would keep scanning it as it grows (until the next ANALYZE, never
 * without autovacuum). A record whose response exists is what was `completed` before.
 */
export class IdempotencyResponses1764400000009 implements MigrationInterface {
  name = 'IdempotencyResponses1764400000009';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'idempotency_responses',
        columns: [
          { name: 'record_id', type: 'integer', isPrimary: true },
          { name: 'status', type: 'integer' },
          { name: 'body', type: 'text' },
        ],
      }),
    );
    await queryRunner.query(
      `INSERT INTO idempotency_responses (record_id, status, body) ` +
        `SELECT id, response_status, response_body FROM idempotency_keys ` +
        `WHERE state = 'completed' AND response_status IS NOT NULL AND response_body IS NOT NULL`,
    );
    await queryRunner.query(`UPDATE idempotency_keys SET state = 'committed' WHERE state = 'completed'`);
    await queryRunner.dropColumn('idempotency_keys', 'response_body');
    await queryRunner.dropColumn('idempotency_keys', 'response_status');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumn(
      'idempotency_keys',
      new TableColumn({ name: 'response_status', type: 'integer', isNullable: true }),
    );
    await queryRunner.addColumn(
      'idempotency_keys',
      new TableColumn({ name: 'response_body', type: 'text', isNullable: true }),
    );
    const response = (column: string) =>
      `(SELECT r.${column} FROM idempotency_responses r WHERE r.record_id = idempotency_keys.id)`;
    await queryRunner.query(
      `UPDATE idempotency_keys SET state = 'completed', response_status = ${response('status')}, ` +
        `response_body = ${response('body')} WHERE id IN (SELECT record_id FROM idempotency_responses)`,
    );
    await queryRunner.dropTable('idempotency_responses');
  }
}
