import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { type EntityManager, Repository } from 'typeorm';
import { ListCounter, type ListCount } from '../../common/pagination/list-counter';
import { inPage, type PageRequest } from '../../common/pagination/paginate';
import { containsPattern } from '../../database/like';
import { type RowsColumn, withRowsRelation } from '../../database/rows-relation';
import { UserEntity, type UserRole } from './user.entity';

export interface UserListFilter {
  role?: UserRole;
  isActive?: boolean;
  q?: string;
}

const LOGIN_COLUMNS: readonly RowsColumn[] = [
  { name: 'user_id', pgType: 'int' },
  { name: 'last_login', pgType: 'timestamptz' },
];

@Injectable()
export class UsersRepository {
  constructor(
    @InjectRepository(UserEntity) private readonly users: Repository<UserEntity>,
    private readonly counter: ListCounter,
  ) {}

  findById(id: number): Promise<UserEntity | null> {
    return this.users.findOneBy({ id });
  }

  findByUsername(username: string, manager?: EntityManager): Promise<UserEntity | null> {
    return this.repo(manager).findOneBy({ username: username.toLowerCase() });
  }

  async count(manager?: EntityManager): Promise<number> {
    return this.repo(manager).count();
  }

  /** One page in `request`'s order, and the count. */
  async list(filter: UserListFilter, request: PageRequest<UserEntity>): Promise<[UserEntity[], ListCount]> {
    const qb = this.users.createQueryBuilder('u');
    if (filter.role) qb.andWhere('u.role = :role', { role: filter.role });
    if (filter.isActive !== undefined) qb.andWhere('u.is_active = :active', { active: filter.isActive });
    if (filter.q) {
      qb.andWhere("(LOWER(u.username) LIKE :q ESCAPE '\\' OR LOWER(COALESCE(u.full_name, '')) LIKE :q ESCAPE '\\')", {
        q: containsPattern(filter.q),
      });
    }
    return Promise.all([inPage(qb.clone(), request).getMany(), this.counter.count(qb)]);
  }

  save(user: UserEntity, manager?: EntityManager): Promise<UserEntity> {
    return this.repo(manager).save(user);
  }

  /** Sets each user's `last_login_at` (their tokens' latest use), one statement for all of them. */
  async recordLogins(manager: EntityManager, logins: ReadonlyMap<number, Date>): Promise<void> {
    const rows = [...logins].sort(([a], [b]) => a - b);
    await withRowsRelation(
      manager,
      'login',
      LOGIN_COLUMNS,
      rows,
      (login) => `UPDATE users SET last_login_at = login.last_login FROM ${login} WHERE users.id = login.user_id`,
    );
  }

  private repo(manager?: EntityManager): Repository<UserEntity> {
    return manager ? manager.getRepository(UserEntity) : this.users;
  }
}
