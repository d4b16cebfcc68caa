import { Module } from '@nestjs/common';
import { SlidingWindowStorage } from './sliding-window.storage';

/** The per-token sliding windows that TokenRateLimitGuard (an APP_GUARD) consumes. */
@Module({ providers: [SlidingWindowStorage], exports: [SlidingWindowStorage] })
export class RateLimitModule {}
