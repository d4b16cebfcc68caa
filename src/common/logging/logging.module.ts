import { Global, Module } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../../config/app-config';
import { APP_LOGGER, createLogger } from './logger';

@Global()
@Module({
  providers: [{ provide: APP_LOGGER, inject: [APP_CONFIG], useFactory: (c: AppConfig) => createLogger(c.logLevel) }],
  exports: [APP_LOGGER],
})
export class LoggingModule {}
