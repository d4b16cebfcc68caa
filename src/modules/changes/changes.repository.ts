import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { TransactionService } from '../../database/transaction.service';
import { type Horizon, visibleInSnapshot, widenXid } from './change-cursor';
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

  /**
   * PostgreSQL: the current snapshot and a floor under the ids of the changes it does not see.
   * Three statements, each after the previous one returned: (1) the sequence's last id, (2) the
   * transactions holding an id, (3) the snapshot. A change the snapshot does not see belongs to a
   * transaction that had not ended at (3). If that transaction had its id at (2), it is in
   * `running`; if not, it took its id after (2), and its change ids after that (ChangeLog assigns
   * the transaction id before it draws a change id; the sequence hands out one value at a time,
   * in increasing order), so above the floor read at (1).
   */
  async currentHorizon(): Promise<Horizon> {
    const [{ floor }] = await this.dataSource.query<Array<{ floor: string }>>(
      "SELECT COALESCE(pg_sequence_last_value(pg_get_serial_sequence('changes', 'id')::regclass), 0) AS floor",
    );
    const running = await this.dataSource.query<Array<{ xid: string }>>(
      'SELECT backend_xid::text AS xid FROM pg_stat_activity WHERE backend_xid IS NOT NULL',
    );
    const [{ snapshot }] = await this.dataSource.query<Array<{ snapshot: string }>>(
      'SELECT pg_current_snapshot()::text AS snapshot',
    );
    return {
      snapshot,
      idFloor: Number(floor),
      running: running
        .map(({ xid }) => widenXid(xid, snapshot))
        .filter((txid) => !visibleInSnapshot(BigInt(txid), snapshot)),
    };
  }

  /**
   * PostgreSQL: the changes `until` sees and `since` does not, in id order: after id `after`
   * inside a delta, else from since's floor (or the first change of a transaction running then),
   * so a page walks the primary key from near its first row wherever the delta begins.
   */
  deltaBetween(since: Horizon, until: Horizon, after: number | null, filter: ChangeFilter, limit: number) {
    const sql =
      `SELECT ${COLUMNS} FROM changes WHERE id > COALESCE($3::int, LEAST($4::int, ` +
      '(SELECT MIN(id) - 1 FROM changes WHERE txid = ANY($5::bigint[])))) ' +
      'AND NOT pg_visible_in_snapshot(txid::text::xid8, $1::pg_snapshot) ' +
      'AND pg_visible_in_snapshot(txid::text::xid8, $2::pg_snapshot) AND type = ANY($6) ' +
      'AND ($7::int IS NULL OR owner_id IS NULL OR owner_id = $7) ORDER BY id LIMIT $8';
    return this.dataSource.query<ChangeRow[]>(sql, [
      since.snapshot,
      until.snapshot,
      after,
      since.idFloor,
      since.running,
      filter.types,
      filter.ownerId,
      limit,
    ]);
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
