import type { Pool } from 'pg';
import type { DataSource } from 'typeorm';

/** The pg pool behind TypeORM's PostgreSQL driver (its `master`); undefined on SQLite or before it connects. */
export function postgresPool(dataSource: DataSource): Pool | undefined {
  if (dataSource.options.type !== 'postgres') return undefined;
  return (dataSource.driver as unknown as { master?: Pool }).master;
}
