import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { columnTypes } from '../../database/column-types';
import { decimalTransformer } from '../../database/decimal.transformer';
import { ProjectEntity } from '../projects/project.entity';
import { UserEntity } from '../users/user.entity';

export const TASK_STATUSES = ['todo', 'in_progress', 'review', 'done', 'cancelled'] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];

/** Stored as its rank (1 low .. 4 urgent), so lists order and index by it. */
export const TASK_PRIORITIES = ['low', 'medium', 'high', 'urgent'] as const;
export type TaskPriority = (typeof TASK_PRIORITIES)[number];

@Entity({ name: 'tasks' })
@Index('idx_tasks_project_id', ['projectId'])
@Index('idx_tasks_status', ['status'])
@Index('idx_tasks_assigned_to', ['assignedTo'])
@Index('idx_tasks_order', ['priority', 'dueDate', 'id'])
export class TaskEntity {
  @PrimaryGeneratedColumn({ name: 'id' })
  id: number;

  @Column({ name: 'project_id', type: 'integer' })
  projectId: number;

  @ManyToOne(() => ProjectEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'project_id', foreignKeyConstraintName: 'fk_tasks_project_id' })
  project?: ProjectEntity;

  @Column({ name: 'name', type: 'varchar', length: 200 })
  name: string;

  @Column({ name: 'description', type: 'text', nullable: true })
  description: string | null;

  @Column({ name: 'status', type: 'varchar', length: 20, default: 'todo' })
  status: TaskStatus;

  /** 1 low, 2 medium, 3 high, 4 urgent. */
  @Column({ name: 'priority', type: 'smallint', default: 2 })
  priority: number;

  @Column({ name: 'assigned_to', type: 'integer', nullable: true })
  assignedTo: number | null;

  @ManyToOne(() => UserEntity, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'assigned_to', foreignKeyConstraintName: 'fk_tasks_assigned_to' })
  assignee?: UserEntity | null;

  /** YYYY-MM-DD. */
  @Column({ name: 'due_date', type: 'date', nullable: true })
  dueDate: string | null;

  @Column({
    name: 'estimated_hours',
    type: 'decimal',
    precision: 12,
    scale: 2,
    nullable: true,
    transformer: decimalTransformer,
  })
  estimatedHours: number | null;

  @Column({ name: 'completed_at', type: columnTypes.timestamp, nullable: true })
  completedAt: Date | null;

  @Column({ name: 'created_at', type: columnTypes.timestamp })
  createdAt: Date;

  @Column({ name: 'updated_at', type: columnTypes.timestamp })
  updatedAt: Date;
}
