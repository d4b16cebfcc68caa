import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Logger } from 'pino';
import { type EntityManager, LessThan, Repository } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '../../config/app-config';
import { TransactionService } from '../../database/transaction.service';
import { APP_LOGGER } from '../logging/logger';
import {
  claimTimes,
  type IdempotencyClaim,
  INSERT_IDEMPOTENCY_KEY,
  postgresStoreResponses,
  type ResponseRide,
  type ResponseRides,
  type StoredResponse,
} from './idempotency-claim';
import { IdempotencyKeyEntity } from './idempotency-key.entity';
import { IdempotencyResponseEntity } from './idempotency-response.entity';

const HOUR_MS = 3_600_000;
/** How long a first request may hold its key before a retry may take over (it crashed). */
export const IDEMPOTENCY_LOCK_MS = 120_000;
const PURGE_INTERVAL_MS = 10 * 60_000;
/**
 * How long a response to store waits for a claim to share its write. Under load the next claim
 * comes sooner and both take one statement; a lone response is written when this runs out.
 */
const RESPONSE_LINGER_MS = 5;
/** A response whose write failed (the database was unreachable) is tried again this long after. */
const RESPONSE_RETRY_MS = 1_000;
/**
 * How long a response is kept for another attempt after its write failed: a retry on another
 * replica meanwhile gets 409 `idempotency_key_in_use`, and `conflict` once the first request's lock
 * has run out; a response stored later still turns that into a replay.
 */
export const RESPONSE_KEPT_MS = 10 * 60_000;
/** At most this many responses wait for another attempt; beyond it a failed write's are dropped. */
const MAX_RETRIED_RESPONSES = 10_000;
/** Rows per group insert: on SQLite 6 parameters each, well under its limit (PostgreSQL takes arrays). */
const MAX_CLAIMS_PER_INSERT = 500;

interface PendingClaim {
  tokenId: number;
  key: string;
  fingerprint: string;
  /** The new record's id, or null when the key already exists. */
  resolve: (recordId: number | null) => void;
  reject: (error: unknown) => void;
}

/** A response waiting to be stored, and since when (Date.now()). */
interface PendingResponse extends StoredResponse {
  since: number;
}

interface InsertedRow {
  id: number;
  token_id: number;
  key: string;
}

/**
 * PostgreSQL: every write of the store (the responses to store and the group insert of new keys)
 * is this one statement, lists as arrays, so each pooled connection prepares and plans it once.
 * Both parts are inserts, whose plan has no access path to choose (why responses have their own
 * table). Its writes commit without waiting for their WAL flush, a wait that was most of their
 * cost. Nothing is lost that matters: a claim's WAL precedes its request's business commit, which
 * is flushed and takes the claim with it (if PostgreSQL crashes first, neither survived and a retry
 * runs). A response is already stored after it was sent (write-behind); one lost to a PostgreSQL
 * crash in the next few hundred milliseconds leaves the record `committed`, and a retry gets 409,
 * never a second run. `set_config(..., true)` holds for the statement's own transaction only; the
 * CTE runs where it is referenced: joined to the responses, and returned with every key inserted.
 * Parameters: the responses' record ids, statuses and bodies; the claims' token ids, keys and
 * fingerprints; then locked_until, created_at and expires_at.
 */
const PG_WRITE = {
  name: 'tt_idempotency_write',
  text:
    `WITH async_commit AS (SELECT set_config('synchronous_commit', 'off', true) AS off), ` +
    `stored AS (INSERT INTO idempotency_responses (record_id, status, body) ` +
    `SELECT v.record_id, v.status, v.body FROM unnest($1::int[], $2::int[], $3::text[]) AS v(record_id, status, body), ` +
    `async_commit ON CONFLICT (record_id) DO NOTHING) ` +
    `${INSERT_IDEMPOTENCY_KEY} ` +
    `SELECT c.token_id, c.key, c.fingerprint, 'running', $7::timestamptz, $8::timestamptz, $9::timestamptz ` +
    `FROM unnest($4::int[], $5::varchar[], $6::varchar[]) AS c(token_id, key, fingerprint) ` +
    `ON CONFLICT (token_id, key) DO NOTHING RETURNING id, token_id, key, (SELECT off FROM async_commit) AS async_commit`,
};

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

/** What a request answers when its key belongs to another request. */
export type OtherOutcome = Exclude<BeginOutcome, { kind: 'run' }>;

/**
 * Durable idempotency records (contract §5), keyed by (token, key). The unique constraint is the
 * lock: of concurrent first requests exactly one inserts and commits. A request's first transaction
 * inserts its record (TransactionService); this store inserts the others (a request that wrote
 * nothing, a business-rule error whose transaction rolled back), reads the record of a key found
 * taken, stores responses and purges.
 */
@Injectable()
export class IdempotencyStore implements OnModuleDestroy, ResponseRides {
  private readonly purgeTimer: NodeJS.Timeout;
  private claims: PendingClaim[] = [];
  private readonly pendingCompletions = new Map<number, PendingResponse>();
  /** The write loop (one write at a time), its write in flight, and the one that will take what is pending now. */
  private writing: Promise<void> | null = null;
  private inFlight: Promise<void> | null = null;
  private nextWrite = deferred();
  /** Pending responses are written without waiting for a claim: their linger ran out, or a flush. */
  private responsesDue = false;
  private lingering: NodeJS.Timeout | null = null;
  /** The next attempt at responses whose write failed. */
  private retrying: NodeJS.Timeout | null = null;
  /** Responses riding in a business transaction's COMMIT: each settles when that transaction ends. */
  private readonly riding = new Set<Promise<void>>();

  constructor(
    @InjectRepository(IdempotencyKeyEntity) private readonly records: Repository<IdempotencyKeyEntity>,
    @InjectRepository(IdempotencyResponseEntity) private readonly responses: Repository<IdempotencyResponseEntity>,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(APP_LOGGER) private readonly logger: Logger,
    private readonly transactions: TransactionService,
  ) {
    this.purgeTimer = setInterval(() => void this.purgeExpired().catch(() => undefined), PURGE_INTERVAL_MS);
    this.purgeTimer.unref();
  }

  /** What a request's first transaction needs to claim the key (TransactionService). */
  newClaim(tokenId: number, key: string, fingerprint: string): IdempotencyClaim {
    return { tokenId, key, fingerprint, ...this.lifetime() };
  }

  /** How long a new record is kept, and how long its first request may hold it. */
  private lifetime(): Pick<IdempotencyClaim, 'lockMs' | 'ttlMs'> {
    return { ttlMs: this.config.idempotencyTtlHours * HOUR_MS, lockMs: IDEMPOTENCY_LOCK_MS };
  }

  /**
   * Claims the key outside any business transaction, or tells what to answer instead: for a request
   * whose transaction found the key taken, and for one that ran no transaction. A fresh key costs a
   * share of one INSERT; only a retry (the key exists) reads the record.
   */
  async begin(claim: IdempotencyClaim): Promise<BeginOutcome> {
    for (let attempt = 0; attempt < 3; attempt++) {
      const recordId = await this.claim(claim.tokenId, claim.key, claim.fingerprint);
      if (recordId !== null) return { kind: 'run', recordId };
      // The key exists: a retry, or a concurrent first request that won the insert.
      const outcome = await this.outcomeOf(claim, true);
      if (outcome) return outcome;
    }
    return { kind: 'in_progress' };
  }

  /**
   * What a request that failed before claiming its key answers instead, if the key already has a
   * record: the first request's outcome (a retry is answered as such, a different request 422).
   * Null when the key is free, expired or abandoned: the failure itself is the answer, and nothing
   * is claimed, so a corrected retry runs.
   */
  async existingOutcome(claim: IdempotencyClaim): Promise<OtherOutcome | null> {
    const outcome = await this.outcomeOf(claim, false);
    return outcome === null || outcome.kind === 'run' ? null : outcome;
  }

  /**
   * The outcome of a key that has a record, null when it has none (any more). A response this
   * process has yet to store may be the one to replay: it is written first.
   */
  private async outcomeOf(
    { tokenId, key, fingerprint }: IdempotencyClaim,
    takeOver: boolean,
  ): Promise<BeginOutcome | null> {
    await this.flushCompletions();
    const existing = await this.records.findOneBy({ tokenId, key });
    return existing ? this.resolveExisting(existing, fingerprint, takeOver) : null;
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
   * Stores the response to replay. Write-behind, off the request's critical path: on PostgreSQL the
   * next keyed request's claiming transaction carries it in its COMMIT's round trip; otherwise it
   * rides on the next claims' write, or goes alone after RESPONSE_LINGER_MS. Until written, a retry
   * finds the record's lock still held and gets 409 `idempotency_key_in_use` (never a second run);
   * a retry in this process waits for the write and replays.
   */
  complete(recordId: number, status: number, body: string): void {
    this.pendingCompletions.set(recordId, { recordId, status, body, since: Date.now() });
    this.linger();
  }

  /** Every pending response, for one write or one ride: none is pending, nor waits for its linger, after. */
  private takePending(): PendingResponse[] {
    const batch = [...this.pendingCompletions.values()];
    this.pendingCompletions.clear();
    if (this.lingering) clearTimeout(this.lingering);
    this.lingering = null;
    return batch;
  }

  private linger(): void {
    this.lingering ??= setTimeout(() => {
      this.lingering = null;
      this.writeResponses();
    }, RESPONSE_LINGER_MS);
  }

  /** The pending responses are written without waiting for a claim (their own write if none is in flight). */
  private writeResponses(): void {
    this.responsesDue = true;
    this.startWriting();
  }

  /**
   * PostgreSQL: hands every pending response to a claiming transaction, whose COMMIT stores them in
   * the same round trip (postgresStoreResponses). Rolled back, they are pending again. Each costs
   * one run of a prepared statement and no round trip.
   */
  takeResponses(): ResponseRide | null {
    if (!this.transactions.isPostgres || this.pendingCompletions.size === 0) return null;
    const batch = this.takePending();
    const ride = deferred();
    this.riding.add(ride.promise);
    return {
      sql: postgresStoreResponses(batch),
      settle: (committed) => {
        if (!committed) {
          this.putBack(batch);
          this.linger();
        }
        this.riding.delete(ride.promise);
        ride.resolve();
      },
    };
  }

  /** Resolves when every response taken or pending now is stored (or its write failed and was logged). */
  async flushCompletions(): Promise<void> {
    // A ride that did not commit puts its responses back: they are written below.
    await Promise.all(this.riding);
    if (this.pendingCompletions.size === 0) return this.inFlight ?? undefined;
    const next = this.nextWrite.promise;
    this.writeResponses();
    await next;
    // A claiming COMMIT may have taken them meanwhile: they are stored when it settles.
    await Promise.all(this.riding);
  }

  /** The write loop has something to take: claims, or responses due. */
  private hasWrites(): boolean {
    return this.claims.length > 0 || (this.responsesDue && this.pendingCompletions.size > 0);
  }

  /**
   * One write in flight at a time; it takes every pending claim, and the pending responses with them.
   * Started only with something to write, so that the loop awaits before it ends: a loop that ended
   * without awaiting would clear `writing` before being assigned to it, and no write would start
   * again (a retry timer that found its responses gone with a COMMIT did that).
   */
  private startWriting(): void {
    if (this.writing || !this.hasWrites()) return;
    this.writing = (async () => {
      while (this.hasWrites()) {
        const done = this.nextWrite;
        this.nextWrite = deferred();
        this.inFlight = done.promise;
        const claims = this.claims.splice(0, MAX_CLAIMS_PER_INSERT);
        const completions = this.takePending();
        this.responsesDue = false;
        await this.write(claims, completions);
        done.resolve();
      }
      // Nothing was left for the write a flush waits on (a ride took the responses): it is done.
      this.nextWrite.resolve();
      this.nextWrite = deferred();
      this.inFlight = null;
      this.writing = null;
    })();
  }

  private async write(claims: PendingClaim[], completions: PendingResponse[]): Promise<void> {
    try {
      const ids = await this.transactions.write((m) => this.writeBatch(m, claims, completions));
      for (const claim of claims) claim.resolve(ids.get(claim) ?? null);
    } catch (error) {
      for (const claim of claims) claim.reject(error);
      if (completions.length > 0) this.retryLater(completions, error);
    }
  }

  /** Responses taken for a write or a ride that did not happen are pending again (unless a newer one is). */
  private putBack(responses: PendingResponse[]): void {
    for (const c of responses) {
      if (!this.pendingCompletions.has(c.recordId)) this.pendingCompletions.set(c.recordId, c);
    }
  }

  /**
   * A failed write's responses are tried again after RESPONSE_RETRY_MS (or ride in a COMMIT before
   * that), for RESPONSE_KEPT_MS: a database that was briefly unreachable costs no replay.
   */
  private retryLater(responses: PendingResponse[], error: unknown): void {
    const now = Date.now();
    const room = MAX_RETRIED_RESPONSES - this.pendingCompletions.size;
    const kept = responses.filter((c) => now - c.since < RESPONSE_KEPT_MS).slice(0, Math.max(room, 0));
    this.putBack(kept);
    const dropped = responses.length - kept.length;
    this.logger.warn(
      { err: error, records: responses.length, dropped },
      dropped > 0
        ? 'could not store idempotent responses, gave up on some'
        : 'could not store idempotent responses yet',
    );
    this.retrying ??= setTimeout(() => {
      this.retrying = null;
      this.writeResponses();
    }, RESPONSE_RETRY_MS);
    this.retrying.unref();
  }

  /** Frees the key (validation failure, 5xx): a corrected retry runs. */
  async release(recordId: number): Promise<void> {
    this.pendingCompletions.delete(recordId);
    await this.transactions.write((m) => m.delete(IdempotencyKeyEntity, { id: recordId, state: 'running' }));
  }

  /**
   * Deletes expired records with their responses, and responses whose record is gone otherwise (a
   * deleted token takes its records along): every id below the oldest live record's.
   */
  async purgeExpired(now = new Date()): Promise<number> {
    const purged = await this.transactions.run(null, async (m) => {
      await m.query(
        this.transactions.sql(
          `DELETE FROM idempotency_responses WHERE record_id IN (SELECT id FROM idempotency_keys WHERE expires_at < ?)`,
        ),
        [this.transactions.timestamp(now)],
      );
      const result = await m.delete(IdempotencyKeyEntity, { expiresAt: LessThan(now) });
      await m.query(
        `DELETE FROM idempotency_responses WHERE record_id < (SELECT COALESCE(MIN(id), ${2 ** 31 - 1}) FROM idempotency_keys)`,
      );
      return result.affected ?? 0;
    });
    if (purged > 0) this.logger.info({ purged }, 'purged expired idempotency keys');
    return purged;
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.purgeTimer);
    await this.flushCompletions();
    if (this.lingering) clearTimeout(this.lingering);
    if (this.retrying) clearTimeout(this.retrying);
  }

  /** `takeOver`: an expired record is deleted and an abandoned one taken over, so the key can run. */
  private async resolveExisting(
    record: IdempotencyKeyEntity,
    fingerprint: string,
    takeOver: boolean,
  ): Promise<BeginOutcome | null> {
    const now = Date.now();
    if (record.expiresAt.getTime() <= now) {
      if (!takeOver) return null;
      await this.transactions.run(null, async (m) => {
        await m.delete(IdempotencyResponseEntity, { recordId: record.id });
        await m.delete(IdempotencyKeyEntity, { id: record.id });
      });
      return null;
    }
    if (record.fingerprint !== fingerprint) return { kind: 'mismatch' };
    // A business-rule error is stored too, its record still `running` (its transaction rolled back).
    const response = await this.responses.findOneBy({ recordId: record.id });
    if (response) return { kind: 'replay', status: response.status, body: response.body };
    // The first request is still running (or storing its response after its commit).
    if (record.lockedUntil.getTime() > now) return { kind: 'in_progress' };
    // Its change committed but the process died before the response was stored.
    if (record.state === 'committed') return { kind: 'lost_response' };
    // The first request died before committing anything: take the key over, atomically.
    if (!takeOver) return null;
    const claimed = await this.transactions.write((m) =>
      m.update(
        IdempotencyKeyEntity,
        { id: record.id, state: 'running', lockedUntil: record.lockedUntil },
        { lockedUntil: new Date(now + IDEMPOTENCY_LOCK_MS) },
      ),
    );
    return claimed.affected === 1 ? { kind: 'run', recordId: record.id } : null;
  }

  // Hot path (every keyed POST): one prepared statement on PostgreSQL, plain SQL on SQLite.
  private async writeBatch(
    manager: EntityManager,
    claims: PendingClaim[],
    completions: StoredResponse[],
  ): Promise<Map<PendingClaim, number>> {
    // The same key twice in one group: the first claims it, the other finds it taken.
    const firsts = new Map<string, PendingClaim>();
    for (const claim of claims) {
      const id = claimId(claim.tokenId, claim.key);
      if (!firsts.has(id)) firsts.set(id, claim);
    }
    const rows = [...firsts.values()];
    const times = claimTimes(this.lifetime());
    const inserted = this.transactions.isPostgres
      ? await this.transactions.prepared<InsertedRow>(PG_WRITE, [
          completions.map((c) => c.recordId),
          completions.map((c) => c.status),
          completions.map((c) => c.body),
          rows.map((c) => c.tokenId),
          rows.map((c) => c.key),
          rows.map((c) => c.fingerprint),
          ...times,
        ])
      : await this.writeSqlite(manager, rows, completions, times);
    const ids = new Map<PendingClaim, number>();
    for (const row of inserted) {
      const claim = firsts.get(claimId(Number(row.token_id), row.key));
      if (claim) ids.set(claim, Number(row.id));
    }
    return ids;
  }

  /** SQLite runs in-process: a short statement per response costs no round trip. */
  private async writeSqlite(
    manager: EntityManager,
    rows: PendingClaim[],
    completions: StoredResponse[],
    times: Date[],
  ): Promise<InsertedRow[]> {
    for (const c of completions) {
      await manager.query(
        `INSERT INTO idempotency_responses (record_id, status, body) VALUES (?, ?, ?) ON CONFLICT (record_id) DO NOTHING`,
        [c.recordId, c.status, c.body],
      );
    }
    if (rows.length === 0) return [];
    const [lockedUntil, createdAt, expiresAt] = times.map((t) => this.transactions.timestamp(t));
    return manager.query(
      `${INSERT_IDEMPOTENCY_KEY} ` +
        `VALUES ${rows.map(() => `(?, ?, ?, 'running', ?, ?, ?)`).join(', ')} ` +
        `ON CONFLICT (token_id, key) DO NOTHING RETURNING id, token_id, key`,
      rows.flatMap((c) => [c.tokenId, c.key, c.fingerprint, lockedUntil, createdAt, expiresAt]),
    );
  }
}
