import type { QueryRunner } from 'typeorm';
import { type PortableTypes, typesFor } from '../src/database/column-types';

/** Column types for the driver the migration runs on, identical to the entities' choice. */
export function portableTypes(queryRunner: QueryRunner): { timestamp: string; json: string } {
  const types: PortableTypes = typesFor(queryRunner.connection.options.type === 'postgres' ? 'postgres' : 'sqlite');
  return { timestamp: String(types.timestamp), json: String(types.json) };
}
