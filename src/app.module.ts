import { Module } from '@nestjs/common';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import { HttpExceptionFilter } from './common/errors/http-exception.filter';
import { AppValidationPipe } from './common/errors/validation.pipe';
import { LoggingModule } from './common/logging/logging.module';
import { RedisModule } from './common/redis/redis.module';
import { ConfigModule } from './config/config.module';
import { DatabaseModule } from './database/database.module';
import { SystemModule } from './modules/system/system.module';

@Module({
  imports: [ConfigModule, LoggingModule, DatabaseModule, RedisModule, SystemModule],
  providers: [
    { provide: APP_PIPE, useClass: AppValidationPipe },
    { provide: APP_FILTER, useClass: HttpExceptionFilter },
  ],
})
export class AppModule {}
