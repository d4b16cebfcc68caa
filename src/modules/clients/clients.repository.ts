import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { type EntityManager, Repository } from 'typeorm';
import { ListCounter, type ListCount } from '../../common/pagination/list-counter';
import { inPage, type PageRequest } from '../../common/pagination/paginate';
import { containsPattern } from '../../database/like';
import { ProjectEntity } from '../projects/project.entity';
import { ClientEntity, type ClientStatus } from './client.entity';
import type { ProjectCounts } from './client.mapper';

export interface ClientListFilter {
  status?: ClientStatus;
  q?: string;
  /** Changed at or after (updated_since). */
  updatedSince?: Date;
}

@Injectable()
export class ClientsRepository {
  constructor(
    @InjectRepository(ClientEntity) private readonly clients: Repository<ClientEntity>,
    private readonly counter: ListCounter,
  ) {}

  findById(id: number, manager?: EntityManager): Promise<ClientEntity | null> {
    return this.repo(manager).findOneBy({ id });
  }

  findByName(name: string, manager?: EntityManager): Promise<ClientEntity | null> {
    return this.repo(manager).findOneBy({ name });
  }

  /** One page in `request`'s order, and the count. */
  list(filter: ClientListFilter, request: PageRequest<ClientEntity>): Promise<[ClientEntity[], ListCount]> {
    const qb = this.clients.createQueryBuilder('c');
    if (filter.status) qb.andWhere('c.status = :status', { status: filter.status });
    if (filter.updatedSince) qb.andWhere('c.updated_at >= :since', { since: filter.updatedSince });
    if (filter.q) {
      qb.andWhere(
        "(LOWER(c.name) LIKE :q ESCAPE '\\' OR LOWER(COALESCE(c.company, '')) LIKE :q ESCAPE '\\' OR LOWER(COALESCE(c.email, '')) LIKE :q ESCAPE '\\')",
        { q: containsPattern(filter.q) },
      );
    }
    return Promise.all([inPage(qb.clone(), request).getMany(), this.counter.count(qb)]);
  }

  /** Project counts for a whole page of clients in one GROUP BY query. */
  async projectCounts(clientIds: number[], manager?: EntityManager): Promise<Map<number, ProjectCounts>> {
    const counts = new Map<number, ProjectCounts>();
    if (clientIds.length === 0) return counts;
    const rows = await (manager ?? this.clients.manager)
      .createQueryBuilder(ProjectEntity, 'p')
      .select('p.client_id', 'client_id')
      .addSelect('COUNT(*)', 'total')
      .addSelect("SUM(CASE WHEN p.status = 'active' THEN 1 ELSE 0 END)", 'active')
      .where('p.client_id IN (:...clientIds)', { clientIds })
      .groupBy('p.client_id')
      .getRawMany<{ client_id: number; total: string | number; active: string | number }>();
    for (const row of rows) counts.set(Number(row.client_id), { total: Number(row.total), active: Number(row.active) });
    return counts;
  }

  save(client: ClientEntity, manager?: EntityManager): Promise<ClientEntity> {
    return this.repo(manager).save(client);
  }

  private repo(manager?: EntityManager): Repository<ClientEntity> {
    return manager ? manager.getRepository(ClientEntity) : this.clients;
  }
}
