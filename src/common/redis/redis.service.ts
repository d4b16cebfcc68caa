import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import Redis from 'ioredis';
import type { Logger } from 'pino';
import { APP_CONFIG, type AppConfig } from '../../config/app-config';
import { APP_LOGGER } from '../logging/logger';

/**
 * The optional shared Redis. Every call is bounded by REDIS_TIMEOUT_MS and fails fast while
 * Redis is away (no offline queue), so callers can fall back to process-local state.
 */
@Injectable()
export class RedisService implements OnModuleInit, OnModuleDestroy {
  readonly client: Redis | null;
  private healthy = true;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(APP_LOGGER) private readonly logger: Logger,
  ) {
    const { url, timeoutMs } = config.redis;
    this.client = url
      ? new Redis(url, {
          lazyConnect: false,
          enableOfflineQueue: false,
          commandTimeout: timeoutMs,
          connectTimeout: Math.max(timeoutMs, 1000),
          maxRetriesPerRequest: 0,
          autoResendUnfulfilledCommands: false,
          retryStrategy: (attempt) => Math.min(attempt * 100, 1000),
        })
      : null;
    this.client?.on('error', (error: Error) => this.markDown(error));
    this.client?.on('ready', () => this.markUp());
  }

  get enabled(): boolean {
    return this.client !== null;
  }

  /** Runs a Redis call; on failure (down, paused, timed out) logs once per outage and returns `fallback`. */
  async call<T>(work: (client: Redis) => Promise<T>, fallback: T): Promise<T> {
    if (!this.client) return fallback;
    try {
      const result = await work(this.client);
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

  async ping(): Promise<boolean> {
    return this.call(async (client) => (await client.ping()) === 'PONG', false);
  }

  async onModuleDestroy(): Promise<void> {
    if (!this.client) return;
    try {
      await this.client.quit();
    } catch {
      this.client.disconnect();
    }
  }

  private markDown(error: Error): void {
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
