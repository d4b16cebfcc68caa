import { randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import type { AuthContext } from '../../common/auth/auth-context';
import { DomainError } from '../../common/errors/domain-error';
import { assertIfMatch, lockRowForUpdate } from '../../common/http/conditional';
import { ListCounter } from '../../common/pagination/list-counter';
import { inPage, pageRequest, paginate } from '../../common/pagination/paginate';
import { toIsoUtc } from '../../common/time/iso';
import { APP_CONFIG, type AppConfig } from '../../config/app-config';
import { TransactionService } from '../../database/transaction.service';
import { updatedSinceOf } from '../../common/time/updated-since';
import type {
  CreateWebhookDto,
  ListDeliveriesQueryDto,
  ListWebhooksQueryDto,
  UpdateWebhookDto,
} from './dto/webhook.dto';
import { checkTargetUrl } from './ssrf-guard';
import { newDelivery } from './webhook-dispatcher';
import { SUBSCRIBABLE_EVENTS, WEBHOOK_EVENT_DESCRIPTIONS } from './webhook-events';
import { generateWebhookSecret } from './webhook-signature';
import { WebhookDeliveryEntity, WebhookEntity } from './webhook.entities';
import { toDeliveryResponse, toWebhookResponse, toWebhookWithSecretResponse } from './webhook.mapper';
import { DELIVERY_SORTS, WEBHOOK_SORTS } from './webhook.sorts';
import { ChangeLog } from '../changes/change-log';
import type { ChangeAction } from '../changes/change.entity';

/** Subscriptions: owners see and manage their own, admins all (others' ids read as missing). */
@Injectable()
export class WebhooksService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly transactions: TransactionService,
    private readonly counter: ListCounter,
    private readonly changes: ChangeLog,
  ) {}

  listWebhookEvents() {
    return { events: [...SUBSCRIBABLE_EVENTS], descriptions: { ...WEBHOOK_EVENT_DESCRIPTIONS } };
  }

  async listWebhooks(auth: AuthContext, query: ListWebhooksQueryDto) {
    const request = pageRequest(query, WEBHOOK_SORTS.order(query.sort));
    const qb = this.dataSource.createQueryBuilder(WebhookEntity, 'w');
    if (!auth.isAdmin) qb.andWhere('w.user_id = :u', { u: auth.userId });
    if (query.is_active !== undefined) qb.andWhere('w.is_active = :a', { a: query.is_active });
    const since = updatedSinceOf(query.updated_since, this.config.timezone);
    if (since) qb.andWhere('w.updated_at >= :since', { since });
    const [rows, count] = await Promise.all([inPage(qb.clone(), request).getMany(), this.counter.count(qb)]);
    return paginate('webhooks', request, rows, count, toWebhookResponse);
  }

  async getWebhook(auth: AuthContext, id: number) {
    return { webhook: toWebhookResponse(await this.visible(this.dataSource.manager, auth, id)) };
  }

  async createWebhook(auth: AuthContext, dto: CreateWebhookDto) {
    this.assertUrl(dto.url);
    const secret = generateWebhookSecret();
    const now = new Date();
    const webhook = await this.transactions.run(auth, async (m) => {
      const saved = await m.save(
        WebhookEntity,
        Object.assign(new WebhookEntity(), {
          userId: auth.userId,
          name: dto.name,
          description: dto.description ?? null,
          url: dto.url,
          secret,
          events: [...new Set(dto.events)],
          isActive: dto.is_active ?? true,
          maxRetries: dto.max_retries ?? 5,
          timeoutSeconds: dto.timeout_seconds ?? 10,
          totalDeliveries: 0,
          successfulDeliveries: 0,
          failedDeliveries: 0,
          lastDeliveryAt: null,
          createdAt: now,
          updatedAt: now,
        }),
      );
      await this.recordChange(m, auth, saved, 'created');
      return saved;
    });
    return {
      message: 'Webhook created; store the secret now, it is not shown again',
      webhook: toWebhookWithSecretResponse(webhook),
      secret,
    };
  }

  async updateWebhook(auth: AuthContext, id: number, dto: UpdateWebhookDto, ifMatch?: string) {
    if (dto.url !== undefined) this.assertUrl(dto.url);
    const webhook = await this.transactions.run(auth, async (m) => {
      const w = await this.visibleForWrite(m, auth, id, ifMatch);
      if (dto.name !== undefined) w.name = dto.name;
      if (dto.description !== undefined) w.description = dto.description;
      if (dto.url !== undefined) w.url = dto.url;
      if (dto.events !== undefined) w.events = [...new Set(dto.events)];
      if (dto.is_active !== undefined) w.isActive = dto.is_active;
      if (dto.max_retries !== undefined) w.maxRetries = dto.max_retries;
      if (dto.timeout_seconds !== undefined) w.timeoutSeconds = dto.timeout_seconds;
      w.updatedAt = new Date();
      const saved = await m.save(w);
      await this.recordChange(m, auth, saved, 'updated');
      return saved;
    });
    return { message: 'Webhook updated successfully', webhook: toWebhookResponse(webhook) };
  }

  /** Deletes the webhook and, by cascade, its deliveries. */
  async deleteWebhook(auth: AuthContext, id: number, ifMatch?: string) {
    await this.transactions.run(auth, async (m) => {
      const w = await this.visibleForWrite(m, auth, id, ifMatch);
      await m.delete(WebhookDeliveryEntity, { webhookId: id });
      await m.delete(WebhookEntity, { id });
      await this.recordChange(m, auth, w, 'deleted');
    });
    return { message: 'Webhook deleted successfully' };
  }

  async rotateWebhookSecret(auth: AuthContext, id: number) {
    const secret = generateWebhookSecret();
    const overlapMs = this.config.webhooks.secretOverlapHours * 3_600_000;
    const webhook = await this.transactions.run(auth, async (m) => {
      const w = await this.visible(m, auth, id);
      const now = new Date();
      // Receivers switch over at their own pace: until then each delivery carries both signatures.
      w.previousSecret = overlapMs > 0 ? w.secret : null;
      w.previousSecretExpiresAt = overlapMs > 0 ? new Date(now.getTime() + overlapMs) : null;
      w.secret = secret;
      w.updatedAt = now;
      const saved = await m.save(w);
      await this.recordChange(m, auth, saved, 'updated');
      return saved;
    });
    const until = webhook.previousSecretExpiresAt;
    return {
      message: until
        ? `Secret rotated; store it now, it is not shown again. Until ${until.toISOString()} deliveries are signed with the previous secret too.`
        : 'Secret rotated; store it now, it is not shown again',
      webhook: toWebhookWithSecretResponse(webhook),
      secret,
      previous_secret_expires_at: until ? until.toISOString() : null,
    };
  }

  /** The changes feed's row: the webhook as GET shows it (never a secret), its owner's. */
  private recordChange(m: EntityManager, auth: AuthContext, webhook: WebhookEntity, action: ChangeAction) {
    const data = toWebhookResponse(webhook);
    return this.changes.record(m, auth, { type: 'webhook', id: webhook.id, action, data, ownerId: webhook.userId });
  }

  async listWebhookDeliveries(auth: AuthContext, id: number, query: ListDeliveriesQueryDto) {
    await this.visible(this.dataSource.manager, auth, id);
    const request = pageRequest(query, DELIVERY_SORTS.order(query.sort));
    const qb = this.dataSource.createQueryBuilder(WebhookDeliveryEntity, 'd').where('d.webhook_id = :id', { id });
    if (query.status) qb.andWhere('d.status = :s', { s: query.status });
    const [rows, count] = await Promise.all([inPage(qb.clone(), request).getMany(), this.counter.count(qb)]);
    return paginate('deliveries', request, rows, count, toDeliveryResponse);
  }

  /** Queues a `webhook.test` event for this webhook only (whatever it subscribes to). */
  async testWebhook(auth: AuthContext, id: number) {
    const delivery = await this.transactions.run(auth, async (m) => {
      const w = await this.visible(m, auth, id);
      const eventId = `evt_${randomBytes(12).toString('hex')}`;
      const payload = JSON.stringify({
        id: eventId,
        event_type: 'webhook.test',
        timestamp: toIsoUtc(new Date()),
        user: { id: auth.userId, username: auth.username },
        data: { message: 'This is a test event', webhook_id: w.id },
      });
      return m.save(
        WebhookDeliveryEntity,
        Object.assign(new WebhookDeliveryEntity(), newDelivery(w.id, eventId, 'webhook.test', payload, new Date())),
      );
    });
    return { message: 'Test event queued', delivery: toDeliveryResponse(delivery) };
  }

  /** A new delivery of the same event (same id and body, so receivers can de-duplicate). */
  async redeliverWebhookDelivery(auth: AuthContext, id: number, deliveryId: number) {
    const delivery = await this.transactions.run(auth, async (m) => {
      await this.visible(m, auth, id);
      const original = await m.findOneBy(WebhookDeliveryEntity, { id: deliveryId, webhookId: id });
      if (!original) throw DomainError.notFound(`Delivery ${deliveryId}`);
      return m.save(
        WebhookDeliveryEntity,
        Object.assign(
          new WebhookDeliveryEntity(),
          newDelivery(id, original.eventId, original.eventType, original.payload, new Date()),
        ),
      );
    });
    return { message: 'Delivery queued again', delivery: toDeliveryResponse(delivery) };
  }

  private assertUrl(url: string): void {
    const problem = checkTargetUrl(url, this.config.webhooks.allowedPrivateHosts);
    // The sentence as the message too: it says how to allow a private host.
    if (problem) throw DomainError.validation({ url: [problem] }, problem);
  }

  /** The row locked for this transaction, after its `If-Match` held (on the body GET sends). */
  private async visibleForWrite(m: EntityManager, auth: AuthContext, id: number, ifMatch: string | undefined) {
    await lockRowForUpdate(m, WebhookEntity, id);
    const w = await this.visible(m, auth, id);
    await assertIfMatch(ifMatch, () => ({ webhook: toWebhookResponse(w) }));
    return w;
  }

  private async visible(m: EntityManager, auth: AuthContext, id: number): Promise<WebhookEntity> {
    const w = await m.findOneBy(WebhookEntity, auth.isAdmin ? { id } : { id, userId: auth.userId });
    if (!w) throw DomainError.notFound(`Webhook ${id}`);
    return w;
  }
}
