import type { QueryRunner } from 'typeorm';
import { typesFor } from '../src/database/column-types';

export interface MigrationTypes {
  timestamp: string;
  json: string;
  /** Boolean defaults as each driver's schema reader reports them (SQLite stores 1/0). */
  true: string;
  false: string;
}

/** Column types for the driver the migration runs on, identical to the entities' choice. */
export function portableTypes(queryRunner: QueryRunner): MigrationTypes {
  const isPostgres = queryRunner.connection.options.type === 'postgres';
  const types = typesFor(isPostgres ? 'postgres' : 'sqlite');
  return {
    timestamp: String(types.timestamp),
    json: String(types.json),
    true: isPostgres ? 'true' : '1',
    false: isPostgres ? 'false' : '0',
  };
}
