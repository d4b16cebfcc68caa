import { Column, Entity, Index, PrimaryGeneratedColumn, Unique } from 'typeorm';
import { columnTypes } from '../../database/column-types';

/**
 * running: the first request holds the key; committed: its change committed (same transaction).
 * The response to replay, once stored, is in idempotency_responses.
 */
export type IdempotencyState = 'running' | 'committed';

@Entity({ name: 'idempotency_keys' })
@Unique('uq_idempotency_keys_token_key', ['tokenId', 'key'])
// Read by the purge only. BRIN on PostgreSQL (migration 11), which @Index cannot say: the
// migrations own it, and the schema check leaves it alone.
@Index('idx_idempotency_keys_expires_at', { synchronize: false })
export class IdempotencyKeyEntity {
  @PrimaryGeneratedColumn({ name: 'id' })
  id: number;

  /** No foreign key (migration 11): token ids are never reused, and the purge removes the rest. */
  @Column({ name: 'token_id', type: 'integer' })
  tokenId: number;

  @Column({ name: 'key', type: 'varchar', length: 128 })
  key: string;

  /** SHA-256 of method, path and canonical body. */
  @Column({ name: 'fingerprint', type: 'varchar', length: 64 })
  fingerprint: string;

  @Column({ name: 'state', type: 'varchar', length: 16 })
  state: IdempotencyState;

  @Column({ name: 'locked_until', type: columnTypes.timestamp })
  lockedUntil: Date;

  @Column({ name: 'created_at', type: columnTypes.timestamp })
  createdAt: Date;

  @Column({ name: 'expires_at', type: columnTypes.timestamp })
  expiresAt: Date;
}
