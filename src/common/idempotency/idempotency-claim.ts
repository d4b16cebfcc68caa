import { sqlLiteral } from '../../database/sql-literal';

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
  return claimEpochMs(lifetime, now).map((ms) => new Date(ms));
}

/** The same, as milliseconds since the epoch. */
function claimEpochMs(lifetime: Pick<IdempotencyClaim, 'lockMs' | 'ttlMs'>, now = Date.now()): number[] {
  return [now + lifetime.lockMs, now, now + lifetime.ttlMs];
}

/** The claim's statement, prepared once per connection (postgresClaimingBegin). */
const POSTGRES_CLAIM_STATEMENT = 'tt_claim_idempotency_key';

/**
 * PostgreSQL: the claim, as an SQL-level prepared statement. Parameters: token id, key,
 * fingerprint, then locked_until, created_at and expires_at in milliseconds since the epoch. The
 * insert happens only under a transaction-scoped advisory lock on (token, key), one bigint (token
 * id, then the key's 32-bit hash, apart from the two-int4 locks other code takes), so a concurrent
 * first request learns at once that the key is busy instead of waiting on the unique index until
 * this transaction ends (two keys sharing a hash: a spurious 409, retried); the record is
 * `committed` with the change or not at all. The lock's outcome is not selected on its own: that
 * statement, on every keyed request, cost PostgreSQL about 14 % of POST /users' own transaction
 * (pgbench, as bench/idempotency-sql measured before it moved to node-postgres), to spare a query
 * that only a retry or a concurrent duplicate needs.
 */
const POSTGRES_PREPARE_CLAIM =
  `PREPARE ${POSTGRES_CLAIM_STATEMENT} (int, varchar, varchar, float8, float8, float8) AS ` +
  `${INSERT_IDEMPOTENCY_KEY} SELECT $1, $2, $3, 'committed', ` +
  `to_timestamp($4 / 1000), to_timestamp($5 / 1000), to_timestamp($6 / 1000) ` +
  `WHERE pg_try_advisory_xact_lock(($1::bigint << 32) | (hashtext($2)::bigint & 4294967295)) ` +
  `ON CONFLICT (token_id, key) DO NOTHING RETURNING id`;

/** PostgreSQL: the connection has no prepared claim (its session was reset, by a pooler say). */
export const PREPARED_CLAIM_MISSING = '26000';
/** PostgreSQL: the connection already has the prepared claim this process did not know of. */
export const PREPARED_CLAIM_EXISTS = '42P05';

/**
 * PostgreSQL: the business transaction's BEGIN and the claim in one simple query (one round trip,
 * hence literals, escaped by sqlLiteral), the claim executing its prepared statement, and preparing it
 * first on a connection that has none (`prepare`). A prepared statement survives the transaction
 * (PREPARE is not transactional) and spares parsing and planning the INSERT on every keyed
 * request, which cost PostgreSQL as much as the insert itself. Results: [PREPARE when prepared
 * here, BEGIN, { id }, or nothing when the key is busy or has a record: POSTGRES_KEY_RECORDED
 * tells which].
 */
export function postgresClaimingBegin(claim: IdempotencyClaim, prepare: boolean): string {
  if (!Number.isSafeInteger(claim.tokenId)) throw new Error(`invalid token id ${claim.tokenId}`);
  const [lockedUntil, createdAt, expiresAt] = claimEpochMs(claim);
  return (
    `${prepare ? `${POSTGRES_PREPARE_CLAIM}; ` : ''}START TRANSACTION; ` +
    `EXECUTE ${POSTGRES_CLAIM_STATEMENT} (${claim.tokenId}, ${sqlLiteral(claim.key)}, ` +
    `${sqlLiteral(claim.fingerprint)}, ${lockedUntil}, ${createdAt}, ${expiresAt})`
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
