import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { containsPattern } from '../../database/like';
import { unicodeLowerFunction } from '../../database/unicode-lower';
import { ClientEntity } from '../clients/client.entity';
import { ProjectEntity } from '../projects/project.entity';
import { TaskEntity } from '../tasks/task.entity';
import { TimeEntryEntity } from '../time-entries/time-entry.entity';

/**
 * Case-insensitive "contains" searches (any script, on both databases), each bounded by `limit`;
 * `%` and `_` are literal.
 */
@Injectable()
export class SearchRepository {
  /** `column` contains `:q` (a `containsPattern`), folding case beyond ASCII. */
  private readonly like: (column: string) => string;

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {
    const lower = unicodeLowerFunction(dataSource.options.type);
    this.like = (column) => `${lower}(COALESCE(${column}, '')) LIKE :q ESCAPE '\\'`;
  }

  /** Active projects only (as the original), by name or description. */
  projects(q: string, limit: number): Promise<ProjectEntity[]> {
    return this.dataSource
      .createQueryBuilder(ProjectEntity, 'p')
      .where("p.status = 'active'")
      .andWhere(`(${this.like('p.name')} OR ${this.like('p.description')})`, { q: containsPattern(q) })
      .orderBy('p.name', 'ASC')
      .addOrderBy('p.id', 'ASC')
      .take(limit)
      .getMany();
  }

  /** Tasks of active projects only, by name or description. */
  tasks(q: string, limit: number): Promise<TaskEntity[]> {
    return this.dataSource
      .createQueryBuilder(TaskEntity, 't')
      .innerJoinAndSelect('t.project', 'p')
      .where("p.status = 'active'")
      .andWhere(`(${this.like('t.name')} OR ${this.like('t.description')})`, { q: containsPattern(q) })
      .orderBy('t.name', 'ASC')
      .addOrderBy('t.id', 'ASC')
      .take(limit)
      .getMany();
  }

  /** Clients by name, email, company, contact person or description. */
  clients(q: string, limit: number): Promise<ClientEntity[]> {
    const columns = ['c.name', 'c.email', 'c.company', 'c.contact_person', 'c.description'];
    return this.dataSource
      .createQueryBuilder(ClientEntity, 'c')
      .where(`(${columns.map(this.like).join(' OR ')})`, { q: containsPattern(q) })
      .orderBy('c.name', 'ASC')
      .addOrderBy('c.id', 'ASC')
      .take(limit)
      .getMany();
  }

  /** Completed entries by notes or tags, newest first; `userId` restricts to one user's. */
  entries(q: string, limit: number, userId: number | null): Promise<TimeEntryEntity[]> {
    const qb = this.dataSource
      .createQueryBuilder(TimeEntryEntity, 'e')
      .leftJoinAndSelect('e.project', 'p')
      .leftJoinAndSelect('e.task', 't')
      .leftJoinAndSelect('e.client', 'c')
      .where('e.end_time IS NOT NULL')
      .andWhere(`(${this.like('e.notes')} OR ${this.like('e.tags')})`, { q: containsPattern(q) })
      .orderBy('e.start_time', 'DESC')
      .addOrderBy('e.id', 'DESC')
      .take(limit);
    if (userId !== null) qb.andWhere('e.user_id = :userId', { userId });
    return qb.getMany();
  }
}
