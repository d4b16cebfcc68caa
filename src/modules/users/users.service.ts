import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { AuthCache } from '../../common/auth/auth-cache';
import type { AuthContext } from '../../common/auth/auth-context';
import { DomainError } from '../../common/errors/domain-error';
import { assertIfMatch, lockRowForUpdate } from '../../common/http/conditional';
import { ErrorCode } from '../../common/errors/error-code';
import { pageRequest, paginate } from '../../common/pagination/paginate';
import { isUniqueViolation } from '../../database/db-errors';
import { TransactionService } from '../../database/transaction.service';
import { SettingsService } from '../settings/settings.service';
import { hoursBy } from '../time-entries/time-totals';
import type { CreateUserDto } from './dto/create-user.dto';
import type { ListUsersQueryDto } from './dto/list-users-query.dto';
import type { UpdateUserDto } from './dto/update-user.dto';
import { UserEntity } from './user.entity';
import { toUserResponse } from './user.mapper';
import { ChangeLog } from '../changes/change-log';
import { UsersRepository } from './users.repository';
import { USER_SORTS } from './user.sorts';

@Injectable()
export class UsersService {
  constructor(
    private readonly users: UsersRepository,
    private readonly transactions: TransactionService,
    private readonly authCache: AuthCache,
    private readonly settings: SettingsService,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly changes: ChangeLog,
  ) {}

  async listUsers(query: ListUsersQueryDto) {
    const request = pageRequest(query, USER_SORTS.order(query.sort));
    const [rows, count] = await this.users.list({ role: query.role, isActive: query.is_active, q: query.q }, request);
    return paginate('users', request, rows, count, (u) => toUserResponse(u));
  }

  async getUser(id: number) {
    return { user: await this.respond(await this.findOrFail(id)) };
  }

  async getCurrentUser(auth: AuthContext) {
    const [user, enabledModules] = await Promise.all([
      this.findOrFail(auth.userId).then((entity) => this.respond(entity)),
      this.settings.enabledModules(),
    ]);
    return { user, enabled_modules: enabledModules };
  }

  async createUser(auth: AuthContext, dto: CreateUserDto) {
    const user = await this.transactions.run(auth, async (manager) => {
      const saved = await this.insert(manager, dto);
      await this.recordChange(manager, auth, saved, 'created');
      return saved;
    });
    return { message: 'User created successfully', user: toUserResponse(user) };
  }

  /** Inserts a user; a taken username is 409 `conflict`. Shared with the CLI and bootstrap. */
  async insert(manager: EntityManager, dto: CreateUserDto): Promise<UserEntity> {
    const user = new UserEntity();
    user.username = dto.username.toLowerCase();
    user.email = dto.email ?? null;
    user.fullName = dto.full_name ?? null;
    user.role = dto.role ?? 'user';
    user.isActive = dto.is_active ?? true;
    user.timezone = dto.timezone ?? 'UTC';
    user.createdAt = user.updatedAt = new Date();
    user.lastLoginAt = null;
    if (await this.users.findByUsername(user.username, manager)) throw usernameTaken(user.username);
    try {
      return await this.users.save(user, manager);
    } catch (error) {
      if (isUniqueViolation(error)) throw usernameTaken(user.username);
      throw error;
    }
  }

  async updateUser(auth: AuthContext, id: number, dto: UpdateUserDto, ifMatch?: string) {
    if (id === auth.userId && (dto.is_active === false || dto.role === 'user')) {
      throw DomainError.validation({
        [dto.is_active === false ? 'is_active' : 'role']: ['You cannot deactivate or demote your own account.'],
      });
    }
    const user = await this.transactions.run(auth, async (manager) => {
      await lockRowForUpdate(manager, UserEntity, id);
      const existing = await manager.getRepository(UserEntity).findOneBy({ id });
      if (!existing) throw DomainError.notFound('User');
      await assertIfMatch(ifMatch, async () => ({ user: await this.respond(existing, manager) }));
      if (dto.email !== undefined) existing.email = dto.email;
      if (dto.full_name !== undefined) existing.fullName = dto.full_name;
      if (dto.role !== undefined) existing.role = dto.role;
      if (dto.is_active !== undefined) existing.isActive = dto.is_active;
      if (dto.timezone !== undefined) existing.timezone = dto.timezone;
      existing.updatedAt = new Date();
      const saved = await this.users.save(existing, manager);
      await this.recordChange(manager, auth, saved, 'updated');
      return saved;
    });
    // Role and activation decide what every token of this user may do: apply at once here.
    this.authCache.clear();
    return { message: 'User updated successfully', user: await this.respond(user) };
  }

  /** The changes feed's row (admins only): the user as GET shows it after this write. */
  private async recordChange(
    manager: EntityManager,
    auth: AuthContext,
    user: UserEntity,
    action: 'created' | 'updated',
  ) {
    const data = await this.respond(user, manager);
    await this.changes.record(manager, auth, { type: 'user', id: user.id, action, data });
  }

  /** As GET shows it: the If-Match check builds the same body. */
  private async respond(user: UserEntity, manager = this.dataSource.manager) {
    const hours = await hoursBy(manager, 'user_id', [user.id]);
    return toUserResponse(user, hours.get(user.id)?.total);
  }

  private async findOrFail(id: number): Promise<UserEntity> {
    const user = await this.users.findById(id);
    if (!user) throw DomainError.notFound('User');
    return user;
  }
}

function usernameTaken(username: string): DomainError {
  return new DomainError(ErrorCode.Conflict, `Username '${username}' is already taken.`, {
    errors: { username: ['Username is already taken.'] },
  });
}
