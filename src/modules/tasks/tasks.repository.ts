import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { type EntityManager, Repository } from 'typeorm';
import { inWindow, type PageWindow } from '../../common/pagination/paginate';
import { containsPattern } from '../../database/like';
import { TaskEntity, type TaskStatus } from './task.entity';

export interface TaskListFilter {
  projectId?: number;
  status?: TaskStatus;
  assignedTo?: number;
  q?: string;
}

@Injectable()
export class TasksRepository {
  constructor(@InjectRepository(TaskEntity) private readonly tasks: Repository<TaskEntity>) {}

  findById(id: number, manager?: EntityManager): Promise<TaskEntity | null> {
    return this.repo(manager).findOne({ where: { id }, relations: { project: true } });
  }

  /** Stable order: priority (urgent first), due date (none last), id. */
  list(filter: TaskListFilter, window: PageWindow): Promise<[TaskEntity[], number]> {
    const qb = this.tasks
      .createQueryBuilder('t')
      .leftJoinAndSelect('t.project', 'p')
      .orderBy('t.priority', 'DESC')
      .addOrderBy('t.due_date', 'ASC', 'NULLS LAST')
      .addOrderBy('t.id', 'ASC');
    if (filter.projectId !== undefined) qb.andWhere('t.project_id = :projectId', { projectId: filter.projectId });
    if (filter.status !== undefined) qb.andWhere('t.status = :status', { status: filter.status });
    if (filter.assignedTo !== undefined) qb.andWhere('t.assigned_to = :assignedTo', { assignedTo: filter.assignedTo });
    if (filter.q) qb.andWhere("LOWER(t.name) LIKE :q ESCAPE '\\'", { q: containsPattern(filter.q) });
    return inWindow(qb, window).getManyAndCount();
  }

  save(task: TaskEntity, manager?: EntityManager): Promise<TaskEntity> {
    return this.repo(manager).save(task);
  }

  async delete(id: number, manager: EntityManager): Promise<void> {
    await manager.delete(TaskEntity, { id });
  }

  private repo(manager?: EntityManager): Repository<TaskEntity> {
    return manager ? manager.getRepository(TaskEntity) : this.tasks;
  }
}
