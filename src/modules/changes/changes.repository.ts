import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { TransactionService } from '../../database/transaction.service';
import { ChangesPurgeEntity, type ChangeType } from './change.entity';

export interface ChangeRow {
  id: number;
  type: ChangeType;
  resource_id: number;
  action: string;
  actor_id: number | null;
  actor_username: string | null;
  data: string | null;
  changed_at: Date | string;
}

/** Which rows the caller may see: `types` it may read; a non-admin only shared rows and its own. */
export interface ChangeFilter {
  types: readonly ChangeType[];
  ownerId: number | null;
}

const COLUMNS = 'id, type, resource_id, action, actor_id, actor_username, data, changed_at';

@Injectable()
export class ChangesRepository {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly transactions: TransactionService,
  ) {}

  /** PostgreSQL: the current snapshot, as text. */
  async currentSnapshot(): Promise<string> {
    const [row] = await this.dataSource.query<Array<{ s: string }>>('SELECT pg_current_snapshot()::text AS s');
    return row.s;
  }

  /**
   * PostgreSQL: the changes `until` sees and `since` does not, after id `afterId`, in id order.
   * Rows below since's xmin are all visible in it, so the txid index bounds the scan.
   */
  deltaBetween(since: string, until: string, afterId: number, filter: ChangeFilter, limit: number) {
    const sql =
      `SELECT ${COLUMNS} FROM changes WHERE txid >= pg_snapshot_xmin($1::pg_snapshot)::text::bigint ` +
      'AND txid < pg_snapshot_xmax($2::pg_snapshot)::text::bigint ' +
      'AND NOT pg_visible_in_snapshot(txid::text::xid8, $1::pg_snapshot) ' +
      'AND pg_visible_in_snapshot(txid::text::xid8, $2::pg_snapshot) AND id > $3 AND type = ANY($4) ' +
      'AND ($5::int IS NULL OR owner_id IS NULL OR owner_id = $5) ORDER BY id LIMIT $6';
    return this.dataSource.query<ChangeRow[]>(sql, [since, until, afterId, filter.types, filter.ownerId, limit]);
  }

  /** SQLite: the highest committed id (read before the rows: nothing below it can still commit). */
  async lastId(): Promise<number> {
    const [row] = await this.dataSource.query<Array<{ id: number }>>('SELECT COALESCE(MAX(id), 0) AS id FROM changes');
    return Number(row.id);
  }

  /** SQLite: the changes with ids in (afterId, upTo], in id order (= commit order: writers are serialised). */
  afterId(afterId: number, upTo: number, filter: ChangeFilter, limit: number) {
    const types = filter.types.map(() => '?').join(', ');
    const sql =
      `SELECT ${COLUMNS} FROM changes WHERE id > ? AND id <= ? AND type IN (${types}) ` +
      'AND (CAST(? AS INTEGER) IS NULL OR owner_id IS NULL OR owner_id = ?) ORDER BY id LIMIT ?';
    const { ownerId } = filter;
    const params = [afterId, upTo, ...filter.types, ownerId, ownerId, limit];
    return this.dataSource.query<ChangeRow[]>(this.transactions.sql(sql), params);
  }

  /** Where purging stopped, or null before the first purge. */
  purgeMark(): Promise<ChangesPurgeEntity | null> {
    return this.dataSource.manager.findOneBy(ChangesPurgeEntity, { id: 1 });
  }

  /**
   * Deletes the changes made before `cutoff` and moves the purge mark past them, in one
   * transaction: a cursor's expiry check against the mark is exact for every deleted row.
   */
  purgeBefore(cutoff: Date): Promise<number> {
    return this.transactions.run(null, async (m) => {
      const before = this.transactions.timestamp(cutoff);
      // PostgreSQL: the mark from exactly the rows deleted (one statement, one snapshot).
      const edgeSql = this.transactions.isPostgres
        ? 'WITH gone AS (DELETE FROM changes WHERE changed_at < $1 RETURNING id, txid) ' +
          'SELECT MAX(id) AS id, MAX(txid) AS txid, COUNT(*) AS n FROM gone'
        : 'SELECT MAX(id) AS id, NULL AS txid, COUNT(*) AS n FROM changes WHERE changed_at < ?';
      const [edge] = await m.query<Array<{ id: number | null; txid: string | number | null; n: string | number }>>(
        edgeSql,
        [before],
      );
      if (!Number(edge.n)) return 0;
      if (!this.transactions.isPostgres) await m.query('DELETE FROM changes WHERE id <= ?', [edge.id]);
      const mark =
        (await m.findOneBy(ChangesPurgeEntity, { id: 1 })) ?? Object.assign(new ChangesPurgeEntity(), { id: 1 });
      mark.maxId = Math.max(mark.maxId ?? 0, Number(edge.id));
      const txid = edge.txid === null ? null : BigInt(edge.txid);
      if (txid !== null && (mark.maxTxid === null || mark.maxTxid === undefined || txid > BigInt(mark.maxTxid))) {
        mark.maxTxid = String(txid);
      }
      mark.maxTxid ??= null;
      mark.purgedAt = new Date();
      await m.save(ChangesPurgeEntity, mark);
      return Number(edge.n);
    });
  }
}
