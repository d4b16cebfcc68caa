import type { DataSource, DataSourceOptions } from 'typeorm';
import { loadConfig, type AppConfig } from './config/app-config';
import { buildDataSourceOptions, openDataSource } from './database/data-source-options';
import { IdempotencyKeyEntity, IdempotencyResponseEntity } from './common/idempotency/idempotency.entities';
import { ApiTokenEntity } from './modules/api-tokens/api-token.entity';
import { ChangeEntity, ChangesPurgeEntity } from './modules/changes/change.entity';
import { ClientEntity } from './modules/clients/client.entity';
import {
  StockItemEntity,
  StockMovementEntity,
  WarehouseEntity,
  WarehouseStockEntity,
} from './modules/inventory/inventory.entities';
import { ProjectEntity } from './modules/projects/project.entity';
import { SettingEntity } from './modules/settings/setting.entity';
import { TaskEntity } from './modules/tasks/task.entity';
import { TimeEntryEntity } from './modules/time-entries/time-entry.entity';
import {
  ProjectTotalsEntity,
  TaskTotalsEntity,
  UserEntryCountEntity,
  UserTotalsEntity,
} from './modules/time-entries/time-totals.entity';
import { UserEntity } from './modules/users/user.entity';
import { WebhookDeliveryEntity, WebhookEntity, WebhookEventEntity } from './modules/webhooks/webhook.entities';
import { CreateSettings1764400000000 } from '../migrations/1764400000000-create-settings';
import { CreateUsersAndApiTokens1764400000001 } from '../migrations/1764400000001-create-users-and-api-tokens';
import { CreateIdempotencyKeys1764400000002 } from '../migrations/1764400000002-create-idempotency-keys';
import { CreateClientsProjectsTasks1764400000003 } from '../migrations/1764400000003-create-clients-projects-tasks';
import { CreateTimeEntries1764400000004 } from '../migrations/1764400000004-create-time-entries';
import { CreateInventory1764400000005 } from '../migrations/1764400000005-create-inventory';
import { CreateWebhooks1764400000006 } from '../migrations/1764400000006-create-webhooks';
import { AddWebhookPreviousSecret1764400000007 } from '../migrations/1764400000007-add-webhook-previous-secret';
import { IdempotencyKeysFillfactor1764400000008 } from '../migrations/1764400000008-idempotency-keys-fillfactor';
import { IdempotencyResponses1764400000009 } from '../migrations/1764400000009-idempotency-responses';
import { IdempotencyKeysFillfactorReset1764400000010 } from '../migrations/1764400000010-idempotency-keys-fillfactor-reset';
import { IdempotencyKeysLighterInserts1764400000011 } from '../migrations/1764400000011-idempotency-keys-lighter-inserts';
import { TimeEntriesKeysetIndexes1764400000012 } from '../migrations/1764400000012-time-entries-keyset-indexes';
import { TimeTotals1764400000013 } from '../migrations/1764400000013-time-totals';
import { TimeEntriesSortIndexes1764400000014 } from '../migrations/1764400000014-time-entries-sort-indexes';
import { ChangesFeed1764400000015 } from '../migrations/1764400000015-changes-feed';
import { IdempotencyClaimFunction1764400000016 } from '../migrations/1764400000016-idempotency-claim-function';
import { TimeEntryBreaks1764400000017 } from '../migrations/1764400000017-time-entry-breaks';
import { UserEntryCounts1764400000018 } from '../migrations/1764400000018-user-entry-counts';

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
  UserEntryCountEntity,
  WarehouseEntity,
  StockItemEntity,
  WarehouseStockEntity,
  StockMovementEntity,
  WebhookEntity,
  WebhookEventEntity,
  WebhookDeliveryEntity,
  ChangeEntity,
  ChangesPurgeEntity,
];

/** Registration list of every migration, in order. Never edit a migration after it has landed. */
export const MIGRATIONS = [
  CreateSettings1764400000000,
  CreateUsersAndApiTokens1764400000001,
  CreateIdempotencyKeys1764400000002,
  CreateClientsProjectsTasks1764400000003,
  CreateTimeEntries1764400000004,
  CreateInventory1764400000005,
  CreateWebhooks1764400000006,
  AddWebhookPreviousSecret1764400000007,
  IdempotencyKeysFillfactor1764400000008,
  IdempotencyResponses1764400000009,
  IdempotencyKeysFillfactorReset1764400000010,
  IdempotencyKeysLighterInserts1764400000011,
  TimeEntriesKeysetIndexes1764400000012,
  TimeTotals1764400000013,
  TimeEntriesSortIndexes1764400000014,
  ChangesFeed1764400000015,
  IdempotencyClaimFunction1764400000016,
  TimeEntryBreaks1764400000017,
  UserEntryCounts1764400000018,
];

/** The app's TypeORM options: its database (config) with every entity and migration. */
export function appDataSourceOptions(config: AppConfig): DataSourceOptions {
  return buildDataSourceOptions(config, { entities: ENTITIES, migrations: MIGRATIONS });
}

/** A DataSource for one CLI command, always destroyed afterwards. */
export async function withDataSource<T>(work: (ds: DataSource) => Promise<T>): Promise<T> {
  const ds = await openDataSource(appDataSourceOptions(loadConfig()));
  try {
    return await work(ds);
  } finally {
    await ds.destroy();
  }
}
