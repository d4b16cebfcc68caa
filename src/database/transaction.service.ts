import { Injectable, type OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager, QueryFailedError, type QueryRunner } from 'typeorm';
import type { PoolClient, QueryResult } from 'pg';
import {
  type IdempotencyClaim,
  IdempotencyKeyBusyError,
  IdempotencyKeyTakenError,
  POSTGRES_KEY_RECORDED,
  postgresClaimingBegin,
  postgresClaimStatements,
  PREPARED_CLAIM_EXISTS,
  PREPARED_CLAIM_MISSING,
  type SqlPreparedStatement,
  sqliteClaim,
} from '../common/idempotency/idempotency-claim';
import type { AuthContext } from '../common/auth/auth-context';
import { type IdempotencyContext, idempotencyOf } from '../common/idempotency/idempotency-context';
import { postgresPool } from './postgres-pool';
import { toSqliteTimestamp } from './stored-timestamp';

/**
 * Inside a request with an Idempotency-Key whose record was claimed outside the business
 * transaction (a retry that took an abandoned key over), the business transaction also marks it
 * `committed`: the change and that mark commit (or roll back) together.
 */
function markCommitted(recordId: number): string {
  // Inlined (the simple-query protocol takes no parameters): an id from our own database.
  if (!Number.isSafeInteger(recordId)) throw new Error(`invalid idempotency record id ${recordId}`);
  return `UPDATE idempotency_keys SET state = 'committed' WHERE id = ${recordId} AND state = 'running'`;
}

const MAX_ATTEMPTS = 3;

/**
 * Whom a transaction runs for: the caller of the request it serves (its AuthContext, as the
 * controller got it), so that a keyed request's first transaction claims its Idempotency-Key; or
 * null for the server's own work, outside any request (flushes, deliveries, bootstrap, purges).
 */
export type Caller = AuthContext | null;

/** PostgreSQL deadlock_detected / serialization_failure (SQLite transactions begin IMMEDIATE: no stale snapshot). */
function isTransientConflict(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === '40P01' || code === '40001';
}

/** Makes `runner` send `replacement` wherever TypeORM sends exactly `statement`. */
function rewriteStatement(runner: QueryRunner, statement: string, replacement: string): void {
  const query = runner.query.bind(runner) as (...args: unknown[]) => Promise<unknown>;
  runner.query = ((sql: string, ...rest: unknown[]) =>
    query(sql === statement ? replacement : sql, ...rest)) as typeof runner.query;
}

/**
 * Runs a unit of work in one transaction.
 *
 * TypeORM's SQLite drivers share a single connection per DataSource, so two concurrent
 * transactions would interleave on it. On SQLite every write transaction is therefore
 * serialised through a process-wide queue; across processes, BEGIN IMMEDIATE (see onModuleInit).
 */
@Injectable()
export class TransactionService implements OnModuleInit {
  private tail: Promise<unknown> = Promise.resolve();
  /** PostgreSQL: the statements of postgresClaimStatements each connection's session has prepared, by name. */
  private readonly preparedStatements = new WeakMap<PoolClient, Set<string>>();

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * SQLite: every transaction begins IMMEDIATE, taking the write lock up front. Within this process
   * writes are queued anyway; against another process on the same file (the CLI, a second server)
   * a deferred transaction that read first would fail with a stale snapshot when the other one
   * commits, where an immediate one simply waits its turn (busy_timeout, bounded by DB_TIMEOUT_MS).
   * TypeORM's better-sqlite3 driver has one query runner per DataSource, so this covers them all.
   */
  onModuleInit(): void {
    if (this.isPostgres) return;
    rewriteStatement(this.dataSource.createQueryRunner(), 'BEGIN TRANSACTION', 'BEGIN IMMEDIATE TRANSACTION');
  }

  get isPostgres(): boolean {
    return this.dataSource.options.type === 'postgres';
  }

  /**
   * Raw SQL written with `?` placeholders, numbered `$1, $2...` for PostgreSQL: both drivers then
   * bind the parameters in the order the placeholders appear in the text.
   */
  sql(text: string): string {
    if (!this.isPostgres) return text;
    let n = 0;
    return text.replace(/\?/g, () => `$${++n}`);
  }

  /** A timestamp as a raw-query parameter: a Date for pg, the text TypeORM stores in SQLite. */
  timestamp(date: Date): Date | string {
    return this.isPostgres ? date : toSqliteTimestamp(date);
  }

  /**
   * One write statement outside any business transaction: a single round trip on PostgreSQL
   * (autocommit); on SQLite queued behind open transactions like `run`, so it never lands
   * inside another request's transaction on the shared connection.
   */
  write<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    if (this.isPostgres) return work(this.dataSource.manager);
    const result = this.tail.then(() => work(this.dataSource.manager));
    this.tail = result.catch(() => undefined);
    return result;
  }

  /**
   * PostgreSQL: one statement outside any transaction (autocommit), sent under `name` so that each
   * pooled connection parses it once and, after a few runs, keeps one generic plan. The text behind
   * a name must never change (pass lists as array parameters), and the statement should have no
   * access path to choose, as an INSERT has none: a lookup planned while its table was small would
   * keep scanning the table as it grows. Bypasses TypeORM: for hot paths only.
   */
  async prepared<T extends object>(statement: { name: string; text: string }, params: unknown[]): Promise<T[]> {
    const pool = postgresPool(this.dataSource);
    if (!pool) throw new Error('prepared statements need the PostgreSQL pool');
    const result = await pool.query<T>({ ...statement, values: params });
    return result.rows;
  }

  /**
   * Runs `work` in one transaction for `caller` (see Caller): the first transaction of a request
   * with an Idempotency-Key claims the key. A transaction PostgreSQL aborted only because of another
   * one (a deadlock or serialization failure) rolled back completely and runs again, up to three times.
   */
  async run<T>(caller: Caller, work: (manager: EntityManager) => Promise<T>): Promise<T> {
    const idempotency = idempotencyOf(caller);
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.runOnce(idempotency, work);
      } catch (error) {
        if (attempt >= MAX_ATTEMPTS || !isTransientConflict(error)) throw error;
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 10 * attempt));
      }
    }
  }

  private runOnce<T>(
    idempotency: IdempotencyContext | undefined,
    work: (manager: EntityManager) => Promise<T>,
  ): Promise<T> {
    if (idempotency?.recordId === null) return this.claiming(idempotency, work);
    const mark = idempotency?.mark ? markCommitted(idempotency.recordId) : null;
    if (this.isPostgres) return mark ? this.committingWith(mark, work) : this.dataSource.transaction(work);
    return this.queued(mark ? this.followedBy(mark, work) : work);
  }

  private queued<T>(unit: (manager: EntityManager) => Promise<T>): Promise<T> {
    const result = this.tail.then(() => this.dataSource.transaction(unit));
    // The queue continues whether this unit succeeded or not.
    this.tail = result.catch(() => undefined);
    return result;
  }

  /**
   * The request's first transaction claims its Idempotency-Key: the record commits with the change,
   * in the same transaction (contract §5), and costs no round trip of its own on PostgreSQL. Throws
   * IdempotencyKeyTakenError (the key has a record) or IdempotencyKeyBusyError (another transaction
   * is claiming it) before `work` runs. If the transaction does not commit, the key is unclaimed.
   */
  private async claiming<T>(idempotency: IdempotencyContext, work: (manager: EntityManager) => Promise<T>): Promise<T> {
    try {
      if (this.isPostgres) return await this.claimingWithBegin(idempotency, work);
      const [sql, params] = sqliteClaim(idempotency.claim, (date) => this.timestamp(date));
      return await this.queued(async (manager) => {
        const [row] = await manager.query<{ id: number }[]>(sql, params);
        if (!row) throw new IdempotencyKeyTakenError();
        idempotency.recordId = Number(row.id);
        return work(manager);
      });
    } catch (error) {
      idempotency.recordId = null;
      throw error;
    }
  }

  /** PostgreSQL: `work` in a transaction whose BEGIN carries the claim (see postgresClaimingBegin). */
  private async claimingWithBegin<T>(
    idempotency: IdempotencyContext,
    work: (manager: EntityManager) => Promise<T>,
  ): Promise<T> {
    const runner = this.dataSource.createQueryRunner();
    const query = runner.query.bind(runner) as (...args: unknown[]) => Promise<unknown>;
    runner.query = (async (sql: string, ...rest: unknown[]) => {
      if (sql === 'COMMIT') return this.commitCarrying(idempotency, query);
      if (sql !== 'START TRANSACTION') return query(sql, ...rest);
      // TypeORM rolls the transaction back when this throws.
      idempotency.recordId = await this.beginClaiming(runner, idempotency.claim);
      return [];
    }) as typeof runner.query;
    try {
      return await runner.manager.transaction(work);
    } finally {
      await runner.release();
    }
  }

  /**
   * Sends the claiming BEGIN (postgresClaimingBegin) on the runner's connection: the new record's
   * id, or IdempotencyKeyTakenError / IdempotencyKeyBusyError, the transaction still open.
   */
  private async beginClaiming(runner: QueryRunner, claim: IdempotencyClaim): Promise<number> {
    let text = '';
    let row: { id: number } | undefined;
    let recorded = false;
    try {
      const client = (await runner.connect()) as PoolClient;
      const statements = postgresClaimStatements(claim);
      for (let attempt = 1; ; attempt++) {
        const prepared = this.preparedOn(client);
        const unprepared = statements.filter((statement) => !prepared.has(statement.name));
        text = postgresClaimingBegin(claim, unprepared);
        try {
          const results = (await client.query(text)) as unknown as QueryResult<{ id: number }>[];
          for (const statement of unprepared) prepared.add(statement.name);
          row = results[results.length - 1].rows[0];
          break;
        } catch (error) {
          if (attempt > 1 || !(await this.mendPreparedClaim(client, error, statements))) throw error;
        }
      }
      // Nothing inserted: the key has a record, or another transaction holds it.
      if (!row) recorded = (await client.query(POSTGRES_KEY_RECORDED, [claim.tokenId, claim.key])).rowCount !== 0;
    } catch (error) {
      throw new QueryFailedError(text, [], error as Error);
    }
    if (row) return Number(row.id);
    throw recorded ? new IdempotencyKeyTakenError() : new IdempotencyKeyBusyError();
  }

  private preparedOn(client: PoolClient): Set<string> {
    let prepared = this.preparedStatements.get(client);
    if (!prepared) this.preparedStatements.set(client, (prepared = new Set()));
    return prepared;
  }

  /**
   * The connection's prepared statements were not what this process believed (a pooler reset its
   * session, or handed it another one): learns which of `statements` it has. True when the claiming
   * BEGIN can go once more.
   */
  private async mendPreparedClaim(
    client: PoolClient,
    error: unknown,
    statements: readonly SqlPreparedStatement[],
  ): Promise<boolean> {
    const code = (error as { code?: unknown }).code;
    if (code !== PREPARED_CLAIM_EXISTS && code !== PREPARED_CLAIM_MISSING) return false;
    // A PREPARE failed (nothing after it ran), or the BEGIN ran and the EXECUTE failed: then the
    // transaction is aborted.
    if (code === PREPARED_CLAIM_MISSING) await client.query('ROLLBACK');
    const { rows } = await client.query<{ name: string }>(
      'SELECT name FROM pg_prepared_statements WHERE name = ANY($1::text[])',
      [statements.map((statement) => statement.name)],
    );
    this.preparedStatements.set(client, new Set(rows.map((r) => r.name)));
    return true;
  }

  /** A claiming transaction's COMMIT carries the responses other requests left to store. */
  private async commitCarrying(
    idempotency: IdempotencyContext,
    query: (...args: unknown[]) => Promise<unknown>,
  ): Promise<unknown> {
    const ride = idempotency.responses?.takeResponses();
    if (!ride) return query('COMMIT');
    let committed = false;
    try {
      const result = await query(`${ride.sql}; COMMIT`);
      committed = true;
      return result;
    } finally {
      ride.settle(committed);
    }
  }

  /**
   * PostgreSQL: a transaction whose COMMIT carries one more statement in the same round trip. The
   * simple-query protocol runs `statement; COMMIT` in order and stops at the first error, so the
   * statement commits with the work or not at all (TypeORM then rolls back as usual).
   */
  private async committingWith<T>(statement: string, work: (manager: EntityManager) => Promise<T>): Promise<T> {
    const runner = this.dataSource.createQueryRunner();
    rewriteStatement(runner, 'COMMIT', `${statement}; COMMIT`);
    try {
      return await runner.manager.transaction(work);
    } finally {
      await runner.release();
    }
  }

  private followedBy<T>(statement: string, work: (manager: EntityManager) => Promise<T>) {
    return async (manager: EntityManager): Promise<T> => {
      const result = await work(manager);
      await manager.query(statement);
      return result;
    };
  }
}
