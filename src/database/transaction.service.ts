import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { idempotencyContext } from '../common/idempotency/idempotency-context';
import { IdempotencyKeyEntity } from '../common/idempotency/idempotency-key.entity';

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
    await manager.update(IdempotencyKeyEntity, { id: context.recordId, state: 'running' }, { state: 'committed' });
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

  run<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    const unit = withIdempotencyMark(work);
    if (this.isPostgres) return this.dataSource.transaction(unit);
    const result = this.tail.then(() => this.dataSource.transaction(unit));
    // The queue continues whether this unit succeeded or not.
    this.tail = result.catch(() => undefined);
    return result;
  }
}
