import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import { TransactionService } from '../../database/transaction.service';
import { UsersRepository } from '../users/users.repository';
import { ApiTokensRepository, type TokenUsage } from './api-tokens.repository';

const FLUSH_INTERVAL_MS = 60_000;

interface PendingUsage extends TokenUsage {
  userId: number;
}

/**
 * `last_used_at` / `usage_count` without a write per request: uses are counted in memory and
 * written at most once a minute per token (and on shutdown). A flush that fails keeps them for the next.
 */
@Injectable()
export class TokenUsageRecorder implements OnModuleDestroy {
  private pending = new Map<number, PendingUsage>();
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly tokens: ApiTokensRepository,
    private readonly users: UsersRepository,
    private readonly transactions: TransactionService,
  ) {
    this.timer = setInterval(() => void this.flush().catch(() => undefined), FLUSH_INTERVAL_MS);
    this.timer.unref();
  }

  record(tokenId: number, userId: number): void {
    this.add({ tokenId, userId, count: 1, lastUsedAt: new Date() });
  }

  async flush(): Promise<void> {
    if (this.pending.size === 0) return;
    const batch = [...this.pending.values()];
    this.pending = new Map();
    // A user with many tokens is written once, with the latest use of any of them.
    const logins = new Map<number, Date>();
    for (const { userId, lastUsedAt } of batch) {
      const latest = logins.get(userId);
      if (!latest || lastUsedAt > latest) logins.set(userId, lastUsedAt);
    }
    try {
      await this.transactions.run(null, async (manager) => {
        await this.tokens.addUsage(manager, batch);
        await this.users.recordLogins(manager, logins);
      });
    } catch (error) {
      // Nothing was written (one transaction): the uses wait for the next flush, not lost.
      for (const usage of batch) this.add(usage);
      throw error;
    }
  }

  /** Counts uses into the pending entry of their token. */
  private add(usage: PendingUsage): void {
    const entry = this.pending.get(usage.tokenId);
    if (!entry) {
      this.pending.set(usage.tokenId, { ...usage });
      return;
    }
    entry.count += usage.count;
    if (usage.lastUsedAt > entry.lastUsedAt) entry.lastUsedAt = usage.lastUsedAt;
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.timer);
    await this.flush().catch(() => undefined);
  }
}
