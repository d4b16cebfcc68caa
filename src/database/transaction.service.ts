import { Inject, Injectable } from '@nestjs/common';
import type { DataSource, EntityManager } from 'typeorm';
import { WRITER_DATA_SOURCE } from './data-source-options';
import { toSqliteTimestamp } from './stored-timestamp';

/**
 * Takes part in every transaction run for the scope it was enlisted for: `begin` first, `end` after
 * the work, before COMMIT (either one throwing rolls back), `after` once it ended, committed or not.
 */
export interface TransactionParticipant {
  begin?(manager: EntityManager): Promise<void>;
  end?(manager: EntityManager): Promise<void>;
  after?(committed: boolean): void;
}

type Work<T> = (manager: EntityManager) => Promise<T>;
/** PostgreSQL deadlock_detected / serialization_failure: the transaction rolled back whole. */
const isTransientConflict = (error: unknown) => ['40P01', '40001'].includes((error as { code?: string })?.code ?? '');

/**
 * Runs units of work in transactions, on the writer DataSource. TypeORM's SQLite driver has one connection per
 * DataSource, so on a SQLite file the writer is a second connection to it (openWriter): reads elsewhere, on the main
 * one, see committed data only (WAL), never a pending transaction's, and never wait on it, as with PostgreSQL's pool.
 * SQLite writers queue in-process (the writer never waits on a lock of ours) and begin IMMEDIATE, locking out other
 * processes (the CLI, a second server) up front: a deferred one that read first would fail on a stale snapshot.
 */
@Injectable()
export class TransactionService {
  private tail: Promise<unknown> = Promise.resolve();
  private readonly participants = new WeakMap<object, TransactionParticipant[]>();

  constructor(@Inject(WRITER_DATA_SOURCE) private readonly writer: DataSource) {}

  get isPostgres(): boolean {
    return this.writer.options.type === 'postgres';
  }

  /** Raw SQL written with `?` placeholders, numbered `$1, $2...` for PostgreSQL (bound in order). */
  sql(text: string): string {
    let n = 0;
    return this.isPostgres ? text.replace(/\?/g, () => `$${++n}`) : text;
  }

  /** A timestamp as a raw-query parameter: a Date for pg, the text TypeORM stores in SQLite. */
  timestamp(date: Date): Date | string {
    return this.isPostgres ? date : toSqliteTimestamp(date);
  }

  /** `participant` takes part in every later transaction for `scope`, an object of one caller's own. */
  enlist(scope: object, participant: TransactionParticipant): void {
    this.participants.set(scope, [...(this.participants.get(scope) ?? []), participant]);
  }

  /** One write statement outside any transaction: autocommit; on SQLite queued like `run`. */
  write<T>(work: Work<T>): Promise<T> {
    return this.isPostgres ? work(this.writer.manager) : this.queued(() => work(this.writer.manager));
  }

  /**
   * Runs `work` in one transaction with the participants of `scope` (a request's caller; null for
   * the server's own work). A transient conflict runs it again, up to three attempts in all.
   */
  async run<T>(scope: object | null, work: Work<T>): Promise<T> {
    const participants = (scope && this.participants.get(scope)) || [];
    for (let attempt = 1; ; attempt++) {
      try {
        if (this.isPostgres) return await this.transaction(participants, work);
        return await this.queued(() => this.transaction(participants, work));
      } catch (error) {
        if (attempt >= 3 || !isTransientConflict(error)) throw error;
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 10 * attempt));
      }
    }
  }

  /** SQLite: after every unit queued before, whether they succeeded or not. */
  private queued<T>(unit: () => Promise<T>): Promise<T> {
    const result = this.tail.then(unit);
    this.tail = result.catch(() => undefined);
    return result;
  }

  private async transaction<T>(participants: readonly TransactionParticipant[], work: Work<T>): Promise<T> {
    const runner = this.writer.createQueryRunner();
    const active = runner as { isTransactionActive: boolean };
    let committed = false;
    try {
      await runner.query(this.isPostgres ? 'BEGIN' : 'BEGIN IMMEDIATE');
      // TypeORM's own writes (save, insert) then open no transaction inside ours.
      active.isTransactionActive = true;
      for (const participant of participants) await participant.begin?.(runner.manager);
      const result = await work(runner.manager);
      for (const participant of participants) await participant.end?.(runner.manager);
      await runner.query('COMMIT');
      committed = true;
      return result;
    } catch (error) {
      // The error is the answer, even if the rollback fails too.
      if (active.isTransactionActive) await runner.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      active.isTransactionActive = false;
      await runner.release();
      for (const participant of participants) participant.after?.(committed);
    }
  }
}
