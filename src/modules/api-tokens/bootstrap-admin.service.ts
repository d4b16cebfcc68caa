import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import type { Logger } from 'pino';
import { DomainError } from '../../common/errors/domain-error';
import { ErrorCode } from '../../common/errors/error-code';
import { APP_LOGGER } from '../../common/logging/logger';
import { APP_CONFIG, type AppConfig } from '../../config/app-config';
import { isUniqueViolation } from '../../database/db-errors';
import { TransactionService } from '../../database/transaction.service';
import { UsersRepository } from '../users/users.repository';
import { UsersService } from '../users/users.service';
import { hashApiToken, tokenPrefix } from '../../common/auth/api-token';
import { ApiTokensRepository } from './api-tokens.repository';
import { ApiTokensService } from './api-tokens.service';

export const CREATE_FIRST_TOKEN_HINT =
  'npm run cli -- users:create --username admin --admin && npm run cli -- tokens:create --user admin --scopes admin:all';

/**
 * First start with BOOTSTRAP_ADMIN_TOKEN and no users: user `admin` owning that token with
 * admin:all. Every start says what it did, so nobody is locked out without knowing why.
 */
@Injectable()
export class BootstrapAdminService implements OnApplicationBootstrap {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(APP_LOGGER) private readonly logger: Logger,
    private readonly transactions: TransactionService,
    private readonly users: UsersRepository,
    private readonly usersService: UsersService,
    private readonly tokens: ApiTokensService,
    private readonly tokenRows: ApiTokensRepository,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const token = this.config.bootstrapAdminToken;
    if (!token) {
      if ((await this.users.count()) === 0) {
        this.logger.warn(
          `no users yet: set BOOTSTRAP_ADMIN_TOKEN on the first start, or create the first token with: ${CREATE_FIRST_TOKEN_HINT}`,
        );
      }
      return;
    }
    const prefix = tokenPrefix(token);
    let created = false;
    try {
      created = await this.transactions.run(null, async (manager) => {
        if ((await this.users.count(manager)) > 0) return false;
        const admin = await this.usersService.insert(manager, { username: 'admin', role: 'admin' });
        await this.tokens.issue(manager, admin, { name: 'bootstrap', scopes: ['admin:all'] }, token);
        return true;
      });
    } catch (error) {
      // Another replica bootstrapped first.
      const lostRace = isUniqueViolation(error) || (error instanceof DomainError && error.code === ErrorCode.Conflict);
      if (!lostRace) throw error;
    }
    if (created) {
      this.logger.info(
        { token_prefix: prefix },
        `bootstrap: created user "admin" owning the BOOTSTRAP_ADMIN_TOKEN ${prefix}... (admin:all)`,
      );
    } else if (await this.tokenRows.findByHashWithUser(hashApiToken(token))) {
      this.logger.info({ token_prefix: prefix }, `bootstrap: BOOTSTRAP_ADMIN_TOKEN ${prefix}... is in place`);
    } else {
      this.logger.warn(
        { token_prefix: prefix },
        `BOOTSTRAP_ADMIN_TOKEN ${prefix}... ignored: users already exist, and it is used only on the first start. ` +
          `Create a token with: npm run cli -- tokens:create --user <admin username> --scopes admin:all`,
      );
    }
  }
}
