import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { type EntityManager, Repository } from 'typeorm';
import { inWindow, type PageWindow } from '../../common/pagination/paginate';
import { containsPattern } from '../../database/like';
import { ProjectEntity, type ProjectStatus } from './project.entity';

export interface ProjectListFilter {
  /** One status, or undefined for "every status but archived", or 'all'. */
  status?: ProjectStatus | 'all';
  clientId?: number;
  q?: string;
}

@Injectable()
export class ProjectsRepository {
  constructor(@InjectRepository(ProjectEntity) private readonly projects: Repository<ProjectEntity>) {}

  findById(id: number, manager?: EntityManager): Promise<ProjectEntity | null> {
    return this.repo(manager).findOne({ where: { id }, relations: { client: true } });
  }

  findByCode(code: string, manager?: EntityManager): Promise<ProjectEntity | null> {
    return this.repo(manager).findOneBy({ code });
  }

  /** Ordered by name, then id; the client joined for its name. */
  list(filter: ProjectListFilter, window: PageWindow): Promise<[ProjectEntity[], number]> {
    const qb = this.projects
      .createQueryBuilder('p')
      .leftJoinAndSelect('p.client', 'c')
      .orderBy('p.name', 'ASC')
      .addOrderBy('p.id', 'ASC');
    if (filter.status === undefined) qb.andWhere("p.status <> 'archived'");
    else if (filter.status !== 'all') qb.andWhere('p.status = :status', { status: filter.status });
    if (filter.clientId !== undefined) qb.andWhere('p.client_id = :clientId', { clientId: filter.clientId });
    if (filter.q) qb.andWhere("LOWER(p.name) LIKE :q ESCAPE '\\'", { q: containsPattern(filter.q) });
    return inWindow(qb, window).getManyAndCount();
  }

  save(project: ProjectEntity, manager?: EntityManager): Promise<ProjectEntity> {
    return this.repo(manager).save(project);
  }

  private repo(manager?: EntityManager): Repository<ProjectEntity> {
    return manager ? manager.getRepository(ProjectEntity) : this.projects;
  }
}
