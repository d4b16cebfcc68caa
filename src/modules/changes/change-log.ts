import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { AuthContext } from '../../common/auth/auth-context';
import { SQLITE_ROWS_PER_STATEMENT } from '../../database/rows-relation';
import { TransactionService } from '../../database/transaction.service';
import type { ChangeAction, ChangeType } from './change.entity';

export interface ChangeRecord {
  type: ChangeType;
  id: number;
  action: ChangeAction;
  /** The resource as its GET returns it now; ignored (stored as null) for `deleted`. */
  data: unknown;
  /** The user a per-user resource belongs to (time entries, webhooks); omitted when shared. */
  ownerId?: number | null;
}

const COLUMNS = 'txid, type, resource_id, action, owner_id, actor_id, actor_username, data, changed_at';

/**
 * Services record each write here inside the write's transaction, after the write itself (so a
 * row's id is taken after any lock the write waited on: two writes of one row get ids in commit
 * order). On PostgreSQL each row carries the writing transaction's id, which the reader compares
 * with snapshots; on SQLite writers are serialised and ids are commit order.
 */
@Injectable()
export class ChangeLog {
  constructor(private readonly transactions: TransactionService) {}

  record(manager: EntityManager, actor: AuthContext | null, change: ChangeRecord): Promise<void> {
    return this.recordEach(manager, actor, [change]);
  }

  /** One row per change, in order, inserted together (a bulk change or an import batch). */
  async recordEach(manager: EntityManager, actor: AuthContext | null, changes: readonly ChangeRecord[]): Promise<void> {
    const now = this.transactions.timestamp(new Date());
    for (let start = 0; start < changes.length; start += SQLITE_ROWS_PER_STATEMENT) {
      const slice = changes.slice(start, start + SQLITE_ROWS_PER_STATEMENT);
      const parameters = slice.flatMap((c) => [
        c.type,
        c.id,
        c.action,
        c.ownerId ?? null,
        actor?.userId ?? null,
        actor?.username ?? null,
        c.action === 'deleted' ? null : JSON.stringify(c.data),
        now,
      ]);
      await manager.query(this.insertSql(slice.length), parameters);
    }
  }

  /**
   * PostgreSQL: the transaction id is taken (assigned if this is the transaction's first write)
   * in a CTE whose row feeds the insert, so before the sequence draws any of the rows' ids: the
   * feed's id floor depends on that order (ChangesRepository.currentHorizon).
   */
  private insertSql(rows: number): string {
    if (!this.transactions.isPostgres) {
      const values = Array.from({ length: rows }, () => '(NULL, ?, ?, ?, ?, ?, ?, ?, ?)').join(', ');
      return `INSERT INTO changes (${COLUMNS}) VALUES ${values}`;
    }
    const values = Array.from({ length: rows }, (_, i) => {
      const p = (k: number) => `$${i * 8 + k}`;
      return `(${p(1)}::varchar, ${p(2)}::int, ${p(3)}::varchar, ${p(4)}::int, ${p(5)}::int, ${p(6)}::varchar, ${p(7)}::text, ${p(8)}::timestamptz)`;
    }).join(', ');
    return (
      'WITH tx AS MATERIALIZED (SELECT pg_current_xact_id()::text::bigint AS txid) ' +
      `INSERT INTO changes (${COLUMNS}) SELECT tx.txid, v.* FROM tx CROSS JOIN (VALUES ${values}) AS v`
    );
  }
}
