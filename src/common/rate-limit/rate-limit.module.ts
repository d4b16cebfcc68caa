import { Module } from '@nestjs/common';
import { ThrottlerModule } from '@nestjs/throttler';
import { APP_CONFIG, type AppConfig } from '../../config/app-config';
import { SlidingWindowStorage } from './sliding-window.storage';

@Module({ providers: [SlidingWindowStorage], exports: [SlidingWindowStorage] })
class SlidingWindowStorageModule {}

/** @nestjs/throttler with one per-token throttler whose storage checks both windows at once. */
@Module({
  imports: [
    ThrottlerModule.forRootAsync({
      imports: [SlidingWindowStorageModule],
      inject: [APP_CONFIG, SlidingWindowStorage],
      useFactory: (config: AppConfig, storage: SlidingWindowStorage) => ({
        throttlers: [{ name: 'token', ttl: config.rateLimit.minuteWindowMs, limit: config.rateLimit.perMinute }],
        storage,
        setHeaders: false,
      }),
    }),
  ],
})
export class RateLimitModule {}
