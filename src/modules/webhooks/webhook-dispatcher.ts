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
const SEND_BATCH = 20;
/** How long a claimed delivery belongs to one dispatcher before another may take it (the first died). */
const CLAIM_LEASE_MS = 60_000;

/**
 * Runs in every server process. Each run (1) fans new outbox events out into one delivery per
 * subscribed webhook, and (2) claims due deliveries and sends them. Claims are atomic
 * (FOR UPDATE SKIP LOCKED on PostgreSQL; the write queue on SQLite), so two processes never
 * send the same delivery; an unfinished claim is retried after its lease (crash recovery).
 */
@Injectable()
export class WebhookDispatcher implements OnApplicationBootstrap, OnModuleDestroy {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | null = null;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(APP_LOGGER) private readonly logger: Logger,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly transactions: TransactionService,
    private readonly sender: WebhookSender,
    private readonly metrics: MetricsService,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.runOnce().catch(() => undefined), this.config.webhooks.dispatchIntervalMs);
    this.timer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  /** One pass; concurrent calls in this process share the pass in progress. */
  runOnce(): Promise<void> {
    this.running ??= this.pass()
      .catch((error: unknown) => this.logger.warn({ err: error }, 'webhook dispatch failed'))
      .finally(() => {
        this.running = null;
      });
    return this.running;
  }

  private async pass(): Promise<void> {
    while ((await this.fanOut()) === FAN_OUT_BATCH);
    for (;;) {
      const claimed = await this.claim();
      if (claimed.length === 0) return;
      await Promise.all(claimed.map((id) => this.deliver(id)));
    }
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

  /** Marks up to SEND_BATCH due deliveries as ours, atomically; returns their ids. */
  private async claim(): Promise<number[]> {
    const now = new Date();
    const lease = new Date(now.getTime() + CLAIM_LEASE_MS);
    return this.transactions.write(async (m: EntityManager) => {
      const pg = this.transactions.isPostgres;
      const due = `(status IN ('pending', 'retrying') AND next_attempt_at <= ?) OR (status = 'sending' AND locked_until < ?)`;
      const pick = `SELECT id FROM webhook_deliveries WHERE ${due} ORDER BY next_attempt_at, id LIMIT ${SEND_BATCH}${pg ? ' FOR UPDATE SKIP LOCKED' : ''}`;
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

  private async deliver(id: number): Promise<void> {
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
    const result = await this.sender.send({
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
    });
    const ok = result.status !== null && result.status >= 200 && result.status < 300;
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
