import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Logger } from 'pino';
import { type EntityManager, LessThan, Repository } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '../../config/app-config';
import { TransactionService } from '../../database/transaction.service';
import { APP_LOGGER } from '../logging/logger';
import { IdempotencyKeyEntity } from './idempotency-key.entity';

const HOUR_MS = 3_600_000;
/** How long a first request may hold its key before a retry may take over (it crashed). */
export const IDEMPOTENCY_LOCK_MS = 120_000;
const PURGE_INTERVAL_MS = 10 * 60_000;
/** Rows per group insert: 7 parameters each, well under either database's parameter limit. */
const MAX_CLAIMS_PER_INSERT = 500;

interface PendingClaim {
  tokenId: number;
  key: string;
  fingerprint: string;
  /** The new record's id, or null when the key already exists. */
  resolve: (recordId: number | null) => void;
  reject: (error: unknown) => void;
}

interface PendingCompletion {
  recordId: number;
  status: number;
  body: string;
}

/**
 * PostgreSQL: the store's own writes (claims and responses) commit without waiting for their WAL
 * flush, a wait that was most of their cost. Nothing is lost that matters: a claim's WAL precedes
 * its request's business commit, which is flushed and takes the claim with it (if PostgreSQL
 * crashes first, neither survived and a retry runs). A response is already stored after it was
 * sent (write-behind); one lost to a PostgreSQL crash in the next few hundred milliseconds leaves
 * the record `committed`, and a retry gets 409, never a second run. `set_config(..., true)` holds
 * for the statement's own transaction only; the CTE must be referenced to run.
 */
const ASYNC_COMMIT = `async_commit AS (SELECT set_config('synchronous_commit', 'off', true) AS off)`;

/** A claim's identity within one group insert: the record's unique (token, key). */
const claimId = (tokenId: number, key: string) => `${tokenId} ${key}`;

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
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
  private claims: PendingClaim[] = [];
  private readonly pendingCompletions = new Map<number, PendingCompletion>();
  /** The write in flight (one at a time), and the one that will take what is pending now. */
  private writing: Promise<void> | null = null;
  private nextWrite = deferred();

  constructor(
    @InjectRepository(IdempotencyKeyEntity) private readonly records: Repository<IdempotencyKeyEntity>,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(APP_LOGGER) private readonly logger: Logger,
    private readonly transactions: TransactionService,
  ) {
    this.purgeTimer = setInterval(() => void this.purgeExpired().catch(() => undefined), PURGE_INTERVAL_MS);
    this.purgeTimer.unref();
  }

  /** A fresh key costs a share of one INSERT; only a retry (the key exists) reads the record. */
  async begin(tokenId: number, key: string, fingerprint: string): Promise<BeginOutcome> {
    for (let attempt = 0; attempt < 3; attempt++) {
      const recordId = await this.claim(tokenId, key, fingerprint);
      if (recordId !== null) return { kind: 'run', recordId };
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
   * Inserts the key's `running` record; null when the key exists. Group insert: a request that
   * arrives while a write is in flight joins the next one, so concurrent first requests share a
   * round trip (one multi-row INSERT ... ON CONFLICT DO NOTHING) and a lone request waits for none.
   */
  private claim(tokenId: number, key: string, fingerprint: string): Promise<number | null> {
    return new Promise((resolve, reject) => {
      this.claims.push({ tokenId, key, fingerprint, resolve, reject });
      this.startWriting();
    });
  }

  /**
   * Stores the response to replay. Write-behind: responses ride on the next write (on PostgreSQL
   * in the same statement as the group insert of new keys), off the request's critical path. Until
   * written, the record is `committed`, so a retry gets 409 `idempotency_key_in_use` (never a
   * second run); a retry in this process waits for the write and replays.
   */
  complete(recordId: number, status: number, body: string): Promise<void> {
    this.pendingCompletions.set(recordId, { recordId, status, body });
    this.startWriting();
    return Promise.resolve();
  }

  /** Resolves when every response pending now is stored (or its write failed and was logged). */
  async flushCompletions(): Promise<void> {
    await this.writing;
    if (this.pendingCompletions.size === 0) return;
    const next = this.nextWrite.promise;
    this.startWriting();
    await next;
  }

  /** One write in flight at a time; it takes everything pending when it starts. */
  private startWriting(): void {
    if (this.writing) return;
    this.writing = (async () => {
      while (this.claims.length > 0 || this.pendingCompletions.size > 0) {
        const done = this.nextWrite;
        this.nextWrite = deferred();
        const claims = this.claims.splice(0, MAX_CLAIMS_PER_INSERT);
        const completions = [...this.pendingCompletions.values()];
        this.pendingCompletions.clear();
        await this.write(claims, completions);
        done.resolve();
      }
      this.writing = null;
    })();
  }

  private async write(claims: PendingClaim[], completions: PendingCompletion[]): Promise<void> {
    try {
      const ids = await this.transactions.write((m) => this.writeBatch(m, claims, completions));
      for (const claim of claims) claim.resolve(ids.get(claim) ?? null);
    } catch (error) {
      for (const claim of claims) claim.reject(error);
      if (completions.length > 0) {
        this.logger.warn({ err: error, records: completions.length }, 'could not store idempotent responses');
      }
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

  // Hot path (every keyed POST): plain SQL, one statement per write, no ORM bookkeeping.
  private async writeBatch(
    manager: EntityManager,
    claims: PendingClaim[],
    completions: PendingCompletion[],
  ): Promise<Map<PendingClaim, number>> {
    const ids = new Map<PendingClaim, number>();
    if (claims.length === 0) {
      await this.storeResponses(manager, completions);
      return ids;
    }
    // The same key twice in one group: the first claims it, the other finds it taken.
    const firsts = new Map<string, PendingClaim>();
    for (const claim of claims) {
      const id = claimId(claim.tokenId, claim.key);
      if (!firsts.has(id)) firsts.set(id, claim);
    }
    const now = Date.now();
    const lockedUntil = this.transactions.timestamp(new Date(now + IDEMPOTENCY_LOCK_MS));
    const createdAt = this.transactions.timestamp(new Date(now));
    const expiresAt = this.transactions.timestamp(new Date(now + this.config.idempotencyTtlHours * HOUR_MS));
    const rows = [...firsts.values()];
    const insert = {
      sql:
        `INSERT INTO idempotency_keys (token_id, key, fingerprint, state, locked_until, created_at, expires_at) ` +
        `VALUES ${rows.map(() => `(?, ?, ?, 'running', ?, ?, ?)`).join(', ')} ` +
        `ON CONFLICT (token_id, key) DO NOTHING RETURNING id, token_id, key`,
      params: rows.flatMap((c) => [c.tokenId, c.key, c.fingerprint, lockedUntil, createdAt, expiresAt]),
    };
    let inserted: Array<{ id: number; token_id: number; key: string }>;
    if (this.transactions.isPostgres) {
      // One round trip: the responses' UPDATE runs as a data-modifying CTE of the INSERT, which
      // commits without waiting for its WAL flush (ASYNC_COMMIT; evaluated once a row is returned).
      const complete = completions.length > 0 ? this.completionStatement(completions) : null;
      const ctes = [ASYNC_COMMIT, ...(complete ? [`completed AS (${complete.sql})`] : [])];
      inserted = await manager.query(
        this.transactions.sql(`WITH ${ctes.join(', ')} ${insert.sql}, (SELECT off FROM async_commit) AS async_commit`),
        [...(complete?.params ?? []), ...insert.params],
      );
    } else {
      await this.storeResponses(manager, completions);
      inserted = await manager.query(this.transactions.sql(insert.sql), insert.params);
    }
    for (const row of inserted) {
      const claim = firsts.get(claimId(Number(row.token_id), row.key));
      if (claim) ids.set(claim, Number(row.id));
    }
    return ids;
  }

  private async storeResponses(manager: EntityManager, completions: PendingCompletion[]): Promise<void> {
    if (completions.length === 0) return;
    if (this.transactions.isPostgres) {
      const { sql, params } = this.completionStatement(completions, 'async_commit');
      await manager.query(this.transactions.sql(`WITH ${ASYNC_COMMIT} ${sql}`), params);
      return;
    }
    // SQLite runs in-process: a short statement per response costs no round trip.
    for (const c of completions) {
      await manager.query(
        `UPDATE idempotency_keys SET state = 'completed', response_status = ?, response_body = ? WHERE id = ?`,
        [c.status, c.body, c.recordId],
      );
    }
  }

  /** PostgreSQL: one UPDATE storing every pending response (`?` placeholders), joined with `alsoFrom`. */
  private completionStatement(completions: PendingCompletion[], alsoFrom?: string): { sql: string; params: unknown[] } {
    return {
      sql:
        `UPDATE idempotency_keys AS k SET state = 'completed', response_status = v.status, response_body = v.body ` +
        `FROM (VALUES ${completions.map(() => '(?::int, ?::int, ?::text)').join(', ')}) AS v(id, status, body)` +
        `${alsoFrom ? `, ${alsoFrom}` : ''} WHERE k.id = v.id`,
      params: completions.flatMap((c) => [c.recordId, c.status, c.body]),
    };
  }
}
