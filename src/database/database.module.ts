import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { buildDataSourceOptions } from './data-source-options';
import { bindSqliteIntegers } from './sqlite-integer-parameters';
import { TransactionService } from './transaction.service';

@Global()
@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => ({
        ...buildDataSourceOptions(config),
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
})
export class DatabaseModule {}
