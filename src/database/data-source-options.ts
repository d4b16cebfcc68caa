import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { DataSourceOptions } from 'typeorm';
import type { AppConfig } from '../config/app-config';
import { SnakeNamingStrategy } from './snake-naming.strategy';
import { registerUnicodeLower, type SqliteFunctions } from './unicode-lower';

/** What the database holds: every entity, and every migration in order (given by the app). */
export interface DatabaseSchema {
  entities: NonNullable<DataSourceOptions['entities']>;
  migrations: NonNullable<DataSourceOptions['migrations']>;
}

/** The one place TypeORM options are built: used by the app, the CLI and the tests. */
export function buildDataSourceOptions(config: AppConfig, schema: DatabaseSchema): DataSourceOptions {
  const common = {
    entities: schema.entities,
    migrations: schema.migrations,
    migrationsTableName: 'typeorm_migrations',
    synchronize: false,
    migrationsRun: false,
    // Each migration in its own transaction, unless it opts out (CREATE INDEX CONCURRENTLY): the
    // default, one transaction for all, refuses a migration that opts out.
    migrationsTransactionMode: 'each',
    namingStrategy: new SnakeNamingStrategy(),
    logging: false,
  } as const;
  const db = config.database;
  if (db.kind === 'postgres') {
    return {
      ...common,
      type: 'postgres',
      url: db.url,
      extra: {
        max: 10,
        // Bounded waits: connecting, waiting for a pooled client and each query.
        connectionTimeoutMillis: db.timeoutMs,
        query_timeout: db.timeoutMs,
        statement_timeout: db.timeoutMs,
        idleTimeoutMillis: 30_000,
      },
    };
  }
  if (db.path !== ':memory:') mkdirSync(dirname(db.path), { recursive: true });
  return {
    ...common,
    type: 'better-sqlite3',
    database: db.path,
    timeout: db.timeoutMs,
    // Prepared statements kept (FIFO): the app's fixed statements plus IN-lists of every length.
    statementCacheSize: 500,
    prepareDatabase: (sqlite: SqliteFunctions & { pragma(sql: string): unknown }) => {
      sqlite.pragma('journal_mode = WAL');
      sqlite.pragma('foreign_keys = ON');
      sqlite.pragma(`busy_timeout = ${db.timeoutMs}`);
      sqlite.pragma('synchronous = NORMAL');
      registerUnicodeLower(sqlite);
    },
  };
}
