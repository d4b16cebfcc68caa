import { type DynamicModule, Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { buildDataSourceOptions, type DatabaseSchema } from './data-source-options';
import { bindSqliteIntegers } from './sqlite-integer-parameters';
import { TransactionService } from './transaction.service';

@Global()
@Module({})
export class DatabaseModule {
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
          dataSourceFactory: async (options) => {
            const dataSource = new DataSource(options!);
            bindSqliteIntegers(dataSource);
            return dataSource.initialize();
          },
        }),
      ],
      providers: [TransactionService],
      exports: [TransactionService],
    };
  }
}
