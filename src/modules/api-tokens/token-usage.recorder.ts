import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import { TransactionService } from '../../database/transaction.service';
import { UserEntity } from '../users/user.entity';
import { ApiTokensRepository } from './api-tokens.repository';

const FLUSH_INTERVAL_MS = 60_000;

interface PendingUsage {
  tokenId: number;
  userId: number;
  count: number;
  lastUsedAt: Date;
}

/**
 * `last_used_at` / `usage_count` without a write per request: uses are counted in memory and
 * written at most once a minute per token (and on shutdown).
 */
@Injectable()
export class TokenUsageRecorder implements OnModuleDestroy {
  private pending = new Map<number, PendingUsage>();
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly tokens: ApiTokensRepository,
    private readonly transactions: TransactionService,
  ) {
    this.timer = setInterval(() => void this.flush().catch(() => undefined), FLUSH_INTERVAL_MS);
    this.timer.unref();
  }

  record(tokenId: number, userId: number): void {
    const entry = this.pending.get(tokenId);
    if (entry) {
      entry.count++;
      entry.lastUsedAt = new Date();
    } else {
      this.pending.set(tokenId, { tokenId, userId, count: 1, lastUsedAt: new Date() });
    }
  }

  async flush(): Promise<void> {
    if (this.pending.size === 0) return;
    const batch = [...this.pending.values()];
    this.pending = new Map();
    await this.transactions.run(async (manager) => {
      for (const usage of batch) {
        await this.tokens.addUsage(manager, usage.tokenId, usage.count, usage.lastUsedAt);
        await manager.update(UserEntity, { id: usage.userId }, { lastLoginAt: usage.lastUsedAt });
      }
    });
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.timer);
    await this.flush().catch(() => undefined);
  }
}
