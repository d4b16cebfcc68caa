import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, Unique } from 'typeorm';
import { columnTypes } from '../../database/column-types';
import { decimalTransformer } from '../../database/decimal.transformer';
import { ClientEntity } from '../clients/client.entity';

export const PROJECT_STATUSES = ['active', 'inactive', 'on_hold', 'archived'] as const;
export type ProjectStatus = (typeof PROJECT_STATUSES)[number];

@Entity({ name: 'projects' })
@Unique('uq_projects_code', ['code'])
@Index('idx_projects_status_name', ['status', 'name'])
@Index('idx_projects_client_id', ['clientId'])
export class ProjectEntity {
  @PrimaryGeneratedColumn({ name: 'id' })
  id: number;

  @Column({ name: 'name', type: 'varchar', length: 200 })
  name: string;

  @Column({ name: 'description', type: 'text', nullable: true })
  description: string | null;

  @Column({ name: 'client_id', type: 'integer', nullable: true })
  clientId: number | null;

  @ManyToOne(() => ClientEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'client_id', foreignKeyConstraintName: 'fk_projects_client_id' })
  client?: ClientEntity | null;

  /** Upper-cased; unique when set. */
  @Column({ name: 'code', type: 'varchar', length: 20, nullable: true })
  code: string | null;

  @Column({ name: 'billable', type: 'boolean', default: true })
  billable: boolean;

  @Column({
    name: 'hourly_rate',
    type: 'decimal',
    precision: 12,
    scale: 2,
    nullable: true,
    transformer: decimalTransformer,
  })
  hourlyRate: number | null;

  @Column({
    name: 'estimated_hours',
    type: 'decimal',
    precision: 12,
    scale: 2,
    nullable: true,
    transformer: decimalTransformer,
  })
  estimatedHours: number | null;

  @Column({
    name: 'budget_amount',
    type: 'decimal',
    precision: 14,
    scale: 2,
    nullable: true,
    transformer: decimalTransformer,
  })
  budgetAmount: number | null;

  @Column({ name: 'color', type: 'varchar', length: 7, nullable: true })
  color: string | null;

  @Column({ name: 'status', type: 'varchar', length: 20, default: 'active' })
  status: ProjectStatus;

  @Column({ name: 'archived_at', type: columnTypes.timestamp, nullable: true })
  archivedAt: Date | null;

  @Column({ name: 'created_at', type: columnTypes.timestamp })
  createdAt: Date;

  @Column({ name: 'updated_at', type: columnTypes.timestamp })
  updatedAt: Date;
}
