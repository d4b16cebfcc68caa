import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import Redis from 'ioredis';
import type { Logger } from 'pino';
import { APP_CONFIG, type AppConfig } from '../../config/app-config';
import { APP_LOGGER } from '../logging/logger';
import { withinTimeout } from '../time/within-timeout';

const PROBE_INTERVAL_MS = 1000;

/**
 * The optional shared Redis. Every call is bounded by REDIS_TIMEOUT_MS and fails fast while
 * Redis is away (no offline queue), so callers can fall back to process-local state.
 */
@Injectable()
export class RedisService implements OnModuleInit, OnModuleDestroy {
  readonly client: Redis | null;
  private healthy = true;
  /** While Redis is down, calls skip it (no timeout paid) until this time, then one probes it. */
  private skipUntil = 0;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(APP_LOGGER) private readonly logger: Logger,
  ) {
    const { url, timeoutMs } = config.redis;
    this.client = url
      ? new Redis(url, {
          lazyConnect: false,
          enableOfflineQueue: false,
          // Commands issued in the same tick (concurrent requests' rate-limit checks) share one
          // socket write: on loopback in a VM a write costs more CPU than the command.
          enableAutoPipelining: true,
          // No `commandTimeout`: it decides in its timer alone; every call goes through withinTimeout.
          connectTimeout: Math.max(timeoutMs, 1000),
          maxRetriesPerRequest: 0,
          autoResendUnfulfilledCommands: false,
          retryStrategy: (attempt) => Math.min(attempt * 100, 1000),
        })
      : null;
    this.client?.on('error', (error: Error) => this.markDown(error));
    this.client?.on('ready', () => this.markUp());
  }

  /** Namespaced key (REDIS_KEY_PREFIX), so several deployments can share one Redis. */
  key(name: string): string {
    return `${this.config.redis.keyPrefix}${name}`;
  }

  get enabled(): boolean {
    return this.client !== null;
  }

  /** Runs a Redis call; on failure (down, paused, timed out) logs once per outage and returns `fallback`. */
  async call<T>(work: (client: Redis) => Promise<T>, fallback: T): Promise<T> {
    if (!this.client) return fallback;
    if (!this.healthy && Date.now() < this.skipUntil) return fallback;
    try {
      const result = await withinTimeout(work(this.client), this.config.redis.timeoutMs);
      this.markUp();
      return result;
    } catch (error) {
      this.markDown(error as Error);
      return fallback;
    }
  }

  /** Starts serving with Redis connected when it answers within the connect timeout; else degraded. */
  async onModuleInit(): Promise<void> {
    const client = this.client;
    if (!client || client.status === 'ready') return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, Math.max(this.config.redis.timeoutMs, 1000));
      client.once('ready', () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  /** Always asks Redis (health must not report a cached verdict). */
  async ping(): Promise<boolean> {
    if (!this.client) return false;
    try {
      const ok = (await withinTimeout(this.client.ping(), this.config.redis.timeoutMs)) === 'PONG';
      if (ok) this.markUp();
      return ok;
    } catch (error) {
      this.markDown(error as Error);
      return false;
    }
  }

  async onModuleDestroy(): Promise<void> {
    if (!this.client) return;
    try {
      await withinTimeout(this.client.quit(), this.config.redis.timeoutMs);
    } catch {
      this.client.disconnect();
    }
  }

  private markDown(error: Error): void {
    this.skipUntil = Date.now() + PROBE_INTERVAL_MS;
    if (!this.healthy) return;
    this.healthy = false;
    this.logger.warn({ reason: error.message }, 'redis unavailable; using process-local state until it returns');
  }

  private markUp(): void {
    if (this.healthy) return;
    this.healthy = true;
    this.logger.info('redis available again');
  }
}
