import { IdempotencyKeyEntity } from '../common/idempotency/idempotency-key.entity';
import { IdempotencyResponseEntity } from '../common/idempotency/idempotency-response.entity';
import { ApiTokenEntity } from '../modules/api-tokens/api-token.entity';
import { ClientEntity } from '../modules/clients/client.entity';
import {
  StockItemEntity,
  StockMovementEntity,
  WarehouseEntity,
  WarehouseStockEntity,
} from '../modules/inventory/inventory.entities';
import { ProjectEntity } from '../modules/projects/project.entity';
import { SettingEntity } from '../modules/settings/setting.entity';
import { TaskEntity } from '../modules/tasks/task.entity';
import { TimeEntryEntity } from '../modules/time-entries/time-entry.entity';
import { ProjectTotalsEntity, TaskTotalsEntity, UserTotalsEntity } from '../modules/time-entries/time-totals.entity';
import { UserEntity } from '../modules/users/user.entity';
import { WebhookDeliveryEntity, WebhookEntity, WebhookEventEntity } from '../modules/webhooks/webhook.entities';

/** Registration list of every entity (no globbing: the same list works from src and dist). */
export const ENTITIES = [
  SettingEntity,
  UserEntity,
  ApiTokenEntity,
  IdempotencyKeyEntity,
  IdempotencyResponseEntity,
  ClientEntity,
  ProjectEntity,
  TaskEntity,
  TimeEntryEntity,
  ProjectTotalsEntity,
  TaskTotalsEntity,
  UserTotalsEntity,
  WarehouseEntity,
  StockItemEntity,
  WarehouseStockEntity,
  StockMovementEntity,
  WebhookEntity,
  WebhookEventEntity,
  WebhookDeliveryEntity,
];
