import { Column, Entity, JoinColumn, ManyToOne, PrimaryColumn, type ValueTransformer } from 'typeorm';
import { ProjectEntity } from '../projects/project.entity';
import { TaskEntity } from '../tasks/task.entity';
import { UserEntity } from '../users/user.entity';

/** bigint sums as JS numbers (seconds stay far below 2^53). */
const seconds: ValueTransformer = {
  to: (value: number | undefined) => value,
  from: (value: string | number) => Number(value),
};

/**
 * Seconds of completed time entries per project, task and user. Written only by the database
 * triggers of migration 1764400000013 (every write to time_entries, whatever issues it); the app
 * only reads them. A missing row means zero.
 */
@Entity({ name: 'project_totals' })
export class ProjectTotalsEntity {
  @PrimaryColumn({ name: 'project_id', type: 'integer' })
  projectId: number;

  /** user_id % 16: concurrent writers of one project (task) rarely share a row. */
  @PrimaryColumn({ name: 'slot', type: 'smallint' })
  slot: number;

  @ManyToOne(() => ProjectEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'project_id', foreignKeyConstraintName: 'fk_project_totals_project_id' })
  project?: ProjectEntity;

  @Column({ name: 'total_seconds', type: 'bigint', default: 0, transformer: seconds })
  totalSeconds: number;

  @Column({ name: 'billable_seconds', type: 'bigint', default: 0, transformer: seconds })
  billableSeconds: number;
}

@Entity({ name: 'task_totals' })
export class TaskTotalsEntity {
  @PrimaryColumn({ name: 'task_id', type: 'integer' })
  taskId: number;

  /** user_id % 16: concurrent writers of one project (task) rarely share a row. */
  @PrimaryColumn({ name: 'slot', type: 'smallint' })
  slot: number;

  @ManyToOne(() => TaskEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'task_id', foreignKeyConstraintName: 'fk_task_totals_task_id' })
  task?: TaskEntity;

  @Column({ name: 'total_seconds', type: 'bigint', default: 0, transformer: seconds })
  totalSeconds: number;

  @Column({ name: 'billable_seconds', type: 'bigint', default: 0, transformer: seconds })
  billableSeconds: number;
}

@Entity({ name: 'user_totals' })
export class UserTotalsEntity {
  @PrimaryColumn({ name: 'user_id', type: 'integer' })
  userId: number;

  @ManyToOne(() => UserEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'fk_user_totals_user_id' })
  user?: UserEntity;

  @Column({ name: 'total_seconds', type: 'bigint', default: 0, transformer: seconds })
  totalSeconds: number;

  @Column({ name: 'billable_seconds', type: 'bigint', default: 0, transformer: seconds })
  billableSeconds: number;
}

/**
 * Completed time entries per user (migration 1764400000018's triggers, beside the totals): the
 * total of a user's unfiltered list without counting its entries. A missing row means zero.
 */
@Entity({ name: 'user_entry_counts' })
export class UserEntryCountEntity {
  @PrimaryColumn({ name: 'user_id', type: 'integer' })
  userId: number;

  @ManyToOne(() => UserEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'fk_user_entry_counts_user_id' })
  user?: UserEntity;

  @Column({ name: 'entries', type: 'integer', default: 0 })
  entries: number;
}
