import { escapeLiteral } from 'pg';

/** A key to claim: the record's identity and how long it lives. */
export interface IdempotencyClaim {
  tokenId: number;
  key: string;
  fingerprint: string;
  /** How long the record is kept (IDEMPOTENCY_TTL_HOURS). */
  ttlMs: number;
  /** How long a first request may hold the key before a retry may take it over. */
  lockMs: number;
}

/** Stored responses handed to a business transaction, to be written in its COMMIT's round trip. */
export interface ResponseRide {
  /** The INSERT to send before COMMIT (PostgreSQL). */
  sql: string;
  /** Called once the transaction ended: not committed, the responses are pending again. */
  settle(committed: boolean): void;
}

/** The store's pending responses, for a transaction's COMMIT to carry (null: none, or not PostgreSQL). */
export interface ResponseRides {
  takeResponses(): ResponseRide | null;
}

/** The key is held by a transaction still running (PostgreSQL): 409 `idempotency_key_in_use`. */
export class IdempotencyKeyBusyError extends Error {
  constructor() {
    super('The Idempotency-Key is being claimed by a request still running.');
  }
}

/** The key already has a record: a retry, or a concurrent first request that committed first. */
export class IdempotencyKeyTakenError extends Error {
  constructor() {
    super('The Idempotency-Key already has a record.');
  }
}

/** Every insert of a record, by a transaction or by the store, names its columns in this order. */
export const INSERT_IDEMPOTENCY_KEY =
  'INSERT INTO idempotency_keys (token_id, key, fingerprint, state, locked_until, created_at, expires_at)';

/** A new record's locked_until, created_at and expires_at. */
export function claimTimes(lifetime: Pick<IdempotencyClaim, 'lockMs' | 'ttlMs'>, now = Date.now()): Date[] {
  return [new Date(now + lifetime.lockMs), new Date(now), new Date(now + lifetime.ttlMs)];
}

/**
 * PostgreSQL: the business transaction's BEGIN and the claim in one simple query (one round trip,
 * hence literals, escaped by pg). The insert happens only under a transaction-scoped advisory lock
 * on (token, key), so a concurrent first request learns at once that the key is busy instead of
 * waiting on the unique index until this transaction ends (two keys sharing a hash: a spurious 409,
 * retried); the record is `committed` with the change or not at all. Results: [BEGIN, { id }, or
 * nothing when the key is busy or has a record: POSTGRES_KEY_RECORDED tells which]. The lock's
 * outcome is not selected on its own: that statement, on every keyed request, cost PostgreSQL
 * about 14 % of POST /users' own transaction (pgbench, as bench/idempotency-sql), to spare a query
 * that only a retry or a concurrent duplicate needs.
 */
export function postgresClaimingBegin(claim: IdempotencyClaim): string {
  if (!Number.isSafeInteger(claim.tokenId)) throw new Error(`invalid token id ${claim.tokenId}`);
  // One bigint (token id, then the key's 32-bit hash): apart from the two-int4 locks other code takes.
  const lock = `pg_try_advisory_xact_lock((${claim.tokenId}::bigint << 32) | (hashtext(${escapeLiteral(claim.key)})::bigint & 4294967295))`;
  const [lockedUntil, createdAt, expiresAt] = claimTimes(claim).map(
    (t) => `${escapeLiteral(t.toISOString())}::timestamptz`,
  );
  return (
    `START TRANSACTION; ` +
    `${INSERT_IDEMPOTENCY_KEY} SELECT ${claim.tokenId}, ${escapeLiteral(claim.key)}, ` +
    `${escapeLiteral(claim.fingerprint)}, 'committed', ${lockedUntil}, ${createdAt}, ${expiresAt} WHERE ${lock} ` +
    `ON CONFLICT (token_id, key) DO NOTHING RETURNING id`
  );
}

/**
 * PostgreSQL, in a claiming transaction that inserted nothing: a row when the key has a record
 * (committed: a retry, or a first request that has just finished); none when another transaction
 * still holds the key, whose record this one cannot see yet. Parameters: token id, key.
 */
export const POSTGRES_KEY_RECORDED = 'SELECT 1 FROM idempotency_keys WHERE token_id = $1 AND key = $2';

/**
 * SQLite: the claim as the transaction's first statement. Write transactions are serialised (in
 * this process by TransactionService, across processes by BEGIN IMMEDIATE), so a key is either
 * free or already committed: no waiting, no lock needed.
 */
export function sqliteClaim(claim: IdempotencyClaim, timestamp: (date: Date) => unknown): [string, unknown[]] {
  return [
    `${INSERT_IDEMPOTENCY_KEY} VALUES (?, ?, ?, 'committed', ?, ?, ?) ON CONFLICT (token_id, key) DO NOTHING RETURNING id`,
    [claim.tokenId, claim.key, claim.fingerprint, ...claimTimes(claim).map(timestamp)],
  ];
}
