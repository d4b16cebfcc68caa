import type { ColumnType } from 'typeorm';
import { databaseKindFromEnv } from '../config/app-config';

// Entity decorators run at import time, so the driver-specific types are chosen then.
// Migrations use the same helpers through `portableTypes(queryRunner)`.
const kind = databaseKindFromEnv();

export type PortableTypes = { timestamp: ColumnType; json: ColumnType };

export function typesFor(driver: 'sqlite' | 'postgres'): PortableTypes {
  return driver === 'postgres'
    ? { timestamp: 'timestamptz', json: 'jsonb' }
    : { timestamp: 'datetime', json: 'simple-json' };
}

export const columnTypes: PortableTypes = typesFor(kind);
