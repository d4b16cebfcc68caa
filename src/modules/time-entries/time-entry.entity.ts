import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { columnTypes } from '../../database/column-types';
import { ClientEntity } from '../clients/client.entity';
import { ProjectEntity } from '../projects/project.entity';
import { TaskEntity } from '../tasks/task.entity';
import { UserEntity } from '../users/user.entity';

export const TIME_ENTRY_SOURCES = ['manual', 'timer', 'import'] as const;
export type TimeEntrySource = (typeof TIME_ENTRY_SOURCES)[number];

@Entity({ name: 'time_entries' })
// The list orders (and keysets) of a user and of an admin; end_time makes their counts index-only.
@Index('idx_time_entries_user_start_id', ['userId', 'startTime', 'id', 'endTime'])
@Index('idx_time_entries_start_id', ['startTime', 'id', 'endTime'])
// The overlap check for an entry at the present: the few completed entries ending after its start.
@Index('idx_time_entries_user_end', ['userId', 'endTime', 'startTime'], { where: 'end_time IS NOT NULL' })
@Index('idx_time_entries_project_start', ['projectId', 'startTime'])
// The list's other sorts (time-entry.sorts.ts), for one user and for an admin over everyone.
@Index('idx_time_entries_user_sort_end', ['userId', 'endTime', 'id'])
@Index('idx_time_entries_sort_end', ['endTime', 'id'])
@Index('idx_time_entries_user_sort_duration', ['userId', 'durationSeconds', 'id'])
@Index('idx_time_entries_sort_duration', ['durationSeconds', 'id'])
@Index('idx_time_entries_user_sort_project', ['userId', 'projectId', 'id'])
@Index('idx_time_entries_sort_project', ['projectId', 'id'])
// updated_since (contract §11), for one user's list and an admin's.
@Index('idx_time_entries_user_updated', ['userId', 'updatedAt'])
@Index('idx_time_entries_updated', ['updatedAt'])
// At most one running entry per user, enforced by the database across every process.
@Index('uq_time_entries_running_user', ['userId'], { unique: true, where: 'end_time IS NULL' })
export class TimeEntryEntity {
  @PrimaryGeneratedColumn({ name: 'id' })
  id: number;

  @Column({ name: 'user_id', type: 'integer' })
  userId: number;

  @ManyToOne(() => UserEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'fk_time_entries_user_id' })
  user?: UserEntity;

  @Column({ name: 'project_id', type: 'integer', nullable: true })
  projectId: number | null;

  @ManyToOne(() => ProjectEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'project_id', foreignKeyConstraintName: 'fk_time_entries_project_id' })
  project?: ProjectEntity | null;

  @Column({ name: 'client_id', type: 'integer', nullable: true })
  clientId: number | null;

  @ManyToOne(() => ClientEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'client_id', foreignKeyConstraintName: 'fk_time_entries_client_id' })
  client?: ClientEntity | null;

  @Column({ name: 'task_id', type: 'integer', nullable: true })
  taskId: number | null;

  /** Deleting a task keeps its time entries. */
  @ManyToOne(() => TaskEntity, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'task_id', foreignKeyConstraintName: 'fk_time_entries_task_id' })
  task?: TaskEntity | null;

  @Column({ name: 'start_time', type: columnTypes.timestamp })
  startTime: Date;

  /** Null while the entry runs. */
  @Column({ name: 'end_time', type: columnTypes.timestamp, nullable: true })
  endTime: Date | null;

  /** Worked time: whole seconds between start and end minus the break; null while running. */
  @Column({ name: 'duration_seconds', type: 'integer', nullable: true })
  durationSeconds: number | null;

  /** Seconds of break inside the span: pauses of the timer, or set by hand (contract §12). */
  @Column({ name: 'break_seconds', type: 'integer', default: 0 })
  breakSeconds: number;

  /** When the running entry was paused; null unless it is paused now. */
  @Column({ name: 'paused_at', type: columnTypes.timestamp, nullable: true })
  pausedAt: Date | null;

  @Column({ name: 'notes', type: 'text', nullable: true })
  notes: string | null;

  /** Comma-separated, trimmed, without empties or duplicates. */
  @Column({ name: 'tags', type: 'varchar', length: 500, nullable: true })
  tags: string | null;

  @Column({ name: 'source', type: 'varchar', length: 10, default: 'manual' })
  source: TimeEntrySource;

  @Column({ name: 'billable', type: 'boolean', default: true })
  billable: boolean;

  @Column({ name: 'paid', type: 'boolean', default: false })
  paid: boolean;

  @Column({ name: 'invoice_number', type: 'varchar', length: 100, nullable: true })
  invoiceNumber: string | null;

  @Column({ name: 'created_at', type: columnTypes.timestamp })
  createdAt: Date;

  @Column({ name: 'updated_at', type: columnTypes.timestamp })
  updatedAt: Date;
}
