import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { AuthContext } from '../../common/auth/auth-context';
import { generateApiToken, hashApiToken, tokenPrefix } from '../../common/auth/api-token';
import { AuthCache } from '../../common/auth/auth-cache';
import { DAY_MS } from '../../common/time/date-range';
import { DomainError } from '../../common/errors/domain-error';
import { assertIfMatch, lockRowForUpdate } from '../../common/http/conditional';
import { ErrorCode } from '../../common/errors/error-code';
import { pageRequest, paginate } from '../../common/pagination/paginate';
import { TransactionService } from '../../database/transaction.service';
import type { UserEntity } from '../users/user.entity';
import { UsersRepository } from '../users/users.repository';
import { ApiTokenEntity } from './api-token.entity';
import { toApiTokenResponse } from './api-token.mapper';
import { ChangeLog } from '../changes/change-log';
import { ApiTokensRepository } from './api-tokens.repository';
import { API_TOKEN_SORTS } from './api-token.sorts';
import type { CreateApiTokenDto } from './dto/create-api-token.dto';
import type { ListApiTokensQueryDto } from './dto/list-api-tokens-query.dto';
import type { UpdateApiTokenDto } from './dto/update-api-token.dto';

export interface TokenSpec {
  name: string;
  description?: string | null;
  scopes: string[];
  expiresInDays?: number | null;
  ipAllowlist?: string[] | null;
}

@Injectable()
export class ApiTokensService {
  constructor(
    private readonly tokens: ApiTokensRepository,
    private readonly users: UsersRepository,
    private readonly transactions: TransactionService,
    private readonly authCache: AuthCache,
    private readonly changes: ChangeLog,
  ) {}

  async listApiTokens(query: ListApiTokensQueryDto) {
    const request = pageRequest(query, API_TOKEN_SORTS.order(query.sort));
    const [rows, count] = await this.tokens.list({ userId: query.user_id, isActive: query.is_active }, request);
    return paginate('api_tokens', request, rows, count, toApiTokenResponse);
  }

  async getApiToken(id: number) {
    return { api_token: toApiTokenResponse(await this.findOrFail(id)) };
  }

  async createApiToken(auth: AuthContext, dto: CreateApiTokenDto) {
    const user = await this.users.findById(dto.user_id);
    if (!user) throw DomainError.notFound('User');
    const { entity, token } = await this.transactions.run(auth, async (manager) => {
      const issued = await this.issue(manager, user, {
        name: dto.name,
        description: dto.description,
        scopes: dto.scopes,
        expiresInDays: dto.expires_in_days,
        ipAllowlist: dto.ip_allowlist,
      });
      await this.recordChange(manager, auth, issued.entity, 'created');
      return issued;
    });
    return { message: 'API token created; it is shown only once', api_token: toApiTokenResponse(entity), token };
  }

  async updateApiToken(auth: AuthContext, id: number, dto: UpdateApiTokenDto, ifMatch?: string) {
    const entity = await this.transactions.run(auth, async (manager) => {
      const token = await this.findForWrite(id, manager, ifMatch);
      if (dto.name !== undefined) token.name = dto.name;
      if (dto.description !== undefined) token.description = dto.description;
      if (dto.scopes !== undefined) token.scopes = unique(dto.scopes);
      if (dto.ip_allowlist !== undefined) {
        token.ipAllowlist = dto.ip_allowlist?.length ? unique(dto.ip_allowlist) : null;
      }
      if (dto.expires_in_days !== undefined) token.expiresAt = expiryFrom(dto.expires_in_days);
      if (dto.is_active !== undefined) {
        token.isActive = dto.is_active;
        token.revokedAt = dto.is_active ? null : new Date();
      }
      const saved = await this.tokens.save(token, manager);
      await this.recordChange(manager, auth, saved, 'updated');
      return saved;
    });
    this.authCache.clear();
    return { message: 'API token updated', api_token: toApiTokenResponse(entity) };
  }

  async revokeApiToken(auth: AuthContext, id: number, ifMatch?: string) {
    const entity = await this.transactions.run(auth, async (manager) => {
      const token = await this.findForWrite(id, manager, ifMatch);
      if (token.isActive) {
        token.isActive = false;
        token.revokedAt = new Date();
        await this.tokens.save(token, manager);
        await this.recordChange(manager, auth, token, 'updated');
      }
      return token;
    });
    this.authCache.clear();
    return { message: 'API token revoked', api_token: toApiTokenResponse(entity) };
  }

  /** A new secret with the same owner, scopes and limits; the old token stops working at once. */
  async rotateApiToken(auth: AuthContext, id: number) {
    const { entity, token } = await this.transactions.run(auth, async (manager) => {
      const old = await this.findOrFail(id, manager);
      if (!old.isActive) throw new DomainError(ErrorCode.Conflict, 'A revoked token cannot be rotated.');
      old.isActive = false;
      old.revokedAt = new Date();
      await this.tokens.save(old, manager);
      await this.recordChange(manager, auth, old, 'updated');
      const user = old.user as UserEntity;
      const issued = await this.issue(manager, user, {
        name: old.name,
        description: old.description,
        scopes: old.scopes,
        ipAllowlist: old.ipAllowlist,
        expiresAt: old.expiresAt,
      });
      await this.recordChange(manager, auth, issued.entity, 'created');
      return issued;
    });
    this.authCache.clear();
    return { message: 'API token rotated; the old token is revoked', api_token: toApiTokenResponse(entity), token };
  }

  /** The changes feed's row (admins only): the token as the admin API returns it, never a secret. */
  private recordChange(
    manager: EntityManager,
    auth: AuthContext,
    token: ApiTokenEntity,
    action: 'created' | 'updated',
  ) {
    const data = toApiTokenResponse(token);
    return this.changes.record(manager, auth, { type: 'api_token', id: token.id, action, data });
  }

  /** Creates a token row for `user` and returns the plain token (for the caller to show once). */
  async issue(
    manager: EntityManager,
    user: UserEntity,
    spec: TokenSpec & { expiresAt?: Date | null },
    plainToken = generateApiToken(),
  ): Promise<{ entity: ApiTokenEntity; token: string }> {
    const entity = new ApiTokenEntity();
    entity.name = spec.name;
    entity.description = spec.description ?? null;
    entity.userId = user.id;
    entity.scopes = unique(spec.scopes);
    entity.tokenHash = hashApiToken(plainToken);
    entity.tokenPrefix = tokenPrefix(plainToken);
    entity.ipAllowlist = spec.ipAllowlist?.length ? unique(spec.ipAllowlist) : null;
    entity.isActive = true;
    entity.usageCount = 0;
    entity.createdAt = new Date();
    entity.expiresAt = spec.expiresAt !== undefined ? spec.expiresAt : expiryFrom(spec.expiresInDays ?? null);
    entity.lastUsedAt = null;
    entity.revokedAt = null;
    const saved = await this.tokens.save(entity, manager);
    saved.user = user;
    return { entity: saved, token: plainToken };
  }

  /** The row locked for this transaction, after its `If-Match` held (on the body GET sends). */
  private async findForWrite(id: number, manager: EntityManager, ifMatch: string | undefined) {
    await lockRowForUpdate(manager, ApiTokenEntity, id);
    const token = await this.findOrFail(id, manager);
    await assertIfMatch(ifMatch, () => ({ api_token: toApiTokenResponse(token) }));
    return token;
  }

  private async findOrFail(id: number, manager?: EntityManager): Promise<ApiTokenEntity> {
    const token = await this.tokens.findById(id, manager);
    if (!token) throw DomainError.notFound('API token');
    return token;
  }
}

function expiryFrom(days: number | null | undefined): Date | null {
  return days ? new Date(Date.now() + days * DAY_MS) : null;
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}
