import { type DynamicModule, Global, Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import { getDataSourceToken, InjectDataSource, TypeOrmModule } from '@nestjs/typeorm';
import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import { APP_LOGGER } from '../common/logging/logger';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import {
  buildDataSourceOptions,
  type DatabaseSchema,
  openDataSource,
  openWriter,
  WRITER_DATA_SOURCE,
} from './data-source-options';
import { SqliteCheckpointer } from './sqlite-checkpointer';
import { TransactionService } from './transaction.service';

@Global()
@Module({})
export class DatabaseModule implements OnApplicationShutdown {
  constructor(
    @InjectDataSource() private readonly main: DataSource,
    @Inject(WRITER_DATA_SOURCE) private readonly writer: DataSource,
    @Inject(SqliteCheckpointer) private readonly checkpointer: SqliteCheckpointer | null,
  ) {}

  /** The app's database, holding `schema` (its entities and migrations, which the app lists). */
  static forRoot(schema: DatabaseSchema): DynamicModule {
    return {
      module: DatabaseModule,
      imports: [
        TypeOrmModule.forRootAsync({
          inject: [APP_CONFIG],
          useFactory: (config: AppConfig) => ({
            ...buildDataSourceOptions(config, schema),
            // Migrations run before the app serves anything (start-up and `npm run migration:run`).
            migrationsRun: true,
            migrationsTransactionMode: 'each',
            retryAttempts: 0,
          }),
          dataSourceFactory: (options) => openDataSource(options!),
        }),
      ],
      providers: [
        // Opened once the main DataSource has run the migrations.
        { provide: WRITER_DATA_SOURCE, inject: [getDataSourceToken()], useFactory: openWriter },
        {
          provide: SqliteCheckpointer,
          inject: [getDataSourceToken(), APP_LOGGER],
          useFactory: (main: DataSource, logger: Logger) => SqliteCheckpointer.forDataSource(main, logger),
        },
        TransactionService,
      ],
      exports: [TransactionService],
    };
  }

  /** After the HTTP server closed (as TypeORM's module closes the main DataSource). */
  async onApplicationShutdown(): Promise<void> {
    await this.checkpointer?.stop();
    if (this.writer !== this.main && this.writer.isInitialized) await this.writer.destroy();
  }
}
