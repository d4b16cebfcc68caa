import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { type EntityManager, Repository } from 'typeorm';
import type { PageWindow } from '../../common/pagination/paginate';
import { ApiTokenEntity } from './api-token.entity';

export interface ApiTokenListFilter {
  userId?: number;
  isActive?: boolean;
}

@Injectable()
export class ApiTokensRepository {
  constructor(@InjectRepository(ApiTokenEntity) private readonly tokens: Repository<ApiTokenEntity>) {}

  /** The token and its user in one query: the authentication lookup. */
  findByHashWithUser(tokenHash: string): Promise<ApiTokenEntity | null> {
    return this.tokens.findOne({ where: { tokenHash }, relations: { user: true } });
  }

  findById(id: number, manager?: EntityManager): Promise<ApiTokenEntity | null> {
    return this.repo(manager).findOne({ where: { id }, relations: { user: true } });
  }

  /** Newest first. */
  list(filter: ApiTokenListFilter, window: PageWindow): Promise<[ApiTokenEntity[], number]> {
    const qb = this.tokens
      .createQueryBuilder('t')
      .leftJoinAndSelect('t.user', 'u')
      .orderBy('t.created_at', 'DESC')
      .addOrderBy('t.id', 'DESC')
      .skip(window.offset)
      .take(window.limit);
    if (filter.userId !== undefined) qb.andWhere('t.user_id = :userId', { userId: filter.userId });
    if (filter.isActive !== undefined) qb.andWhere('t.is_active = :active', { active: filter.isActive });
    return qb.getManyAndCount();
  }

  save(token: ApiTokenEntity, manager?: EntityManager): Promise<ApiTokenEntity> {
    return this.repo(manager).save(token);
  }

  /** Adds usage counted in memory since the last flush; one UPDATE per token. */
  async addUsage(manager: EntityManager, tokenId: number, count: number, lastUsedAt: Date): Promise<void> {
    await manager
      .createQueryBuilder()
      .update(ApiTokenEntity)
      .set({ usageCount: () => `usage_count + ${Math.trunc(count)}`, lastUsedAt })
      .where('id = :id', { id: tokenId })
      .execute();
  }

  private repo(manager?: EntityManager): Repository<ApiTokenEntity> {
    return manager ? manager.getRepository(ApiTokenEntity) : this.tokens;
  }
}
