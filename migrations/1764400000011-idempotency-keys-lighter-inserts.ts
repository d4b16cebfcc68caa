import { type MigrationInterface, type QueryRunner, TableForeignKey } from 'typeorm';

/**
 * Every keyed request inserts a record, so what an insert maintains besides the row is paid on the
 * hot path. The foreign key to api_tokens made each insert look up and lock its token's row; it
 * only deleted a token's records with it, and token ids are never reused, so a deleted token's
 * records match no request and go with the purge (24 h). On PostgreSQL the expires_at index, which
 * only the purge reads, becomes BRIN: records are inserted in expiry order, so a summary per block
 * range serves the purge, and an insert rarely touches the index at all. pgbench, the claim with
 * POST /users' one-row transaction (2026-11-30): the record cost 87 % of that transaction, 79 %
 * without the foreign key, 74 % also with BRIN. SQLite keeps its B-tree (it has no BRIN) and drops
 * the foreign key by rebuilding the table, as TypeORM does there.
 */
export class IdempotencyKeysLighterInserts1764400000011 implements MigrationInterface {
  name = 'IdempotencyKeysLighterInserts1764400000011';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropForeignKey('idempotency_keys', 'fk_idempotency_keys_token_id');
    if (queryRunner.connection.options.type !== 'postgres') return;
    await queryRunner.query('DROP INDEX idx_idempotency_keys_expires_at');
    await queryRunner.query('CREATE INDEX idx_idempotency_keys_expires_at ON idempotency_keys USING brin (expires_at)');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    if (queryRunner.connection.options.type === 'postgres') {
      await queryRunner.query('DROP INDEX idx_idempotency_keys_expires_at');
      await queryRunner.query('CREATE INDEX idx_idempotency_keys_expires_at ON idempotency_keys (expires_at)');
    }
    // Records of tokens deleted meanwhile would violate the key.
    await queryRunner.query('DELETE FROM idempotency_keys WHERE token_id NOT IN (SELECT id FROM api_tokens)');
    await queryRunner.createForeignKey(
      'idempotency_keys',
      new TableForeignKey({
        name: 'fk_idempotency_keys_token_id',
        columnNames: ['token_id'],
        referencedTableName: 'api_tokens',
        referencedColumnNames: ['id'],
        onDelete: 'CASCADE',
      }),
    );
  }
}
