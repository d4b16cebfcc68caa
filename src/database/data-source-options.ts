import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DataSource, type DataSourceOptions } from 'typeorm';
import type { AppConfig } from '../config/app-config';
import { SnakeNamingStrategy } from './snake-naming.strategy';
import { bindSqliteIntegers } from './sqlite-integer-parameters';
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

/** An initialised DataSource for `options` (on SQLite with numbers bound: see bindSqliteIntegers). */
export async function openDataSource(options: DataSourceOptions): Promise<DataSource> {
  const dataSource = new DataSource(options);
  bindSqliteIntegers(dataSource);
  return dataSource.initialize();
}

/** Injection token of the DataSource that transactions and single writes run on (TransactionService). */
export const WRITER_DATA_SOURCE = Symbol('WRITER_DATA_SOURCE');

/**
 * The SQLite writer's automatic checkpoint threshold, in pages of 4 KiB (about 400 MB): only a
 * backstop should the checkpoint thread stop (SqliteCheckpointer). A 50k-row import's WAL is 67 MB.
 */
export const WRITER_AUTOCHECKPOINT_PAGES = 100_000;

/**
 * The writer for `main` (initialised, migrated): on a SQLite file a second connection to it, with the
 * same options but no migrations, and checkpoints left to SqliteCheckpointer; elsewhere `main`
 * itself (`:memory:` is a database per connection).
 */
export function openWriter(main: DataSource): Promise<DataSource> {
  const { options } = main;
  if (options.type !== 'better-sqlite3' || options.database === ':memory:') return Promise.resolve(main);
  const prepare = options.prepareDatabase as (sqlite: { pragma(sql: string): unknown }) => void;
  return openDataSource({
    ...options,
    migrationsRun: false,
    synchronize: false,
    dropSchema: false,
    // Its COMMITs leave checkpoints to SqliteCheckpointer's thread (the DatabaseModule starts it).
    prepareDatabase: (sqlite: { pragma(sql: string): unknown }) => {
      prepare(sqlite);
      sqlite.pragma(`wal_autocheckpoint = ${WRITER_AUTOCHECKPOINT_PAGES}`);
    },
  });
}
