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

interface PendingCompletion {
  recordId: number;
  status: number;
  body: string;
}

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
  private readonly pendingCompletions = new Map<number, PendingCompletion>();
  private flushScheduled = false;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    @InjectRepository(IdempotencyKeyEntity) private readonly records: Repository<IdempotencyKeyEntity>,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(APP_LOGGER) private readonly logger: Logger,
    private readonly transactions: TransactionService,
  ) {
    this.purgeTimer = setInterval(() => void this.purgeExpired().catch(() => undefined), PURGE_INTERVAL_MS);
    this.purgeTimer.unref();
  }

  /** A fresh key costs one INSERT; only a retry (the key exists) reads the record. */
  async begin(tokenId: number, key: string, fingerprint: string): Promise<BeginOutcome> {
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        const recordId = await this.transactions.write((m) => this.insertRunning(m, tokenId, key, fingerprint));
        return { kind: 'run', recordId };
      } catch (error) {
        if (!isUniqueViolation(error)) throw error;
      }
      // The key exists: a retry, or a concurrent first request that won the insert.
      let existing = await this.records.findOneBy({ tokenId, key });
      if (existing && this.pendingCompletions.has(existing.id)) {
        await this.flushCompletions();
        existing = await this.records.findOneBy({ tokenId, key });
      }
      if (!existing) continue;
      const outcome = await this.resolveExisting(existing, fingerprint);
      if (outcome) return outcome;
    }
    return { kind: 'in_progress' };
  }

  /**
   * Stores the response to replay. Write-behind: responses are written in batches (one statement
   * per flush) off the request's critical path. Until written, the record is `committed`, so a
   * retry gets 409 `idempotency_key_in_use` (never a second run); a retry in this process waits
   * for the write and replays.
   */
  complete(recordId: number, status: number, body: string): Promise<void> {
    this.pendingCompletions.set(recordId, { recordId, status, body });
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(() => void this.flushCompletions());
    }
    return Promise.resolve();
  }

  /** Writes every pending response; resolves when they (and any flush in progress) are stored. */
  async flushCompletions(): Promise<void> {
    this.flushScheduled = false;
    const batch = [...this.pendingCompletions.values()];
    const previous = this.flushing;
    const current = (async () => {
      await previous;
      if (batch.length === 0) return;
      try {
        await this.transactions.write((m) => this.writeCompletions(m, batch));
      } catch (error) {
        this.logger.warn({ err: error, records: batch.length }, 'could not store idempotent responses');
      } finally {
        for (const c of batch) {
          if (this.pendingCompletions.get(c.recordId) === c) this.pendingCompletions.delete(c.recordId);
        }
      }
    })();
    this.flushing = current;
    await current;
  }

  private async writeCompletions(manager: EntityManager, batch: PendingCompletion[]): Promise<void> {
    if (this.transactions.isPostgres) {
      const values = batch.map((_, i) => `($${i * 3 + 1}::int, $${i * 3 + 2}::int, $${i * 3 + 3}::text)`).join(', ');
      await manager.query(
        `UPDATE idempotency_keys AS k SET state = 'completed', response_status = v.status, response_body = v.body ` +
          `FROM (VALUES ${values}) AS v(id, status, body) WHERE k.id = v.id`,
        batch.flatMap((c) => [c.recordId, c.status, c.body]),
      );
      return;
    }
    for (const c of batch) {
      await manager.query(
        `UPDATE idempotency_keys SET state = 'completed', response_status = ?, response_body = ? WHERE id = ?`,
        [c.status, c.body, c.recordId],
      );
    }
  }

  /** Frees the key (validation failure, 5xx): a corrected retry runs. */
  async release(recordId: number): Promise<void> {
    this.pendingCompletions.delete(recordId);
    await this.transactions.write((m) => m.delete(IdempotencyKeyEntity, { id: recordId, state: 'running' }));
  }

  async purgeExpired(now = new Date()): Promise<number> {
    const result = await this.transactions.run((m) => m.delete(IdempotencyKeyEntity, { expiresAt: LessThan(now) }));
    const purged = result.affected ?? 0;
    if (purged > 0) this.logger.info({ purged }, 'purged expired idempotency keys');
    return purged;
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.purgeTimer);
    await this.flushCompletions();
  }

  private async resolveExisting(record: IdempotencyKeyEntity, fingerprint: string): Promise<BeginOutcome | null> {
    const now = Date.now();
    if (record.expiresAt.getTime() <= now) {
      await this.transactions.write((m) => m.delete(IdempotencyKeyEntity, { id: record.id }));
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
    const claimed = await this.transactions.write((m) =>
      m.update(
        IdempotencyKeyEntity,
        { id: record.id, state: 'running', lockedUntil: record.lockedUntil },
        { lockedUntil: new Date(now + IDEMPOTENCY_LOCK_MS) },
      ),
    );
    return claimed.affected === 1 ? { kind: 'run', recordId: record.id } : null;
  }

  // Hot path (every keyed POST): plain SQL, one statement, no ORM bookkeeping.
  private async insertRunning(
    manager: EntityManager,
    tokenId: number,
    key: string,
    fingerprint: string,
  ): Promise<number> {
    const now = Date.now();
    const rows = await manager.query<Array<{ id: number }>>(
      this.sql(
        `INSERT INTO idempotency_keys (token_id, key, fingerprint, state, locked_until, created_at, expires_at) ` +
          `VALUES (?, ?, ?, 'running', ?, ?, ?) RETURNING id`,
      ),
      [
        tokenId,
        key,
        fingerprint,
        this.timestamp(now + IDEMPOTENCY_LOCK_MS),
        this.timestamp(now),
        this.timestamp(now + this.config.idempotencyTtlHours * HOUR_MS),
      ],
    );
    return Number(rows[0].id);
  }

  /** `?` placeholders, numbered for PostgreSQL. */
  private sql(text: string): string {
    if (!this.transactions.isPostgres) return text;
    let n = 0;
    return text.replace(/\?/g, () => `$${++n}`);
  }

  /** Timestamps as each driver stores them for the entity's column type. */
  private timestamp(ms: number): Date | string {
    return this.transactions.isPostgres ? new Date(ms) : new Date(ms).toISOString().replace('T', ' ').replace('Z', '');
  }
}
