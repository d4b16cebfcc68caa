import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { type EntityManager, Repository } from 'typeorm';
import { ListCounter, type ListCount } from '../../common/pagination/list-counter';
import { inPage, type PageRequest } from '../../common/pagination/paginate';
import { containsPattern } from '../../database/like';
import { entriesWithRelations } from '../time-entries/time-entries.repository';
import { TimeEntryEntity } from '../time-entries/time-entry.entity';
import { TaskEntity, type TaskStatus } from './task.entity';

export interface TaskListFilter {
  projectId?: number;
  status?: TaskStatus;
  assignedTo?: number;
  q?: string;
  /** Changed at or after (updated_since). */
  updatedSince?: Date;
}

@Injectable()
export class TasksRepository {
  constructor(
    @InjectRepository(TaskEntity) private readonly tasks: Repository<TaskEntity>,
    private readonly counter: ListCounter,
  ) {}

  findById(id: number, manager?: EntityManager): Promise<TaskEntity | null> {
    return this.repo(manager).findOne({ where: { id }, relations: { project: true } });
  }

  /** One page in `request`'s order, each task with its project, and the count. */
  list(filter: TaskListFilter, request: PageRequest<TaskEntity>): Promise<[TaskEntity[], ListCount]> {
    const qb = this.tasks.createQueryBuilder('t');
    if (filter.projectId !== undefined) qb.andWhere('t.project_id = :projectId', { projectId: filter.projectId });
    if (filter.status !== undefined) qb.andWhere('t.status = :status', { status: filter.status });
    if (filter.assignedTo !== undefined) qb.andWhere('t.assigned_to = :assignedTo', { assignedTo: filter.assignedTo });
    if (filter.q) qb.andWhere("LOWER(t.name) LIKE :q ESCAPE '\\'", { q: containsPattern(filter.q) });
    if (filter.updatedSince) qb.andWhere('t.updated_at >= :since', { since: filter.updatedSince });
    const page = inPage(qb.clone().leftJoinAndSelect('t.project', 'p'), request).getMany();
    return Promise.all([page, this.counter.count(qb)]);
  }

  save(task: TaskEntity, manager?: EntityManager): Promise<TaskEntity> {
    return this.repo(manager).save(task);
  }

  /**
   * Takes the task off its time entries before it is deleted, as the foreign key's SET NULL would,
   * but as a change of each entry (updated_at moves, for updated_since): returns them as GET shows
   * them now, for the changes feed.
   */
  async detachEntries(id: number, manager: EntityManager): Promise<TimeEntryEntity[]> {
    const entries = manager.getRepository(TimeEntryEntity);
    const ids = (await entries.find({ select: { id: true }, where: { taskId: id }, order: { id: 'ASC' } })).map(
      (e) => e.id,
    );
    if (ids.length === 0) return [];
    await entries.update({ taskId: id }, { taskId: null, updatedAt: new Date() });
    return entriesWithRelations(manager, ids);
  }

  async delete(id: number, manager: EntityManager): Promise<void> {
    await manager.delete(TaskEntity, { id });
  }

  private repo(manager?: EntityManager): Repository<TaskEntity> {
    return manager ? manager.getRepository(TaskEntity) : this.tasks;
  }
}
