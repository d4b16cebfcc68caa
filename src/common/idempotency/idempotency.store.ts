import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Logger } from 'pino';
import { DataSource, type EntityManager, LessThan } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '../../config/app-config';
import { TransactionService } from '../../database/transaction.service';
import { DomainError } from '../errors/domain-error';
import { ErrorCode } from '../errors/error-code';
import { APP_LOGGER } from '../logging/logger';
import { IdempotencyKeyEntity, IdempotencyResponseEntity } from './idempotency.entities';

/** How long a first request may hold its key before a retry may take it over (it died). */
const IDEMPOTENCY_LOCK_MS = 120_000;

/** The key already has a record: a retry, or a concurrent first request that committed first. */
export class IdempotencyKeyTakenError extends Error {}

const inUse = () =>
  new DomainError(ErrorCode.IdempotencyKeyInUse, 'A request with this Idempotency-Key is still being processed.', {
    headers: { 'Retry-After': '1' },
  });

const MISMATCH = 'This Idempotency-Key was already used with a different request.';
const LOST_RESPONSE =
  'A request with this Idempotency-Key completed, but its response could not be stored; check the resource before retrying with a new key.';

export type IdempotencyClaim = Pick<IdempotencyKeyEntity, 'tokenId' | 'key' | 'fingerprint'>;
export type StoredResponse = Pick<IdempotencyResponseEntity, 'status' | 'body'>;

const INSERT = 'INSERT INTO idempotency_keys (token_id, key, fingerprint, state, locked_until, created_at, expires_at)';
const CONFLICT = 'ON CONFLICT (token_id, key) DO NOTHING RETURNING id';
// PostgreSQL: the same insert under an advisory lock on (token, key), as a SQL function planned
// once per connection (migration 1764400000016): null when the key is busy or already recorded.
export const PG_CLAIM = 'SELECT idempotency_claim($1, $2, $3, $4, $5, $6, $7) AS id';

/** Durable idempotency records (contract §5), keyed by (token, key): the unique constraint is the lock. */
@Injectable()
export class IdempotencyStore implements OnModuleDestroy {
  private readonly purgeTimer = setInterval(() => void this.purgeExpired().catch(() => undefined), 600_000).unref();

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(APP_LOGGER) private readonly logger: Logger,
    private readonly transactions: TransactionService,
  ) {}

  /** Inserts the key's record with `manager` (in its transaction, or alone): its id; 409 when busy. */
  async claim(manager: EntityManager, claim: IdempotencyClaim, state: IdempotencyKeyEntity['state']): Promise<number> {
    const pg = this.transactions.isPostgres;
    const now = Date.now();
    const at = (ms: number) => this.transactions.timestamp(new Date(now + ms));
    const ttl = this.config.idempotencyTtlHours * 3_600_000;
    const params = [claim.tokenId, claim.key, claim.fingerprint, state, at(IDEMPOTENCY_LOCK_MS), at(0), at(ttl)];
    const sql = pg ? PG_CLAIM : `${INSERT} VALUES (?, ?, ?, ?, ?, ?, ?) ${CONFLICT}`;
    const [row] = await manager.query<{ id: number | null }[]>(sql, params);
    if (row && row.id !== null) return Number(row.id);
    // SQLite writers are serialised: a key is free or recorded. PostgreSQL: or held by a transaction.
    const { tokenId, key } = claim;
    if (pg && !(await manager.existsBy(IdempotencyKeyEntity, { tokenId, key }))) throw inUse();
    throw new IdempotencyKeyTakenError();
  }

  /** Claims the key outside any transaction (`running`): its id, or the response to replay. */
  async begin(claim: IdempotencyClaim, attempts = 3): Promise<number | StoredResponse> {
    if (attempts === 0) throw inUse();
    try {
      return await this.transactions.write((m) => this.claim(m, claim, 'running'));
    } catch (error) {
      if (!(error instanceof IdempotencyKeyTakenError)) throw error;
    }
    return (await this.lookup(claim, true)) ?? this.begin(claim, attempts - 1);
  }

  /**
   * Stores the response to replay: one autocommit write, after the change committed and before the
   * response is sent. If it fails, a retry gets 409 (in use, then `conflict`), never a second run.
   */
  async complete(recordId: number, { status, body }: StoredResponse): Promise<void> {
    const sql = 'INSERT INTO idempotency_responses (record_id, status, body) VALUES (?, ?, ?) ON CONFLICT DO NOTHING';
    await this.transactions
      .write((m) => m.query(this.transactions.sql(sql), [recordId, status, body]))
      .catch((error: unknown) => this.logger.warn({ err: error, recordId }, 'could not store an idempotent response'));
  }

  /** Deletes expired records with their responses, and responses whose record is gone (its token deleted). */
  async purgeExpired(now = new Date()): Promise<number> {
    const expired = this.transactions.sql('SELECT id FROM idempotency_keys WHERE expires_at < ?');
    const oldest = `SELECT COALESCE(MIN(id), ${2 ** 31 - 1}) FROM idempotency_keys`;
    const purged = await this.transactions.run(null, async (m) => {
      await m.query(`DELETE FROM idempotency_responses WHERE record_id IN (${expired})`, [
        this.transactions.timestamp(now),
      ]);
      const { affected } = await m.delete(IdempotencyKeyEntity, { expiresAt: LessThan(now) });
      // Then those of deleted tokens' records: every id below the oldest live one, without a scan.
      await m.query(`DELETE FROM idempotency_responses WHERE record_id < (${oldest})`);
      return affected ?? 0;
    });
    if (purged > 0) this.logger.info({ purged }, 'purged expired idempotency keys');
    return purged;
  }

  onModuleDestroy(): void {
    clearInterval(this.purgeTimer);
  }

  /**
   * What the key's record answers: its response, or throws (422, 409); null when the key is free.
   * `takeOver`: a record expired, or abandoned (claimed outside a change, its lock run out), is
   * deleted, so that the key can run again.
   */
  async lookup(claim: IdempotencyClaim, takeOver: boolean): Promise<StoredResponse | null> {
    const { manager } = this.dataSource;
    const record = await manager.findOneBy(IdempotencyKeyEntity, { tokenId: claim.tokenId, key: claim.key });
    const now = Date.now();
    if (record && record.expiresAt.getTime() > now) {
      if (record.fingerprint !== claim.fingerprint) throw new DomainError(ErrorCode.IdempotencyKeyMismatch, MISMATCH);
      // A stored 4xx's record is `running` (claimed after its transaction rolled back): the response tells.
      const response = await manager.findOneBy(IdempotencyResponseEntity, { recordId: record.id });
      if (response) return { status: response.status, body: response.body };
      // The first request still runs, or stores its response after its commit.
      if (record.lockedUntil.getTime() > now) throw inUse();
      if (record.state === 'committed') throw new DomainError(ErrorCode.Conflict, LOST_RESPONSE);
    }
    if (record && takeOver) {
      // Only if it is still the record read: of concurrent retries, one deletes it.
      await this.transactions.run(null, async (m) => {
        await m.delete(IdempotencyResponseEntity, { recordId: record.id });
        await m.delete(IdempotencyKeyEntity, { id: record.id, lockedUntil: record.lockedUntil });
      });
    }
    return null;
  }
}
