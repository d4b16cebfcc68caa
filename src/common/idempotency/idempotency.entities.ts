import { Column, Entity, Index, PrimaryColumn, PrimaryGeneratedColumn, Unique } from 'typeorm';
import { columnTypes } from '../../database/column-types';

@Entity({ name: 'idempotency_keys' })
@Unique('uq_idempotency_keys_token_key', ['tokenId', 'key'])
// Read by the purge only; BRIN on PostgreSQL (migration 11), which @Index cannot say.
@Index('idx_idempotency_keys_expires_at', { synchronize: false })
export class IdempotencyKeyEntity {
  @PrimaryGeneratedColumn({ name: 'id' }) id: number;
  /** No foreign key (migration 11): token ids are never reused, and the purge removes the rest. */
  @Column({ name: 'token_id', type: 'integer' }) tokenId: number;
  @Column({ name: 'key', type: 'varchar', length: 128 }) key: string;
  /** SHA-256 of method, path, query and canonical body. */
  @Column({ name: 'fingerprint', type: 'varchar', length: 64 }) fingerprint: string;
  /** committed: claimed in the change's own transaction; running: claimed outside any. */
  @Column({ name: 'state', type: 'varchar', length: 16 }) state: 'running' | 'committed';
  @Column({ name: 'locked_until', type: columnTypes.timestamp }) lockedUntil: Date;
  @Column({ name: 'created_at', type: columnTypes.timestamp }) createdAt: Date;
  @Column({ name: 'expires_at', type: columnTypes.timestamp }) expiresAt: Date;
}

/** A record's response, replayed byte for byte (the body exactly as sent). No foreign key. */
@Entity({ name: 'idempotency_responses' })
export class IdempotencyResponseEntity {
  @PrimaryColumn({ name: 'record_id', type: 'integer' }) recordId: number;
  @Column({ name: 'status', type: 'integer' }) status: number;
  @Column({ name: 'body', type: 'text' }) body: string;
}
