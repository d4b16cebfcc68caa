import { randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type Redis from 'ioredis';
import { APP_CONFIG, type AppConfig } from '../../config/app-config';
import { RedisService } from '../redis/redis.service';
import {
  MemorySlidingWindowStore,
  type RateLimitDecision,
  SLIDING_WINDOW_LUA,
  type WindowSpec,
} from './sliding-window';

type SlidingWindowRedis = Redis & {
  ttSlidingWindow(...args: Array<string | number>): Promise<number[]>;
};

/**
 * Per-token sliding windows (minute and hour) checked and recorded together: one Lua call on
 * Redis when configured and answering, else the in-process store with the same semantics.
 */
@Injectable()
export class SlidingWindowStorage {
  private readonly memory = new MemorySlidingWindowStore();
  readonly specs: readonly WindowSpec[];
  /** The script's arguments for the windows: limit and length (ms) of each. */
  private readonly windowArgs: number[];
  private scriptDefined = false;
  /** A set member must be unique per admitted request: this process's random prefix, then a count. */
  private readonly memberPrefix = randomBytes(6).toString('hex');
  private members = 0;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly redis: RedisService,
  ) {
    const { perMinute, perHour, minuteWindowMs, hourWindowMs } = config.rateLimit;
    this.specs = [
      { name: 'minute', limit: perMinute, windowMs: minuteWindowMs },
      { name: 'hour', limit: perHour, windowMs: hourWindowMs },
    ];
    this.windowArgs = this.specs.flatMap((s) => [s.limit, s.windowMs]);
  }

  async consume(key: string): Promise<RateLimitDecision> {
    const shared = await this.redis.call((client) => this.consumeInRedis(client, key), null);
    return shared ?? this.memory.consume(key, this.specs);
  }

  private async consumeInRedis(client: Redis, key: string): Promise<RateLimitDecision> {
    if (!this.scriptDefined) {
      client.defineCommand('ttSlidingWindow', { numberOfKeys: 1, lua: SLIDING_WINDOW_LUA });
      this.scriptDefined = true;
    }
    // One sorted set per token for every window ("rl2": the earlier layout had one per window).
    const out = await (client as SlidingWindowRedis).ttSlidingWindow(
      this.redis.key(`rl2:${key}`),
      ...this.windowArgs,
      `${this.memberPrefix}${(this.members++).toString(36)}`,
    );
    return {
      allowed: out[0] === 1,
      now: out[1],
      windows: this.specs.map((spec, i) => ({ spec, used: out[2 + 2 * i], resetMs: out[3 + 2 * i] })),
    };
  }
}

/** The window with the least room left (ties: the longer one, which resets later). */
export function tightestWindow(decision: RateLimitDecision) {
  return decision.windows.reduce((a, b) => {
    const ra = a.spec.limit - a.used;
    const rb = b.spec.limit - b.used;
    return rb < ra || (rb === ra && b.resetMs > a.resetMs) ? b : a;
  });
}

/** Seconds until every full window has room again (at least 1). */
export function retryAfterSeconds(decision: RateLimitDecision): number {
  const waits = decision.windows.filter((w) => w.used >= w.spec.limit).map((w) => w.resetMs);
  return Math.max(1, Math.ceil(Math.max(0, ...waits) / 1000));
}
