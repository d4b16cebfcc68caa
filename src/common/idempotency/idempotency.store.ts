import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Logger } from 'pino';
import { type EntityManager, LessThan, Repository } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '../../config/app-config';
import { isUniqueViolation } from '../../database/db-errors';
import { TransactionService } from '../../database/transaction.service';
import { APP_LOGGER } from '../logging/logger';
import { IdempotencyKeyEntity } from './idempotency-key.entity';

const HOUR_MS = 3_600_000;
/** How long a first request may hold its key before a retry may take over (it crashed). */
export const IDEMPOTENCY_LOCK_MS = 120_000;
const PURGE_INTERVAL_MS = 10 * 60_000;

export type BeginOutcome =
  | { kind: 'run'; recordId: number }
  | { kind: 'replay'; status: number; body: string }
  | { kind: 'mismatch' }
  | { kind: 'in_progress' }
  | { kind: 'lost_response' };

/**
 * Durable idempotency records (contract §5), keyed by (token, key). The unique constraint is the
 * lock: of concurrent first requests exactly one inserts and runs.
 */
@Injectable()
export class IdempotencyStore implements OnModuleDestroy {
  private readonly purgeTimer: NodeJS.Timeout;

  constructor(
    @InjectRepository(IdempotencyKeyEntity) private readonly records: Repository<IdempotencyKeyEntity>,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(APP_LOGGER) private readonly logger: Logger,
    private readonly transactions: TransactionService,
  ) {
    this.purgeTimer = setInterval(() => void this.purgeExpired().catch(() => undefined), PURGE_INTERVAL_MS);
    this.purgeTimer.unref();
  }

  async begin(tokenId: number, key: string, fingerprint: string): Promise<BeginOutcome> {
    for (let attempt = 0; attempt < 3; attempt++) {
      const existing = await this.records.findOneBy({ tokenId, key });
      if (existing) {
        const outcome = await this.resolveExisting(existing, fingerprint);
        if (outcome) return outcome;
        continue; // expired or taken over: try again
      }
      try {
        const recordId = await this.transactions.run((m) => this.insertRunning(m, tokenId, key, fingerprint));
        return { kind: 'run', recordId };
      } catch (error) {
        if (!isUniqueViolation(error)) throw error;
        // A concurrent first request won the insert: decide against its record.
      }
    }
    return { kind: 'in_progress' };
  }

  /** Stores the response to replay; nothing runs again for this key until it expires. */
  async complete(recordId: number, status: number, body: string): Promise<void> {
    await this.transactions.run((m) =>
      m.update(IdempotencyKeyEntity, { id: recordId }, { state: 'completed', responseStatus: status, responseBody: body }),
    );
  }

  /** Frees the key (validation failure, 5xx): a corrected retry runs. */
  async release(recordId: number): Promise<void> {
    await this.transactions.run((m) => m.delete(IdempotencyKeyEntity, { id: recordId, state: 'running' }));
  }

  async purgeExpired(now = new Date()): Promise<number> {
    const result = await this.transactions.run((m) => m.delete(IdempotencyKeyEntity, { expiresAt: LessThan(now) }));
    const purged = result.affected ?? 0;
    if (purged > 0) this.logger.info({ purged }, 'purged expired idempotency keys');
    return purged;
  }

  onModuleDestroy(): void {
    clearInterval(this.purgeTimer);
  }

  private async resolveExisting(record: IdempotencyKeyEntity, fingerprint: string): Promise<BeginOutcome | null> {
    const now = Date.now();
    if (record.expiresAt.getTime() <= now) {
      await this.transactions.run((m) => m.delete(IdempotencyKeyEntity, { id: record.id }));
      return null;
    }
    if (record.fingerprint !== fingerprint) return { kind: 'mismatch' };
    if (record.state === 'completed' && record.responseStatus !== null && record.responseBody !== null) {
      return { kind: 'replay', status: record.responseStatus, body: record.responseBody };
    }
    // The first request is still running (or storing its response after its commit).
    if (record.lockedUntil.getTime() > now) return { kind: 'in_progress' };
    // Its change committed but the process died before the response was stored.
    if (record.state === 'committed') return { kind: 'lost_response' };
    // The first request died before committing anything: take the key over, atomically.
    const claimed = await this.transactions.run((m) =>
      m.update(
        IdempotencyKeyEntity,
        { id: record.id, state: 'running', lockedUntil: record.lockedUntil },
        { lockedUntil: new Date(now + IDEMPOTENCY_LOCK_MS) },
      ),
    );
    return claimed.affected === 1 ? { kind: 'run', recordId: record.id } : null;
  }

  private async insertRunning(manager: EntityManager, tokenId: number, key: string, fingerprint: string): Promise<number> {
    const now = Date.now();
    const record = manager.create(IdempotencyKeyEntity, {
      tokenId,
      key,
      fingerprint,
      state: 'running',
      responseStatus: null,
      responseBody: null,
      lockedUntil: new Date(now + IDEMPOTENCY_LOCK_MS),
      createdAt: new Date(now),
      expiresAt: new Date(now + this.config.idempotencyTtlHours * HOUR_MS),
    });
    return (await manager.save(record)).id;
  }
}
