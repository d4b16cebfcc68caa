import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { type EntityManager, Repository } from 'typeorm';
import { ListCounter, type ListCount } from '../../common/pagination/list-counter';
import { inPage, type PageRequest } from '../../common/pagination/paginate';
import { containsPattern } from '../../database/like';
import { ProjectEntity, type ProjectStatus } from './project.entity';

export interface ProjectListFilter {
  /** One status, or undefined for "every status but archived", or 'all'. */
  status?: ProjectStatus | 'all';
  clientId?: number;
  q?: string;
  /** Changed at or after (updated_since). */
  updatedSince?: Date;
}

@Injectable()
export class ProjectsRepository {
  constructor(
    @InjectRepository(ProjectEntity) private readonly projects: Repository<ProjectEntity>,
    private readonly counter: ListCounter,
  ) {}

  findById(id: number, manager?: EntityManager): Promise<ProjectEntity | null> {
    return this.repo(manager).findOne({ where: { id }, relations: { client: true } });
  }

  findByCode(code: string, manager?: EntityManager): Promise<ProjectEntity | null> {
    return this.repo(manager).findOneBy({ code });
  }

  /** One page in `request`'s order, the client joined for its name, and the count. */
  list(filter: ProjectListFilter, request: PageRequest<ProjectEntity>): Promise<[ProjectEntity[], ListCount]> {
    const qb = this.projects.createQueryBuilder('p');
    if (filter.status === undefined) qb.andWhere("p.status <> 'archived'");
    else if (filter.status !== 'all') qb.andWhere('p.status = :status', { status: filter.status });
    if (filter.clientId !== undefined) qb.andWhere('p.client_id = :clientId', { clientId: filter.clientId });
    if (filter.q) qb.andWhere("LOWER(p.name) LIKE :q ESCAPE '\\'", { q: containsPattern(filter.q) });
    if (filter.updatedSince) qb.andWhere('p.updated_at >= :since', { since: filter.updatedSince });
    const page = inPage(qb.clone().leftJoinAndSelect('p.client', 'c'), request).getMany();
    return Promise.all([page, this.counter.count(qb)]);
  }

  save(project: ProjectEntity, manager?: EntityManager): Promise<ProjectEntity> {
    return this.repo(manager).save(project);
  }

  private repo(manager?: EntityManager): Repository<ProjectEntity> {
    return manager ? manager.getRepository(ProjectEntity) : this.projects;
  }
}
