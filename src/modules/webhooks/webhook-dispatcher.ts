import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Logger } from 'pino';
import { DataSource, type EntityManager } from 'typeorm';
import { APP_LOGGER } from '../../common/logging/logger';
import { APP_CONFIG, type AppConfig } from '../../config/app-config';
import { TransactionService } from '../../database/transaction.service';
import { MetricsService } from '../metrics/metrics.service';
import { privateTo, subscribes } from './webhook-events';
import { WebhookSender } from './webhook-sender';
import { WebhookDeliveryEntity, WebhookEntity, WebhookEventEntity } from './webhook.entities';

const FAN_OUT_BATCH = 100;

/**
 * Runs in every server process. Each pass (1) fans new outbox events out into one delivery per
 * subscribed webhook, and (2) claims due deliveries into the free slots of a pool of
 * WEBHOOK_CONCURRENCY and starts them without waiting for them: a slow receiver holds one slot, and
 * the next pass (the timer's next tick) goes on claiming. Claims are atomic (FOR UPDATE SKIP LOCKED
 * on PostgreSQL; the write queue on SQLite) and renewed while their attempt runs, so two processes
 * never send the same delivery; a claim whose process died runs out after its lease and is taken
 * over (crash recovery).
 */
@Injectable()
export class WebhookDispatcher implements OnApplicationBootstrap, OnModuleDestroy {
  private timer: NodeJS.Timeout | undefined;
  private claiming: Promise<void> | null = null;
  private readonly inFlight = new Set<Promise<void>>();
  /** Aborted at shutdown: no more claims, and attempts in flight end at once (failed, retried later). */
  private readonly stopping = new AbortController();

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(APP_LOGGER) private readonly logger: Logger,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly transactions: TransactionService,
    private readonly sender: WebhookSender,
    private readonly metrics: MetricsService,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.startDue(), this.config.webhooks.dispatchIntervalMs);
    this.timer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.timer);
    this.stopping.abort();
    await this.claiming;
    await Promise.all(this.inFlight);
  }

  /** Sends everything due now and resolves once those attempts are recorded (tests, manual runs). */
  async runOnce(): Promise<void> {
    // A pass already under way may have claimed before the latest deliveries were due: run a fresh one.
    await this.claiming;
    await this.startDue();
    await Promise.all(this.inFlight);
  }

  /** Claims and starts due deliveries; a call while a pass is in progress shares it. */
  private startDue(): Promise<void> {
    this.claiming ??= this.pass()
      .catch((error: unknown) => this.logger.warn({ err: error }, 'webhook dispatch failed'))
      .finally(() => {
        this.claiming = null;
      });
    return this.claiming;
  }

  private async pass(): Promise<void> {
    while ((await this.fanOut()) === FAN_OUT_BATCH);
    while (!this.stopping.signal.aborted) {
      const free = this.config.webhooks.concurrency - this.inFlight.size;
      if (free <= 0) {
        // A full pool: wait for a slot rather than leave due deliveries to the next tick.
        await Promise.race(this.inFlight);
        continue;
      }
      const claimed = await this.claim(free);
      for (const id of claimed) this.start(id);
      if (claimed.length < free) return;
    }
  }

  private start(id: number): void {
    const attempt: Promise<void> = this.deliver(id)
      .catch((error: unknown) => this.logger.warn({ err: error, delivery_id: id }, 'webhook delivery failed'))
      .finally(() => this.inFlight.delete(attempt));
    this.inFlight.add(attempt);
  }

  private fanOut(): Promise<number> {
    return this.transactions.run(null, async (m) => {
      const qb = m
        .getRepository(WebhookEventEntity)
        .createQueryBuilder('e')
        .where('e.dispatched_at IS NULL')
        .orderBy('e.id', 'ASC')
        .limit(FAN_OUT_BATCH);
      if (this.transactions.isPostgres) qb.setLock('pessimistic_write').setOnLocked('skip_locked');
      const events = await qb.getMany();
      if (events.length === 0) return 0;
      const webhooks = await m.find(WebhookEntity, { where: { isActive: true }, relations: { user: true } });
      const now = new Date();
      const deliveries = events.flatMap((event) => {
        const owner = privateTo(event.eventType, event.payload);
        return webhooks
          .filter((w) => subscribes(w.events, event.eventType))
          .filter((w) => owner === null || w.userId === owner || w.user?.role === 'admin')
          .map((w) => newDelivery(w.id, event.eventId, event.eventType, event.payload, now));
      });
      if (deliveries.length) await m.insert(WebhookDeliveryEntity, deliveries);
      await m.update(
        WebhookEventEntity,
        events.map((e) => e.id),
        { dispatchedAt: now },
      );
      return events.length;
    });
  }

  /** Marks up to `limit` due deliveries as ours, atomically; returns their ids. */
  private async claim(limit: number): Promise<number[]> {
    const now = new Date();
    const lease = new Date(now.getTime() + this.config.webhooks.claimLeaseMs);
    return this.transactions.write(async (m: EntityManager) => {
      const pg = this.transactions.isPostgres;
      const due = `(status IN ('pending', 'retrying') AND next_attempt_at <= ?) OR (status = 'sending' AND locked_until < ?)`;
      const pick = `SELECT id FROM webhook_deliveries WHERE ${due} ORDER BY next_attempt_at, id LIMIT ${limit}${pg ? ' FOR UPDATE SKIP LOCKED' : ''}`;
      type Row = { id: number };
      const rows = await m.query<Row[] | [Row[], number]>(
        this.transactions.sql(
          `UPDATE webhook_deliveries SET status = 'sending', locked_until = ? WHERE id IN (${pick}) RETURNING id`,
        ),
        [lease, now, now].map((date) => this.transactions.timestamp(date)),
      );
      // pg's UPDATE ... RETURNING comes back as [rows, count].
      const list = Array.isArray(rows[0]) ? rows[0] : (rows as Row[]);
      return list.map((r) => Number(r.id));
    });
  }

  /** One attempt, its claim renewed every third of the lease until it is recorded, however long it takes. */
  private async deliver(id: number): Promise<void> {
    const renewal = setInterval(
      () =>
        void this.renew(id).catch((error: unknown) => this.logger.warn({ err: error }, 'webhook claim renewal failed')),
      this.config.webhooks.claimLeaseMs / 3,
    );
    try {
      await this.attempt(id);
    } finally {
      clearInterval(renewal);
    }
  }

  private renew(id: number): Promise<unknown> {
    const lease = new Date(Date.now() + this.config.webhooks.claimLeaseMs);
    return this.transactions.write((m) =>
      m.query(
        this.transactions.sql(`UPDATE webhook_deliveries SET locked_until = ? WHERE id = ? AND status = 'sending'`),
        [this.transactions.timestamp(lease), id],
      ),
    );
  }

  private async attempt(id: number): Promise<void> {
    const delivery = await this.dataSource
      .getRepository(WebhookDeliveryEntity)
      .findOne({ where: { id }, relations: { webhook: true } });
    const webhook = delivery?.webhook;
    if (!delivery || !webhook) return;
    if (!webhook.isActive) {
      // Switched off (by its owner or a 410) since the delivery was queued: nothing more is sent.
      await this.transactions.write((m) =>
        m.update(
          WebhookDeliveryEntity,
          { id },
          { status: 'failed', lockedUntil: null, errorMessage: 'webhook inactive' },
        ),
      );
      return;
    }
    if (this.stopping.signal.aborted) {
      // Shutting down before anything was sent: the claim goes back as it was, for the next dispatcher.
      await this.transactions.write((m) =>
        m.update(
          WebhookDeliveryEntity,
          { id },
          { status: delivery.attempts > 0 ? 'retrying' : 'pending', lockedUntil: null },
        ),
      );
      return;
    }
    const result = await this.sender.send(
      {
        url: webhook.url,
        secret: webhook.secret,
        previousSecret:
          webhook.previousSecret && (webhook.previousSecretExpiresAt?.getTime() ?? 0) > Date.now()
            ? webhook.previousSecret
            : null,
        eventId: delivery.eventId,
        eventType: delivery.eventType,
        payload: delivery.payload,
        timeoutSeconds: webhook.timeoutSeconds,
      },
      this.stopping.signal,
    );
    // A 2xx whose body never completed (cut off, connection lost) is no success.
    const ok = result.error === null && result.status !== null && result.status >= 200 && result.status < 300;
    const gone = result.status === 410;
    const attempts = delivery.attempts + 1;
    const retry = !ok && !gone && attempts <= webhook.maxRetries;
    const now = new Date();
    await this.transactions.run(null, async (m) => {
      await m.update(
        WebhookDeliveryEntity,
        { id },
        {
          status: ok ? 'success' : retry ? 'retrying' : 'failed',
          attempts,
          nextAttemptAt: retry ? new Date(now.getTime() + this.backoffMs(attempts)) : delivery.nextAttemptAt,
          lockedUntil: null,
          responseStatus: result.status,
          responseBody: result.body,
          errorMessage: ok ? null : (result.error ?? `HTTP ${result.status}`).slice(0, 500),
          durationMs: result.durationMs,
          lastAttemptAt: now,
        },
      );
      await m
        .createQueryBuilder()
        .update(WebhookEntity)
        .set({
          totalDeliveries: () => 'total_deliveries + 1',
          ...(ok
            ? { successfulDeliveries: () => 'successful_deliveries + 1' }
            : { failedDeliveries: () => 'failed_deliveries + 1' }),
          lastDeliveryAt: now,
          // 410 Gone: the receiver asks us to stop.
          ...(gone ? { isActive: false } : {}),
        })
        .where('id = :id', { id: webhook.id })
        .execute();
    });
    this.metrics.webhookDeliveries.inc({ outcome: ok ? 'success' : gone ? 'gone' : retry ? 'retry' : 'failed' });
    if (gone) this.logger.warn({ webhook_id: webhook.id }, 'webhook answered 410 Gone; disabled');
  }

  /** First retry after WEBHOOK_RETRY_BASE_SECONDS, doubling, with +-20 % jitter. */
  private backoffMs(attempts: number): number {
    const base = this.config.webhooks.retryBaseSeconds * 1000 * 2 ** (attempts - 1);
    return Math.round(base * (0.8 + Math.random() * 0.4));
  }
}

export function newDelivery(webhookId: number, eventId: string, eventType: string, payload: string, now: Date) {
  return {
    webhookId,
    eventId,
    eventType,
    payload,
    status: 'pending' as const,
    attempts: 0,
    nextAttemptAt: now,
    lockedUntil: null,
    responseStatus: null,
    responseBody: null,
    errorMessage: null,
    durationMs: null,
    createdAt: now,
    lastAttemptAt: null,
  };
}
