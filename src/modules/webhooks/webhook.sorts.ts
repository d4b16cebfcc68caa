import { listSorts, type SortFields } from '../../common/pagination/list-order';
import type { WebhookDeliveryEntity, WebhookEntity } from './webhook.entities';

/** The fields the webhook list can be ordered by. */
export const WEBHOOK_SORT: SortFields<WebhookEntity> = {
  name: { column: 'w.name', type: 'string', value: (w) => w.name },
  created_at: { column: 'w.created_at', type: 'timestamp', value: (w) => w.createdAt },
  updated_at: { column: 'w.updated_at', type: 'timestamp', value: (w) => w.updatedAt },
  id: { column: 'w.id', type: 'integer', value: (w) => w.id },
};

/** Newest first. */
export const WEBHOOK_SORTS = listSorts('webhooks', WEBHOOK_SORT, '-created_at,-id');

/**
 * The fields a webhook's delivery list can be ordered by: `id` only (creation order, `-id` newest
 * first), the one order idx_webhook_deliveries_webhook serves for a webhook with any number of them.
 */
export const DELIVERY_SORT: SortFields<WebhookDeliveryEntity> = {
  id: { column: 'd.id', type: 'integer', value: (d) => d.id },
};

/** Newest first (idx_webhook_deliveries_webhook in reverse). */
export const DELIVERY_SORTS = listSorts('webhook_deliveries', DELIVERY_SORT, '-id');
