import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../../config/app-config';
import { RedisService } from '../redis/redis.service';

const WINDOW_MS = 60_000;
const MAX_TRACKED_IPS = 50_000;

/**
 * Counts failed authentications per client IP in a sliding minute. Shared through Redis when
 * configured (a sorted set per IP), else process-local; Redis trouble falls back to local.
 */
@Injectable()
export class AuthFailureLimiter {
  private readonly local = new Map<string, number[]>();

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly redis: RedisService,
  ) {}

  /** Records one failure; true when this IP is now beyond the limit. */
  async recordFailure(ip: string): Promise<boolean> {
    const limit = this.config.rateLimit.authFailuresPerMinute;
    const now = Date.now();
    const shared = await this.redis.call(async (client) => {
      const key = this.redis.key(`auth-failures:${ip}`);
      const member = `${now}:${Math.random().toString(36).slice(2)}`;
      const result = await client
        .multi()
        .zremrangebyscore(key, 0, now - WINDOW_MS)
        .zadd(key, now, member)
        .zcard(key)
        .pexpire(key, WINDOW_MS)
        .exec();
      const count = result?.[2]?.[1];
      return typeof count === 'number' ? count : null;
    }, null);
    const count = shared ?? this.recordLocal(ip, now);
    return count > limit;
  }

  private recordLocal(ip: string, now: number): number {
    if (this.local.size > MAX_TRACKED_IPS) this.local.clear();
    const recent = (this.local.get(ip) ?? []).filter((t) => t > now - WINDOW_MS);
    recent.push(now);
    // Keep only what the decision needs.
    const cap = this.config.rateLimit.authFailuresPerMinute + 1;
    this.local.set(ip, recent.slice(-cap));
    return recent.length;
  }
}
