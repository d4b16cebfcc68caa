import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { idempotencyContext } from '../common/idempotency/idempotency-context';

/**
 * Runs a unit of work in one transaction.
 *
 * TypeORM's SQLite drivers share a single connection per DataSource, so two concurrent
 * transactions would interleave on it. On SQLite every write transaction is therefore
 * serialised through a process-wide queue (the embedded mode is single-process).
 */
/**
 * Inside a request with an Idempotency-Key, the business transaction also marks the key's record
 * `committed`: the change and that mark commit (or roll back) together.
 */
function withIdempotencyMark<T>(work: (manager: EntityManager) => Promise<T>) {
  const context = idempotencyContext.getStore();
  if (!context) return work;
  return async (manager: EntityManager): Promise<T> => {
    const result = await work(manager);
    const sql = `UPDATE idempotency_keys SET state = 'committed' WHERE id = ${manager.connection.options.type === 'postgres' ? '$1' : '?'} AND state = 'running'`;
    await manager.query(sql, [context.recordId]);
    return result;
  };
}

@Injectable()
export class TransactionService {
  private tail: Promise<unknown> = Promise.resolve();

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  get isPostgres(): boolean {
    return this.dataSource.options.type === 'postgres';
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

  run<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    const unit = withIdempotencyMark(work);
    if (this.isPostgres) return this.dataSource.transaction(unit);
    const result = this.tail.then(() => this.dataSource.transaction(unit));
    // The queue continues whether this unit succeeded or not.
    this.tail = result.catch(() => undefined);
    return result;
  }
}
