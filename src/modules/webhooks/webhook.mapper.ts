import { toIsoUtc, toIsoUtcOrNull } from '../../common/time/iso';
import type { WebhookDeliveryEntity, WebhookEntity } from './webhook.entities';

/** Never the secret: only create and rotate-secret return it (toWebhookWithSecretResponse). */
export function toWebhookResponse(w: WebhookEntity) {
  return {
    id: w.id,
    user_id: w.userId,
    name: w.name,
    description: w.description,
    url: w.url,
    events: w.events,
    is_active: w.isActive,
    max_retries: w.maxRetries,
    timeout_seconds: w.timeoutSeconds,
    total_deliveries: w.totalDeliveries,
    successful_deliveries: w.successfulDeliveries,
    failed_deliveries: w.failedDeliveries,
    last_delivery_at: toIsoUtcOrNull(w.lastDeliveryAt),
    created_at: toIsoUtc(w.createdAt),
    updated_at: toIsoUtc(w.updatedAt),
  };
}

/** Only for the create and rotate-secret responses (their routes redact it on replay). */
export function toWebhookWithSecretResponse(w: WebhookEntity) {
  return { ...toWebhookResponse(w), secret: w.secret };
}

export function toDeliveryResponse(d: WebhookDeliveryEntity) {
  return {
    id: d.id,
    webhook_id: d.webhookId,
    event_id: d.eventId,
    event_type: d.eventType,
    status: d.status,
    attempts: d.attempts,
    next_attempt_at: ['pending', 'retrying'].includes(d.status) ? toIsoUtc(d.nextAttemptAt) : null,
    response_status: d.responseStatus,
    response_body: d.responseBody,
    error_message: d.errorMessage,
    duration_ms: d.durationMs,
    created_at: toIsoUtc(d.createdAt),
    last_attempt_at: toIsoUtcOrNull(d.lastAttemptAt),
  };
}
