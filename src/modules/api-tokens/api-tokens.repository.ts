import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { type EntityManager, Repository } from 'typeorm';
import { ListCounter, type ListCount } from '../../common/pagination/list-counter';
import { inPage, type PageRequest } from '../../common/pagination/paginate';
import { type RowsColumn, withRowsRelation } from '../../database/rows-relation';
import { ApiTokenEntity } from './api-token.entity';

export interface ApiTokenListFilter {
  userId?: number;
  isActive?: boolean;
}

/** A token's uses since the last flush, and the time of the latest. */
export interface TokenUsage {
  tokenId: number;
  count: number;
  lastUsedAt: Date;
}

const USAGE_COLUMNS: readonly RowsColumn[] = [
  { name: 'token_id', pgType: 'int' },
  { name: 'uses', pgType: 'int' },
  { name: 'last_used', pgType: 'timestamptz' },
];

@Injectable()
export class ApiTokensRepository {
  constructor(
    @InjectRepository(ApiTokenEntity) private readonly tokens: Repository<ApiTokenEntity>,
    private readonly counter: ListCounter,
  ) {}

  /**
   * The token and its user in one query: the authentication lookup, on every request the token
   * cache misses. (`findOne` with a relation sends two: the id under a DISTINCT, then the join.)
   */
  findByHashWithUser(tokenHash: string): Promise<ApiTokenEntity | null> {
    return this.withUser(this.tokens).where('t.token_hash = :tokenHash', { tokenHash }).getOne();
  }

  findById(id: number, manager?: EntityManager): Promise<ApiTokenEntity | null> {
    return this.withUser(this.repo(manager)).where('t.id = :id', { id }).getOne();
  }

  /** Both lookups are by a unique column: at most one row, so no LIMIT (which would split the query). */
  private withUser(repository: Repository<ApiTokenEntity>) {
    return repository.createQueryBuilder('t').leftJoinAndSelect('t.user', 'u');
  }

  /** One page in `request`'s order, each token with its user, and the count. */
  list(filter: ApiTokenListFilter, request: PageRequest<ApiTokenEntity>): Promise<[ApiTokenEntity[], ListCount]> {
    const qb = this.tokens.createQueryBuilder('t');
    if (filter.userId !== undefined) qb.andWhere('t.user_id = :userId', { userId: filter.userId });
    if (filter.isActive !== undefined) qb.andWhere('t.is_active = :active', { active: filter.isActive });
    const page = inPage(qb.clone().leftJoinAndSelect('t.user', 'u'), request).getMany();
    return Promise.all([page, this.counter.count(qb)]);
  }

  save(token: ApiTokenEntity, manager?: EntityManager): Promise<ApiTokenEntity> {
    return this.repo(manager).save(token);
  }

  /**
   * Adds the uses counted in memory since the last flush: one statement for all the tokens (SQLite:
   * per 500), where a statement each kept the transaction open for a second per 2,000 tokens.
   */
  async addUsage(manager: EntityManager, usages: readonly TokenUsage[]): Promise<void> {
    // Ascending ids: concurrent flushes of several processes lock shared rows in the same order.
    const rows = [...usages].sort((a, b) => a.tokenId - b.tokenId).map((u) => [u.tokenId, u.count, u.lastUsedAt]);
    await withRowsRelation(
      manager,
      'used',
      USAGE_COLUMNS,
      rows,
      (used) =>
        `UPDATE api_tokens SET usage_count = usage_count + used.uses, last_used_at = used.last_used ` +
        `FROM ${used} WHERE api_tokens.id = used.token_id`,
    );
  }

  private repo(manager?: EntityManager): Repository<ApiTokenEntity> {
    return manager ? manager.getRepository(ApiTokenEntity) : this.tokens;
  }
}
