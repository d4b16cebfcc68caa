import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';

/**
 * Runs a unit of work in one transaction.
 *
 * TypeORM's SQLite drivers share a single connection per DataSource, so two concurrent
 * transactions would interleave on it. On SQLite every write transaction is therefore
 * serialised through a process-wide queue (the embedded mode is single-process).
 */
@Injectable()
export class TransactionService {
  private tail: Promise<unknown> = Promise.resolve();

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  get isPostgres(): boolean {
    return this.dataSource.options.type === 'postgres';
  }

  run<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    if (this.isPostgres) return this.dataSource.transaction(work);
    const result = this.tail.then(() => this.dataSource.transaction(work));
    // The queue continues whether this unit succeeded or not.
    this.tail = result.catch(() => undefined);
    return result;
  }
}
