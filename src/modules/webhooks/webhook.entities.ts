import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, Unique } from 'typeorm';
import { columnTypes } from '../../database/column-types';
import { UserEntity } from '../users/user.entity';

export const DELIVERY_STATUSES = ['pending', 'sending', 'retrying', 'success', 'failed'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

@Entity({ name: 'webhooks' })
@Index('idx_webhooks_user_id', ['userId'])
export class WebhookEntity {
  @PrimaryGeneratedColumn({ name: 'id' }) id: number;
  @Column({ name: 'user_id', type: 'integer' }) userId: number;
  @ManyToOne(() => UserEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'fk_webhooks_user_id' })
  user?: UserEntity;
  @Column({ name: 'name', type: 'varchar', length: 200 }) name: string;
  @Column({ name: 'description', type: 'text', nullable: true }) description: string | null;
  @Column({ name: 'url', type: 'varchar', length: 500 }) url: string;
  /** Needed in clear to sign; returned only by create and rotate-secret. */
  @Column({ name: 'secret', type: 'varchar', length: 100 }) secret: string;
  /** The secret before the last rotation: it signs too until `previousSecretExpiresAt`. */
  @Column({ name: 'previous_secret', type: 'varchar', length: 100, nullable: true }) previousSecret: string | null;
  @Column({ name: 'previous_secret_expires_at', type: columnTypes.timestamp, nullable: true })
  previousSecretExpiresAt: Date | null;
  @Column({ name: 'events', type: 'simple-json' }) events: string[];
  @Column({ name: 'is_active', type: 'boolean', default: true }) isActive: boolean;
  @Column({ name: 'max_retries', type: 'integer', default: 5 }) maxRetries: number;
  @Column({ name: 'timeout_seconds', type: 'integer', default: 10 }) timeoutSeconds: number;
  @Column({ name: 'total_deliveries', type: 'integer', default: 0 }) totalDeliveries: number;
  @Column({ name: 'successful_deliveries', type: 'integer', default: 0 }) successfulDeliveries: number;
  @Column({ name: 'failed_deliveries', type: 'integer', default: 0 }) failedDeliveries: number;
  @Column({ name: 'last_delivery_at', type: columnTypes.timestamp, nullable: true }) lastDeliveryAt: Date | null;
  @Column({ name: 'created_at', type: columnTypes.timestamp }) createdAt: Date;
  @Column({ name: 'updated_at', type: columnTypes.timestamp }) updatedAt: Date;
}

/** The outbox: written in the same transaction as the change; fanned out to deliveries later. */
@Entity({ name: 'webhook_events' })
@Unique('uq_webhook_events_event_id', ['eventId'])
@Index('idx_webhook_events_dispatched', ['dispatchedAt', 'id'])
export class WebhookEventEntity {
  @PrimaryGeneratedColumn({ name: 'id' }) id: number;
  @Column({ name: 'event_id', type: 'varchar', length: 40 }) eventId: string;
  @Column({ name: 'event_type', type: 'varchar', length: 50 }) eventType: string;
  /** The exact JSON body every subscriber receives. */
  @Column({ name: 'payload', type: 'text' }) payload: string;
  @Column({ name: 'created_at', type: columnTypes.timestamp }) createdAt: Date;
  @Column({ name: 'dispatched_at', type: columnTypes.timestamp, nullable: true }) dispatchedAt: Date | null;
}

@Entity({ name: 'webhook_deliveries' })
@Index('idx_webhook_deliveries_due', ['status', 'nextAttemptAt'])
@Index('idx_webhook_deliveries_webhook', ['webhookId', 'id'])
export class WebhookDeliveryEntity {
  @PrimaryGeneratedColumn({ name: 'id' }) id: number;
  @Column({ name: 'webhook_id', type: 'integer' }) webhookId: number;
  @ManyToOne(() => WebhookEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'webhook_id', foreignKeyConstraintName: 'fk_webhook_deliveries_webhook_id' })
  webhook?: WebhookEntity;
  @Column({ name: 'event_id', type: 'varchar', length: 40 }) eventId: string;
  @Column({ name: 'event_type', type: 'varchar', length: 50 }) eventType: string;
  @Column({ name: 'payload', type: 'text' }) payload: string;
  @Column({ name: 'status', type: 'varchar', length: 10 }) status: DeliveryStatus;
  /** Attempts made so far. */
  @Column({ name: 'attempts', type: 'integer', default: 0 }) attempts: number;
  @Column({ name: 'next_attempt_at', type: columnTypes.timestamp }) nextAttemptAt: Date;
  /** A claim by one dispatcher; an expired claim (the process died) may be taken again. */
  @Column({ name: 'locked_until', type: columnTypes.timestamp, nullable: true }) lockedUntil: Date | null;
  @Column({ name: 'response_status', type: 'integer', nullable: true }) responseStatus: number | null;
  @Column({ name: 'response_body', type: 'text', nullable: true }) responseBody: string | null;
  @Column({ name: 'error_message', type: 'varchar', length: 500, nullable: true }) errorMessage: string | null;
  @Column({ name: 'duration_ms', type: 'integer', nullable: true }) durationMs: number | null;
  @Column({ name: 'created_at', type: columnTypes.timestamp }) createdAt: Date;
  @Column({ name: 'last_attempt_at', type: columnTypes.timestamp, nullable: true }) lastAttemptAt: Date | null;
}
