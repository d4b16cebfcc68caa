import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { columnTypes } from '../../database/column-types';
import { UserEntity } from '../users/user.entity';

@Entity({ name: 'api_tokens' })
@Index('idx_api_tokens_user_id', ['userId'])
export class ApiTokenEntity {
  @PrimaryGeneratedColumn({ name: 'id' })
  id: number;

  @Column({ name: 'name', type: 'varchar', length: 200 })
  name: string;

  @Column({ name: 'description', type: 'text', nullable: true })
  description: string | null;

  @Column({ name: 'user_id', type: 'integer' })
  userId: number;

  @ManyToOne(() => UserEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id' })
  user?: UserEntity;

  @Column({ name: 'scopes', type: 'simple-array' })
  scopes: string[];

  /** SHA-256 hex of the token; the token itself is never stored. */
  @Column({ name: 'token_hash', type: 'varchar', length: 64, unique: true })
  tokenHash: string;

  @Column({ name: 'token_prefix', type: 'varchar', length: 16 })
  tokenPrefix: string;

  @Column({ name: 'ip_allowlist', type: 'simple-array', nullable: true })
  ipAllowlist: string[] | null;

  @Column({ name: 'is_active', type: 'boolean', default: true })
  isActive: boolean;

  @Column({ name: 'usage_count', type: 'integer', default: 0 })
  usageCount: number;

  @Column({ name: 'created_at', type: columnTypes.timestamp })
  createdAt: Date;

  @Column({ name: 'expires_at', type: columnTypes.timestamp, nullable: true })
  expiresAt: Date | null;

  @Column({ name: 'last_used_at', type: columnTypes.timestamp, nullable: true })
  lastUsedAt: Date | null;

  @Column({ name: 'revoked_at', type: columnTypes.timestamp, nullable: true })
  revokedAt: Date | null;
}
