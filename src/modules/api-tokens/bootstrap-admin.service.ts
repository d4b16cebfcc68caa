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
import { ApiTokensService } from './api-tokens.service';

/** First start with BOOTSTRAP_ADMIN_TOKEN and no users: user `admin` owning that token with admin:all. */
@Injectable()
export class BootstrapAdminService implements OnApplicationBootstrap {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(APP_LOGGER) private readonly logger: Logger,
    private readonly transactions: TransactionService,
    private readonly users: UsersRepository,
    private readonly usersService: UsersService,
    private readonly tokens: ApiTokensService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const token = this.config.bootstrapAdminToken;
    if (!token) return;
    try {
      const created = await this.transactions.run(null, async (manager) => {
        if ((await this.users.count(manager)) > 0) return false;
        const admin = await this.usersService.insert(manager, { username: 'admin', role: 'admin' });
        await this.tokens.issue(manager, admin, { name: 'bootstrap', scopes: ['admin:all'] }, token);
        return true;
      });
      if (created) this.logger.info('bootstrap: created user "admin" with the BOOTSTRAP_ADMIN_TOKEN (admin:all)');
    } catch (error) {
      // Another replica bootstrapped first.
      const lostRace = isUniqueViolation(error) || (error instanceof DomainError && error.code === ErrorCode.Conflict);
      if (!lostRace) throw error;
    }
  }
}
