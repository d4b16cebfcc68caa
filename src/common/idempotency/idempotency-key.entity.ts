import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, Unique } from 'typeorm';
import { columnTypes } from '../../database/column-types';
import { ApiTokenEntity } from '../../modules/api-tokens/api-token.entity';

/**
 * running: the first request holds the key; committed: its change committed (same transaction).
 * The response to replay, once stored, is in idempotency_responses.
 */
export type IdempotencyState = 'running' | 'committed';

@Entity({ name: 'idempotency_keys' })
@Unique('uq_idempotency_keys_token_key', ['tokenId', 'key'])
@Index('idx_idempotency_keys_expires_at', ['expiresAt'])
export class IdempotencyKeyEntity {
  @PrimaryGeneratedColumn({ name: 'id' })
  id: number;

  @Column({ name: 'token_id', type: 'integer' })
  tokenId: number;

  @ManyToOne(() => ApiTokenEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'token_id', foreignKeyConstraintName: 'fk_idempotency_keys_token_id' })
  token?: ApiTokenEntity;

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
