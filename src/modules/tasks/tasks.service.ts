import { timeEntryChange } from '../time-entries/time-entry.mapper';
import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../../config/app-config';
import { updatedSinceOf } from '../../common/time/updated-since';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { DomainError } from '../../common/errors/domain-error';
import { assertIfMatch, lockRowForUpdate } from '../../common/http/conditional';
import { pageRequest, paginate } from '../../common/pagination/paginate';
import { TransactionService } from '../../database/transaction.service';
import { ProjectsRepository } from '../projects/projects.repository';
import { hoursBy } from '../time-entries/time-totals';
import { WebhookOutbox } from '../webhooks/webhook-outbox';
import { ChangeLog } from '../changes/change-log';
import type { ChangeAction } from '../changes/change.entity';
import type { AuthContext } from '../../common/auth/auth-context';
import { UsersRepository } from '../users/users.repository';
import type { CreateTaskDto } from './dto/create-task.dto';
import type { ListTasksQueryDto } from './dto/list-tasks-query.dto';
import type { UpdateTaskDto } from './dto/update-task.dto';
import { TaskEntity } from './task.entity';
import { priorityRank, toTaskResponse } from './task.mapper';
import { TasksRepository } from './tasks.repository';
import { TASK_SORTS } from './task.sorts';

@Injectable()
export class TasksService {
  constructor(
    private readonly tasks: TasksRepository,
    private readonly projects: ProjectsRepository,
    private readonly users: UsersRepository,
    private readonly transactions: TransactionService,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly outbox: WebhookOutbox,
    private readonly changes: ChangeLog,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async listTasks(query: ListTasksQueryDto) {
    const request = pageRequest(query, TASK_SORTS.order(query.sort));
    const [rows, count] = await this.tasks.list(
      {
        projectId: query.project_id,
        status: query.status,
        assignedTo: query.assigned_to,
        q: query.q,
        updatedSince: updatedSinceOf(query.updated_since, this.config.timezone),
      },
      request,
    );
    // Not for the row past the page, fetched only to tell whether another page follows.
    const hours = await this.hours(rows.slice(0, request.perPage).map((t) => t.id));
    return paginate('tasks', request, rows, count, (t) => toTaskResponse(t, hours.get(t.id)?.total));
  }

  async getTask(id: number) {
    return { task: await this.respond(await this.findOrFail(id)) };
  }

  async createTask(auth: AuthContext, dto: CreateTaskDto) {
    const task = await this.transactions.run(auth, (manager) => this.createWithin(manager, auth, dto));
    return { message: 'Task created successfully', task: await this.respond(task) };
  }

  /** Creates a task inside the caller's transaction (a CSV import's create_missing), with its events and change. */
  async createWithin(manager: EntityManager, auth: AuthContext, dto: CreateTaskDto): Promise<TaskEntity> {
    const now = new Date();
    const entity = Object.assign(new TaskEntity(), {
      description: null,
      status: 'todo',
      priority: priorityRank('medium'),
      assignedTo: null,
      dueDate: null,
      estimatedHours: null,
      completedAt: null,
      createdAt: now,
    });
    await this.apply(entity, dto, manager);
    const saved = await this.save(entity, manager);
    await this.outbox.emit(manager, 'task.created', auth, toTaskResponse(saved));
    if (saved.status === 'done') await this.outbox.emit(manager, 'task.completed', auth, toTaskResponse(saved));
    await this.recordChange(manager, auth, saved, 'created');
    return saved;
  }

  async updateTask(auth: AuthContext, id: number, dto: UpdateTaskDto, ifMatch?: string) {
    const task = await this.transactions.run(auth, async (manager) => {
      const entity = await this.findForWrite(id, manager, ifMatch);
      const before = entity.status;
      await this.apply(entity, dto, manager);
      const saved = await this.save(entity, manager);
      await this.outbox.emit(manager, 'task.updated', auth, toTaskResponse(saved));
      if (saved.status === 'done' && before !== 'done') {
        await this.outbox.emit(manager, 'task.completed', auth, toTaskResponse(saved));
      }
      await this.recordChange(manager, auth, saved, 'updated');
      return saved;
    });
    return { message: 'Task updated successfully', task: await this.respond(task) };
  }

  async deleteTask(auth: AuthContext, id: number, ifMatch?: string) {
    await this.transactions.run(auth, async (manager) => {
      await this.findForWrite(id, manager, ifMatch);
      // The task's time entries stay, without it: each is a changed entry in the feed.
      const detached = await this.tasks.detachEntries(id, manager);
      await this.tasks.delete(id, manager);
      await this.changes.record(manager, auth, { type: 'task', id, action: 'deleted', data: null });
      await this.changes.recordEach(
        manager,
        auth,
        detached.map((entry) => timeEntryChange(entry, 'updated')),
      );
    });
    return { message: 'Task deleted successfully' };
  }

  private async apply(entity: TaskEntity, dto: CreateTaskDto | UpdateTaskDto, manager: EntityManager): Promise<void> {
    if (dto.project_id !== undefined) {
      const project = await this.projects.findById(dto.project_id, manager);
      if (!project) throw DomainError.notFound(`Project ${dto.project_id}`);
      entity.projectId = project.id;
      entity.project = project;
    }
    if (dto.assigned_to !== undefined && dto.assigned_to !== null) {
      if (!(await this.users.findById(dto.assigned_to))) throw DomainError.notFound(`User ${dto.assigned_to}`);
    }
    if (dto.assigned_to !== undefined) entity.assignedTo = dto.assigned_to;
    if (dto.name !== undefined) entity.name = dto.name;
    if (dto.description !== undefined) entity.description = dto.description;
    if (dto.priority !== undefined) entity.priority = priorityRank(dto.priority);
    if (dto.due_date !== undefined) entity.dueDate = dto.due_date;
    if (dto.estimated_hours !== undefined) entity.estimatedHours = dto.estimated_hours;
    if (dto.status !== undefined && dto.status !== entity.status) {
      // Entering done stamps the completion; leaving done clears it.
      entity.completedAt = dto.status === 'done' ? new Date() : null;
      entity.status = dto.status;
    }
  }

  /** The changes feed's row: the task as GET shows it after this write. */
  private async recordChange(manager: EntityManager, auth: AuthContext, task: TaskEntity, action: ChangeAction) {
    const data = await this.respond(task, manager);
    await this.changes.record(manager, auth, { type: 'task', id: task.id, action, data });
  }

  /** As GET shows it: the If-Match check builds the same body. */
  private async respond(task: TaskEntity, manager?: EntityManager) {
    return toTaskResponse(task, (await this.hours([task.id], manager)).get(task.id)?.total);
  }

  private hours(taskIds: number[], manager = this.dataSource.manager) {
    return hoursBy(manager, 'task_id', taskIds);
  }

  /** The row locked for this transaction, after its `If-Match` held. */
  private async findForWrite(id: number, manager: EntityManager, ifMatch: string | undefined) {
    await lockRowForUpdate(manager, TaskEntity, id);
    const task = await this.findOrFail(id, manager);
    await assertIfMatch(ifMatch, async () => ({ task: await this.respond(task, manager) }));
    return task;
  }

  private save(entity: TaskEntity, manager: EntityManager): Promise<TaskEntity> {
    entity.updatedAt = new Date();
    return this.tasks.save(entity, manager);
  }

  private async findOrFail(id: number, manager?: EntityManager): Promise<TaskEntity> {
    const task = await this.tasks.findById(id, manager);
    if (!task) throw DomainError.notFound(`Task ${id}`);
    return task;
  }
}
