import { Injectable, type OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager, type QueryRunner } from 'typeorm';
import { idempotencyContext } from '../common/idempotency/idempotency-context';
import { postgresPool } from './postgres-pool';

/**
 * Inside a request with an Idempotency-Key, the business transaction also marks the key's record
 * `committed`: the change and that mark commit (or roll back) together.
 */
function markCommitted(recordId: number): string {
  // Inlined (the simple-query protocol takes no parameters): an id from our own database.
  if (!Number.isSafeInteger(recordId)) throw new Error(`invalid idempotency record id ${recordId}`);
  return `UPDATE idempotency_keys SET state = 'committed' WHERE id = ${recordId} AND state = 'running'`;
}

const MAX_ATTEMPTS = 3;

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
    return this.isPostgres ? date : date.toISOString().replace('T', ' ').replace('Z', '');
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
   * Runs `work` in one transaction. A transaction PostgreSQL aborted only because of another one
   * (a deadlock or serialization failure) rolled back completely and runs again, up to three times.
   */
  async run<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.runOnce(work);
      } catch (error) {
        if (attempt >= MAX_ATTEMPTS || !isTransientConflict(error)) throw error;
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 10 * attempt));
      }
    }
  }

  private runOnce<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    const mark = idempotencyContext.getStore();
    if (this.isPostgres) {
      return mark ? this.committingWith(markCommitted(mark.recordId), work) : this.dataSource.transaction(work);
    }
    const unit = mark ? this.followedBy(markCommitted(mark.recordId), work) : work;
    const result = this.tail.then(() => this.dataSource.transaction(unit));
    // The queue continues whether this unit succeeded or not.
    this.tail = result.catch(() => undefined);
    return result;
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
