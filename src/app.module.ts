import { Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_INTERCEPTOR, APP_PIPE } from '@nestjs/core';
import { AuthGuard } from './common/auth/auth.guard';
import { AuthModule } from './common/auth/auth.module';
import { IdempotencyInterceptor } from './common/idempotency/idempotency.interceptor';
import { IdempotencyModule } from './common/idempotency/idempotency.module';
import { HttpExceptionFilter } from './common/errors/http-exception.filter';
import { AppValidationPipe } from './common/errors/validation.pipe';
import { LoggingModule } from './common/logging/logging.module';
import { PaginationModule } from './common/pagination/pagination.module';
import { TokenRateLimitGuard } from './common/rate-limit/token-rate-limit.guard';
import { RateLimitModule } from './common/rate-limit/rate-limit.module';
import { RedisModule } from './common/redis/redis.module';
import { StrictQueryInterceptor } from './common/validation/strict-query.interceptor';
import { ENTITIES, MIGRATIONS } from './app-data-source';
import { ConfigModule } from './config/config.module';
import { DatabaseModule } from './database/database.module';
import { ApiTokensModule } from './modules/api-tokens/api-tokens.module';
import { ClientsModule } from './modules/clients/clients.module';
import { InventoryModule } from './modules/inventory/inventory.module';
import { MetricsModule } from './modules/metrics/metrics.module';
import { ProjectsModule } from './modules/projects/projects.module';
import { ReportsModule } from './modules/reports/reports.module';
import { SearchModule } from './modules/search/search.module';
import { SettingsModule } from './modules/settings/settings.module';
import { SystemModule } from './modules/system/system.module';
import { TasksModule } from './modules/tasks/tasks.module';
import { TimeEntriesModule } from './modules/time-entries/time-entries.module';
import { TimerModule } from './modules/timer/timer.module';
import { UsersModule } from './modules/users/users.module';
import { WebhooksModule } from './modules/webhooks/webhooks.module';
import { ChangesModule } from './modules/changes/changes.module';

@Module({
  imports: [
    ConfigModule,
    LoggingModule,
    DatabaseModule.forRoot({ entities: ENTITIES, migrations: MIGRATIONS }),
    RedisModule,
    AuthModule,
    RateLimitModule,
    IdempotencyModule,
    PaginationModule,
    SystemModule,
    UsersModule,
    ApiTokensModule,
    ClientsModule,
    ProjectsModule,
    TasksModule,
    TimeEntriesModule,
    TimerModule,
    SearchModule,
    ReportsModule,
    SettingsModule,
    InventoryModule,
    WebhooksModule,
    ChangesModule,
    MetricsModule,
  ],
  providers: [
    { provide: APP_PIPE, useClass: AppValidationPipe },
    { provide: APP_FILTER, useClass: HttpExceptionFilter },
    // Guards run in this order: authenticate and check scopes (401/403), then rate-limit (429).
    { provide: APP_GUARD, useClass: AuthGuard },
    { provide: APP_GUARD, useClass: TokenRateLimitGuard },
    // Unknown query parameters are refused before an Idempotency-Key is looked at.
    { provide: APP_INTERCEPTOR, useClass: StrictQueryInterceptor },
    { provide: APP_INTERCEPTOR, useClass: IdempotencyInterceptor },
  ],
})
export class AppModule {}
