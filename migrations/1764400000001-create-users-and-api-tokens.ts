import { type MigrationInterface, type QueryRunner, Table, TableForeignKey, TableIndex } from 'typeorm';
import { portableTypes } from './portable-types';

export class CreateUsersAndApiTokens1764400000001 implements MigrationInterface {
  name = 'CreateUsersAndApiTokens1764400000001';

  async up(queryRunner: QueryRunner): Promise<void> {
    const t = portableTypes(queryRunner);
    await queryRunner.createTable(
      new Table({
        name: 'users',
        columns: [
          { name: 'id', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' },
          { name: 'username', type: 'varchar', length: '80', isUnique: true },
          { name: 'email', type: 'varchar', length: '255', isNullable: true },
          { name: 'full_name', type: 'varchar', length: '200', isNullable: true },
          { name: 'role', type: 'varchar', length: '20', default: "'user'" },
          { name: 'is_active', type: 'boolean', default: t.true },
          { name: 'timezone', type: 'varchar', length: '64', default: "'UTC'" },
          { name: 'created_at', type: t.timestamp },
          { name: 'updated_at', type: t.timestamp },
          { name: 'last_login_at', type: t.timestamp, isNullable: true },
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'api_tokens',
        columns: [
          { name: 'id', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' },
          { name: 'name', type: 'varchar', length: '200' },
          { name: 'description', type: 'text', isNullable: true },
          { name: 'user_id', type: 'integer' },
          { name: 'scopes', type: 'text' },
          { name: 'token_hash', type: 'varchar', length: '64', isUnique: true },
          { name: 'token_prefix', type: 'varchar', length: '16' },
          { name: 'ip_allowlist', type: 'text', isNullable: true },
          { name: 'is_active', type: 'boolean', default: t.true },
          { name: 'usage_count', type: 'integer', default: 0 },
          { name: 'created_at', type: t.timestamp },
          { name: 'expires_at', type: t.timestamp, isNullable: true },
          { name: 'last_used_at', type: t.timestamp, isNullable: true },
          { name: 'revoked_at', type: t.timestamp, isNullable: true },
        ],
      }),
    );
    await queryRunner.createIndex(
      'api_tokens',
      new TableIndex({ name: 'idx_api_tokens_user_id', columnNames: ['user_id'] }),
    );
    await queryRunner.createForeignKey(
      'api_tokens',
      new TableForeignKey({
        columnNames: ['user_id'],
        referencedTableName: 'users',
        referencedColumnNames: ['id'],
        onDelete: 'CASCADE',
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('api_tokens', true, true, true);
    await queryRunner.dropTable('users');
  }
}
