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
  /** The statements to send before COMMIT (PostgreSQL, postgresStoreResponses). */
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
  return [now + lifetime.lockMs, now, now + lifetime.ttlMs].map((ms) => new Date(ms));
}

/** An SQL-level prepared statement: its name, and the PREPARE that makes it. */
export interface SqlPreparedStatement {
  name: string;
  prepare: string;
}

/**
 * PostgreSQL: a stored response, as an SQL-level prepared statement that a claiming transaction's
 * COMMIT executes for each response it carries (ResponseRide). Prepared, it costs PostgreSQL about
 * a quarter less than the same INSERT as plain text, which is parsed and planned every time
 * (callgrind). Parameters: record id, status, body.
 */
const POSTGRES_STORE_RESPONSE: SqlPreparedStatement = {
  name: 'tt_store_idempotency_response',
  prepare:
    'PREPARE tt_store_idempotency_response (int, int, text) AS ' +
    'INSERT INTO idempotency_responses (record_id, status, body) VALUES ($1, $2, $3) ON CONFLICT (record_id) DO NOTHING',
};

/** A lifetime's statements: the claim, and with it every statement a claiming transaction uses. */
interface LifetimeStatements {
  lockMs: number;
  ttlMs: number;
  claim: SqlPreparedStatement;
  all: readonly SqlPreparedStatement[];
}

/**
 * The statements of the lifetime last asked for (a process has one: its configuration's), so that
 * each keyed request finds them with two comparisons instead of building their name.
 */
let latest: LifetimeStatements | null = null;

/**
 * PostgreSQL: the claim, as an SQL-level prepared statement (with the other statements of its
 * lifetime). Parameters: token id, key, fingerprint, and the record's created_at in milliseconds
 * since the epoch; the lock and the lifetime are part of the text (and of the name: one statement
 * per lifetime), since every parameter of an EXECUTE is an expression PostgreSQL plans on every run
 * (three timestamps as parameters made the claim cost it about a tenth more, callgrind). The insert
 * happens only under a transaction-scoped advisory lock on (token, key), one bigint (token id, then
 * the key's 32-bit hash, apart from the two-int4 locks other code takes), so a concurrent first
 * request learns at once that the key is busy instead of waiting on the unique index until this
 * transaction ends (two keys sharing a hash: a spurious 409, retried); the record is `committed`
 * with the change or not at all. The lock's outcome is not selected on its own: that statement, on
 * every keyed request, cost PostgreSQL about 14 % of POST /users' own transaction (pgbench, as
 * bench/idempotency-sql measured before it moved to node-postgres), to spare a query that only a
 * retry or a concurrent duplicate needs.
 */
function lifetimeStatements({ lockMs, ttlMs }: Pick<IdempotencyClaim, 'lockMs' | 'ttlMs'>): LifetimeStatements {
  if (latest?.lockMs === lockMs && latest.ttlMs === ttlMs) return latest;
  if (!Number.isSafeInteger(lockMs) || !Number.isSafeInteger(ttlMs)) throw new Error('invalid idempotency lifetime');
  const name = `tt_claim_idempotency_key_${lockMs}_${ttlMs}`;
  const createdAt = 'to_timestamp($4::float8 / 1000)';
  const statement = {
    name,
    prepare:
      `PREPARE ${name} (int, varchar, varchar, int8) AS ` +
      `${INSERT_IDEMPOTENCY_KEY} SELECT $1, $2, $3, 'committed', ` +
      `${createdAt} + interval '${lockMs} milliseconds', ${createdAt}, ${createdAt} + interval '${ttlMs} milliseconds' ` +
      `WHERE pg_try_advisory_xact_lock(($1::bigint << 32) | (hashtext($2)::bigint & 4294967295)) ` +
      `ON CONFLICT (token_id, key) DO NOTHING RETURNING id`,
  };
  latest = { lockMs, ttlMs, claim: statement, all: [statement, POSTGRES_STORE_RESPONSE] };
  return latest;
}

/**
 * The statements a claiming transaction uses on its connection, prepared there once: the claim, and
 * the stored responses its COMMIT may carry.
 */
export function postgresClaimStatements(
  lifetime: Pick<IdempotencyClaim, 'lockMs' | 'ttlMs'>,
): readonly SqlPreparedStatement[] {
  return lifetimeStatements(lifetime).all;
}

/** PostgreSQL: the connection lacks a prepared statement this process believed it had (its session was reset, by a pooler say). */
export const PREPARED_CLAIM_MISSING = '26000';
/** PostgreSQL: the connection already has a prepared statement this process did not know of. */
export const PREPARED_CLAIM_EXISTS = '42P05';

/**
 * PostgreSQL: the business transaction's BEGIN and the claim in one simple query (one round trip,
 * hence literals, escaped by sqlLiteral), the claim executing its prepared statement, and preparing
 * first the statements of postgresClaimStatements the connection does not have yet (`unprepared`).
 * A prepared statement survives the transaction (PREPARE is not transactional) and spares parsing
 * and planning the INSERT on every keyed request, which cost PostgreSQL as much as the insert
 * itself. Results: [one per PREPARE sent, BEGIN, { id }, or nothing when the key is busy or has a
 * record: POSTGRES_KEY_RECORDED tells which].
 */
export function postgresClaimingBegin(claim: IdempotencyClaim, unprepared: readonly SqlPreparedStatement[]): string {
  if (!Number.isSafeInteger(claim.tokenId)) throw new Error(`invalid token id ${claim.tokenId}`);
  return (
    `${unprepared.map((statement) => `${statement.prepare}; `).join('')}START TRANSACTION; ` +
    `EXECUTE ${lifetimeStatements(claim).claim.name} (${claim.tokenId}, ${sqlLiteral(claim.key)}, ` +
    `${sqlLiteral(claim.fingerprint)}, ${Date.now()})`
  );
}

/** A response to store: the record's id, the status and the body exactly as sent. */
export interface StoredResponse {
  recordId: number;
  status: number;
  body: string;
}

/**
 * PostgreSQL: the responses a claiming transaction's COMMIT carries, as statements to send before
 * it in the same simple query, executing the prepared POSTGRES_STORE_RESPONSE (the bodies inlined
 * as literals, sqlLiteral).
 */
export function postgresStoreResponses(responses: readonly StoredResponse[]): string {
  return responses
    .map(({ recordId, status, body }) => {
      if (!Number.isSafeInteger(recordId) || !Number.isSafeInteger(status)) throw new Error('invalid stored response');
      return `EXECUTE ${POSTGRES_STORE_RESPONSE.name} (${recordId}, ${status}, ${sqlLiteral(body)})`;
    })
    .join('; ');
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
