import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { columnTypes } from '../../database/column-types';

export const CHANGE_TYPES = [
  'project',
  'client',
  'task',
  'time_entry',
  'webhook',
  'inventory_item',
  'warehouse',
  'user',
  'api_token',
] as const;
export type ChangeType = (typeof CHANGE_TYPES)[number];
export const CHANGE_ACTIONS = ['created', 'updated', 'deleted'] as const;
export type ChangeAction = (typeof CHANGE_ACTIONS)[number];

/**
 * The changes feed (contract §11): one row per write, in the write's transaction. `txid` is the
 * writing transaction's id on PostgreSQL (null on SQLite): readers take positions as snapshots
 * and return the rows a newer snapshot sees and the position's does not (changes.repository.ts).
 */
@Entity({ name: 'changes' })
@Index('idx_changes_txid', ['txid'])
@Index('idx_changes_changed_at', ['changedAt'])
export class ChangeEntity {
  @PrimaryGeneratedColumn({ name: 'id' }) id: number;
  @Column({ name: 'txid', type: 'bigint', nullable: true }) txid: string | null;
  @Column({ name: 'type', type: 'varchar', length: 20 }) type: ChangeType;
  @Column({ name: 'resource_id', type: 'integer' }) resourceId: number;
  @Column({ name: 'action', type: 'varchar', length: 10 }) action: ChangeAction;
  /** The user a per-user resource belongs to (time entries, webhooks); null when shared. */
  @Column({ name: 'owner_id', type: 'integer', nullable: true }) ownerId: number | null;
  @Column({ name: 'actor_id', type: 'integer', nullable: true }) actorId: number | null;
  @Column({ name: 'actor_username', type: 'varchar', length: 100, nullable: true }) actorUsername: string | null;
  /** The resource as its GET returned it right after the change, as JSON; null for `deleted`. */
  @Column({ name: 'data', type: 'text', nullable: true }) data: string | null;
  @Column({ name: 'changed_at', type: columnTypes.timestamp }) changedAt: Date;
}

/** Where purging stopped (one row): a cursor from before it is 410 `cursor_expired`. */
@Entity({ name: 'changes_purge' })
export class ChangesPurgeEntity {
  @PrimaryGeneratedColumn({ name: 'id' }) id: number;
  /** The highest id purged (SQLite positions are ids). */
  @Column({ name: 'max_id', type: 'integer' }) maxId: number;
  /** The highest writing transaction purged (PostgreSQL positions are snapshots). */
  @Column({ name: 'max_txid', type: 'bigint', nullable: true }) maxTxid: string | null;
  @Column({ name: 'purged_at', type: columnTypes.timestamp }) purgedAt: Date;
}
