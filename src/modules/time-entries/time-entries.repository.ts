import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { type EntityManager, In, Repository, type SelectQueryBuilder } from 'typeorm';
import type { AuthContext } from '../../common/auth/auth-context';
import { ListCounter, type ListCount } from '../../common/pagination/list-counter';
import { keysetCondition, orderByKeys } from '../../common/pagination/keyset';
import type { ListOrder } from '../../common/pagination/list-order';
import { inPage, type PageRequest } from '../../common/pagination/paginate';
import { CompiledQueriesByShape, CompiledQuery } from '../../database/compiled-query';
import { postgresPool } from '../../database/postgres-pool';
import { type RowsColumn, withRowsRelation } from '../../database/rows-relation';
import { fromStoredTimestamp, type StoredTimestamp } from '../../database/stored-timestamp';
import { ClientEntity } from '../clients/client.entity';
import { ProjectEntity } from '../projects/project.entity';
import { TaskEntity } from '../tasks/task.entity';
import { UserEntity } from '../users/user.entity';
import { TimeEntryEntity, type TimeEntrySource } from './time-entry.entity';
import { UserEntryCountEntity } from './time-totals.entity';

export interface TimeEntryListFilter {
  /** Only this user's entries (always set for non-admins). */
  userId?: number;
  projectId?: number;
  from?: Date;
  /** Exclusive upper bound on start_time. */
  toExclusive?: Date;
  billable?: boolean;
  includeActive: boolean;
  /** Changed at or after (updated_since). */
  updatedSince?: Date;
}

const RELATIONS = { user: true, project: true, client: true, task: true } as const;

/** A new entry as insertMany writes it: every column but the id. */
export type NewTimeEntry = Omit<TimeEntryEntity, 'id' | 'user' | 'project' | 'client' | 'task'>;

const INSERT_COLUMNS: readonly RowsColumn[] = [
  { name: 'user_id', pgType: 'int' },
  { name: 'project_id', pgType: 'int' },
  { name: 'client_id', pgType: 'int' },
  { name: 'task_id', pgType: 'int' },
  { name: 'start_time', pgType: 'timestamptz' },
  { name: 'end_time', pgType: 'timestamptz' },
  { name: 'duration_seconds', pgType: 'int' },
  { name: 'break_seconds', pgType: 'int' },
  { name: 'notes', pgType: 'text' },
  { name: 'tags', pgType: 'text' },
  { name: 'source', pgType: 'text' },
  { name: 'billable', pgType: 'int' },
  { name: 'paid', pgType: 'int' },
  { name: 'invoice_number', pgType: 'text' },
  { name: 'created_at', pgType: 'timestamptz' },
  { name: 'updated_at', pgType: 'timestamptz' },
];

const TAG_COLUMNS: readonly RowsColumn[] = [
  { name: 'entry_id', pgType: 'int' },
  { name: 'tags', pgType: 'text' },
  { name: 'updated_at', pgType: 'timestamptz' },
];

@Injectable()
export class TimeEntriesRepository {
  constructor(
    @InjectRepository(TimeEntryEntity) private readonly entries: Repository<TimeEntryEntity>,
    private readonly counter: ListCounter,
  ) {}

  /** An entry the caller may see: admins see all, others only their own (others' ids read as missing). */
  findVisibleById(auth: AuthContext, id: number, manager?: EntityManager): Promise<TimeEntryEntity | null> {
    return this.repo(manager).findOne({
      where: auth.isAdmin ? { id } : { id, userId: auth.userId },
      relations: RELATIONS,
    });
  }

  /** The visible entries among `ids`, locked for update on PostgreSQL (deterministic order: by id). */
  async findVisibleForUpdate(auth: AuthContext, ids: number[], manager: EntityManager): Promise<TimeEntryEntity[]> {
    const qb = manager
      .getRepository(TimeEntryEntity)
      .createQueryBuilder('e')
      .where('e.id IN (:...ids)', { ids })
      .orderBy('e.id', 'ASC');
    if (!auth.isAdmin) qb.andWhere('e.user_id = :userId', { userId: auth.userId });
    if (manager.connection.options.type === 'postgres') qb.setLock('pessimistic_write');
    return qb.getMany();
  }

  /** The user's running entry with its related names: one statement, built once (every timer call runs it). */
  async findRunning(userId: number, manager?: EntityManager): Promise<TimeEntryEntity | null> {
    const row = await this.running.first(manager ?? this.entries.manager, { userId });
    return row ? entryFromRow(row) : null;
  }

  private readonly running = new CompiledQuery<RawEntryRow>((manager) =>
    this.withNames(manager.getRepository(TimeEntryEntity).createQueryBuilder('e'))
      .where('e.user_id = :userId')
      .andWhere('e.end_time IS NULL')
      .limit(1),
  );

  /** Whether the user has a running entry: one indexed probe, no joins (the partial unique index). */
  async hasRunning(userId: number, manager: EntityManager): Promise<boolean> {
    return (await this.anyRunning.first(manager, { userId })) !== undefined;
  }

  private readonly anyRunning = new CompiledQuery<{ e_id: number }>((manager) =>
    manager
      .getRepository(TimeEntryEntity)
      .createQueryBuilder('e')
      .select('e.id')
      .where('e.user_id = :userId')
      .andWhere('e.end_time IS NULL')
      .limit(1),
  );

  /**
   * Writes a running entry's timer state (stop, pause, resume) in one UPDATE, no re-read: the
   * caller holds the row under the user's lock.
   */
  async saveTimerState(entry: TimeEntryEntity, manager: EntityManager): Promise<void> {
    await manager.update(
      TimeEntryEntity,
      { id: entry.id },
      {
        endTime: entry.endTime,
        durationSeconds: entry.durationSeconds,
        breakSeconds: entry.breakSeconds,
        pausedAt: entry.pausedAt,
        updatedAt: entry.updatedAt,
      },
    );
  }

  /**
   * One page in `request`'s order, and the count, in parallel. Completed entries with no other
   * filter than the user (every client's first screen, an admin's too) are counted by the
   * database's triggers: one primary-key read for a user, a row per user for everyone, exact at any
   * size. Any other filter counts on the bare table (no joins), from an index alone for a user
   * (both of its indexes hold end_time), reading no rows past the cap.
   */
  list(filter: TimeEntryListFilter, request: PageRequest<TimeEntryEntity>): Promise<[TimeEntryEntity[], ListCount]> {
    const page = this.page(filter, request).then((rows) => rows.map(entryFromRow));
    const count = isCompletedOnly(filter)
      ? this.completedEntries(filter.userId).then((total) => ({ total, estimate: false }))
      : this.counter.count(withListFilter(this.entries.createQueryBuilder('e'), filter));
    return Promise.all([page, count]);
  }

  /**
   * The page's rows. TypeORM writing a statement's SQL cost more CPU than the database running it
   * (140 µs a list); every page selects and joins the same, so each shape's text (conditions, order,
   * limit) is written once. A numbered page past the first writes its OFFSET into the text: built
   * each time, as deep numbered pages would only fill the cache.
   */
  private page(filter: TimeEntryListFilter, request: PageRequest<TimeEntryEntity>): Promise<RawEntryRow[]> {
    const qb = inPage(withListFilter(this.withNames(this.entries.createQueryBuilder('e')), filter), request);
    if (request.after === null && request.rowsBefore > 0) return qb.getRawMany<RawEntryRow>();
    return this.pageStatements.rows(this.entries.manager, qb);
  }

  private readonly pageStatements = new CompiledQueriesByShape<RawEntryRow>();

  /** How many completed entries the user (or everyone) has: migration 1764400000018 keeps the counts. */
  async completedEntries(userId: number | undefined): Promise<number> {
    const counts = this.entries.manager.getRepository(UserEntryCountEntity);
    if (userId !== undefined) return (await counts.findOneBy({ userId }))?.entries ?? 0;
    return (await counts.sum('entries')) ?? 0;
  }

  /**
   * Every entry matching `filter` in `order`, batch by batch (at most `batchSize` each), for the
   * export: never more than a batch in memory, and nothing read ahead of the consumer.
   *
   * PostgreSQL: one statement behind a server-side cursor (DECLARE, then FETCH per batch) in a
   * read-only transaction on a pooled connection held for the export: one snapshot, each FETCH a
   * short statement under the usual timeouts, and PostgreSQL's fast-start plan (the order's index,
   * cursor_tuple_fraction) sends the first rows before it has read the last. SQLite: keyset pages,
   * each a short synchronous statement on the shared read connection; between them the event loop
   * serves other requests (one long statement, or an open `iterate()`, would hold the connection and
   * the process for the whole export).
   *
   * Stopping early (the consumer's `return()`: a client that went away) ends the transaction and
   * releases the connection on PostgreSQL, and reads no further page on SQLite.
   */
  async *exportBatches(
    filter: TimeEntryListFilter,
    order: ListOrder<TimeEntryEntity>,
    batchSize: number,
  ): AsyncGenerator<TimeEntryEntity[], void, undefined> {
    const query = () =>
      orderByKeys(withListFilter(this.withNames(this.entries.createQueryBuilder('e')), filter), order.keys);
    if (this.entries.manager.connection.options.type === 'postgres') {
      yield* this.cursorBatches(query(), batchSize);
      return;
    }
    let after: unknown[] | null = null;
    for (;;) {
      const qb = query();
      if (after !== null) {
        const { sql, parameters } = keysetCondition(order.keys, after, 'export');
        qb.andWhere(sql, parameters);
      }
      const rows = (await qb.limit(batchSize).getRawMany<RawEntryRow>()).map(entryFromRow);
      if (rows.length > 0) yield rows;
      if (rows.length < batchSize) return;
      const last = rows[rows.length - 1];
      after = order.keys.map((key) => key.value(last) ?? null);
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }

  private async *cursorBatches(
    qb: SelectQueryBuilder<TimeEntryEntity>,
    batchSize: number,
  ): AsyncGenerator<TimeEntryEntity[], void, undefined> {
    const pool = postgresPool(this.entries.manager.connection);
    if (!pool) throw new Error('The PostgreSQL pool is not connected');
    const [sql, parameters] = qb.getQueryAndParameters();
    const client = await pool.connect();
    let broken: Error | undefined;
    // The pool listens for a lent connection's errors no more: one the server ends while the export
    // waits for its client (no query running) would otherwise be an unhandled 'error' event.
    const onError = (error: Error) => (broken = error);
    client.on('error', onError);
    try {
      await client.query('BEGIN READ ONLY');
      await client.query(`DECLARE time_entries_export NO SCROLL CURSOR FOR ${sql}`, parameters);
      for (;;) {
        const { rows } = await client.query<RawEntryRow>(`FETCH FORWARD ${batchSize} FROM time_entries_export`);
        if (rows.length > 0) yield rows.map(entryFromRow);
        if (rows.length < batchSize) break;
      }
    } finally {
      // The transaction ends the cursor. A connection that cannot end it is not handed on: the pool
      // destroys it (release with an error) instead of lending it out inside a transaction.
      if (!broken) {
        await client.query('ROLLBACK').catch((error: unknown) => {
          broken = error instanceof Error ? error : new Error(String(error));
        });
      }
      // A broken connection keeps the listener: it may report more errors while it closes.
      if (!broken) client.off('error', onError);
      client.release(broken);
    }
  }

  /**
   * Where a timer started at `at` begins: the latest end among the user's timer entries that end
   * after `at`, if any. A stop books at least a second, so start/stop cycles faster than that chain
   * entries into the future; the next start goes after the whole chain, not just the entry covering
   * `at`. Planned manual entries do not move a timer. Chains begin at a real start, hence the
   * one-day bound, which keeps the lookup to a few index entries whichever index serves it
   * (idx_time_entries_user_end from `at` on, or idx_time_entries_user_start_id from a day before).
   */
  async latestEndAfter(userId: number, at: Date): Promise<Date | null> {
    const row = await this.timerChainEnd.first(this.entries.manager, {
      userId,
      since: new Date(at.getTime() - 86_400_000),
      at,
    });
    return row ? fromStoredTimestamp(row.e_end_time) : null;
  }

  private readonly timerChainEnd = new CompiledQuery<{ e_end_time: StoredTimestamp }>((manager) =>
    manager
      .getRepository(TimeEntryEntity)
      .createQueryBuilder('e')
      .select('e.endTime')
      .where('e.user_id = :userId')
      .andWhere("e.source = 'timer'")
      .andWhere('e.start_time > :since')
      .andWhere('e.end_time > :at')
      .orderBy('e.end_time', 'DESC')
      .limit(1),
  );

  /**
   * Whether another completed entry of the user overlaps [start, end). Two indexes hold the user's
   * completed entries with both ends, so either bound is a range seek read from the index alone:
   * entries ending after `start` (idx_time_entries_user_end: for an entry at the present, the few
   * that end after it) or starting before `end` (idx_time_entries_user_start_id: for one far back).
   * PostgreSQL picks the narrower from its statistics; SQLite, which keeps none, the end side (for an
   * entry far back it reads the later entries' index tuples, not their rows).
   */
  async overlaps(manager: EntityManager, userId: number, start: Date, end: Date, exceptId?: number): Promise<boolean> {
    const qb = manager
      .getRepository(TimeEntryEntity)
      .createQueryBuilder('e')
      .select('e.id')
      .where('e.user_id = :userId', { userId })
      .andWhere('e.end_time IS NOT NULL')
      .andWhere('e.start_time < :end', { end })
      .andWhere('e.end_time > :start', { start });
    if (exceptId !== undefined) qb.andWhere('e.id <> :exceptId', { exceptId });
    return (await qb.limit(1).getRawOne()) !== undefined;
  }

  /**
   * [start, end) in ms of the user's completed entries touching [from, to]. With `since` (at most
   * `from` minus the user's longest completed entry, longestCompletedSeconds), only entries starting
   * at or after it: no entry touching `from` starts earlier, and the search is a range of
   * idx_time_entries_user_start_id bounded on both sides, where a one-sided one read the user's
   * whole history before `to` (or after `from`) per call.
   */
  async completedRanges(
    manager: EntityManager,
    userId: number,
    from: Date,
    to: Date,
    since?: Date,
  ): Promise<Array<[number, number]>> {
    const qb = manager
      .getRepository(TimeEntryEntity)
      .createQueryBuilder('e')
      .select(['e.start_time AS start_time', 'e.end_time AS end_time'])
      .where('e.user_id = :userId', { userId })
      .andWhere('e.end_time IS NOT NULL')
      .andWhere('e.start_time < :to', { to })
      .andWhere('e.end_time > :from', { from });
    if (since) qb.andWhere('e.start_time >= :since', { since });
    const rows = await qb.getRawMany<{ start_time: StoredTimestamp; end_time: StoredTimestamp }>();
    return rows.map((r) => [fromStoredTimestamp(r.start_time).getTime(), fromStoredTimestamp(r.end_time).getTime()]);
  }

  /**
   * The longest of the user's completed entries, in whole seconds rounded up (0 without any): bounds
   * the overlap search of completedRanges. A scan of the user's tuples in idx_time_entries_user_end
   * (it holds both ends, so no row is read), once per import, not per batch; an index on the
   * duration would make it a probe.
   */
  async longestCompletedSeconds(manager: EntityManager, userId: number): Promise<number> {
    const span =
      manager.connection.options.type === 'postgres'
        ? 'EXTRACT(EPOCH FROM MAX(e.end_time - e.start_time))'
        : 'MAX((julianday(e.end_time) - julianday(e.start_time)) * 86400.0)';
    const row = await manager
      .getRepository(TimeEntryEntity)
      .createQueryBuilder('e')
      .select(span, 'seconds')
      .where('e.user_id = :userId', { userId })
      .andWhere('e.end_time IS NOT NULL')
      .getRawOne<{ seconds: number | string | null }>();
    // julianday is a double of days: a millisecond's rounding must not shorten the bound.
    return row?.seconds === null || row?.seconds === undefined ? 0 : Math.ceil(Number(row.seconds)) + 1;
  }

  /**
   * Inserts new entries (every column set) without reading them back: one statement for all of
   * them on PostgreSQL, one per SQLITE_ROWS_PER_STATEMENT on SQLite (withRowsRelation).
   */
  /** Inserts the entries in one statement (a few on SQLite); returns their ids, in order. */
  async insertMany(manager: EntityManager, entries: ReadonlyArray<NewTimeEntry>): Promise<number[]> {
    const rows = entries.map((e) => [
      e.userId,
      e.projectId,
      e.clientId,
      e.taskId,
      e.startTime,
      e.endTime,
      e.durationSeconds,
      e.breakSeconds,
      e.notes,
      e.tags,
      e.source,
      e.billable ? 1 : 0,
      e.paid ? 1 : 0,
      e.invoiceNumber,
      e.createdAt,
      e.updatedAt,
    ]);
    const names = INSERT_COLUMNS.map((c) => c.name);
    // Flags travel as 0/1: `<> 0` is a boolean on PostgreSQL and 0/1 on SQLite, as each stores them.
    const values = names.map((name) => (name === 'billable' || name === 'paid' ? `n.${name} <> 0` : `n.${name}`));
    const inserted = await withRowsRelation(
      manager,
      'n',
      INSERT_COLUMNS,
      rows,
      (relation) =>
        `INSERT INTO time_entries (${names.join(', ')}) SELECT ${values.join(', ')} FROM ${relation} RETURNING id`,
    );
    return (inserted as Array<{ id: number | string }>).map((row) => Number(row.id)).sort((a, b) => a - b);
  }

  /**
   * Serialises a user's writes on PostgreSQL (transaction-scoped advisory lock), so two concurrent
   * requests cannot both pass the overlap check. SQLite writes are serialised already.
   */
  async lockUser(manager: EntityManager, userId: number): Promise<void> {
    if (manager.connection.options.type !== 'postgres') return;
    await manager.query('SELECT pg_advisory_xact_lock(7243, $1)', [userId]);
  }

  reload(id: number, manager?: EntityManager): Promise<TimeEntryEntity | null> {
    return this.repo(manager).findOne({ where: { id }, relations: RELATIONS });
  }

  /** Gives each entry its own new tags (a bulk tag change): one statement for all of them. */
  async setTags(manager: EntityManager, tags: ReadonlyArray<{ id: number; tags: string | null }>, now: Date) {
    await withRowsRelation(
      manager,
      'tagged',
      TAG_COLUMNS,
      tags.map((entry) => [entry.id, entry.tags, now]),
      (tagged) =>
        `UPDATE time_entries SET tags = tagged.tags, updated_at = tagged.updated_at ` +
        `FROM ${tagged} WHERE time_entries.id = tagged.entry_id`,
    );
  }

  reloadMany(ids: number[], manager: EntityManager): Promise<TimeEntryEntity[]> {
    return entriesWithRelations(manager, ids);
  }

  /**
   * Inserts a new entry whose columns are all set, and gives it its id: one statement on both
   * databases (`save` re-reads the defaulted columns on SQLite, which has no RETURNING in TypeORM).
   */
  async insert(entry: TimeEntryEntity, manager: EntityManager): Promise<TimeEntryEntity> {
    const insert = manager.createQueryBuilder().insert().into(TimeEntryEntity).values(entry).updateEntity(false);
    if (manager.connection.options.type === 'postgres') {
      const result = await insert.returning('id').execute();
      entry.id = Number((result.raw as Array<{ id: number }>)[0].id);
    } else {
      entry.id = Number((await insert.execute()).raw);
    }
    return entry;
  }

  save(entry: TimeEntryEntity, manager: EntityManager): Promise<TimeEntryEntity> {
    return manager.getRepository(TimeEntryEntity).save(entry);
  }

  async delete(ids: number[], manager: EntityManager): Promise<void> {
    if (ids.length) await manager.delete(TimeEntryEntity, { id: In(ids) });
  }

  /**
   * The related rows as the wire shape needs them: id and name only. A page of 50 entries with
   * every column of four related tables cost SQLite three times the scan and TypeORM four full
   * entities per row to hydrate.
   */
  private withNames(qb: SelectQueryBuilder<TimeEntryEntity>): SelectQueryBuilder<TimeEntryEntity> {
    return qb
      .leftJoin('e.user', 'u')
      .leftJoin('e.project', 'p')
      .leftJoin('e.client', 'c')
      .leftJoin('e.task', 't')
      .addSelect(['u.id', 'u.username', 'p.id', 'p.name', 'c.id', 'c.name', 't.id', 't.name']);
  }

  private repo(manager?: EntityManager): Repository<TimeEntryEntity> {
    return manager ? manager.getRepository(TimeEntryEntity) : this.entries;
  }
}

/** Completed entries, of one user or of all: nothing else narrows the list. */
function isCompletedOnly(filter: TimeEntryListFilter): boolean {
  const { userId: _user, includeActive, ...narrowing } = filter;
  return !includeActive && Object.values(narrowing).every((value) => value === undefined);
}

/** The list's filters (TimeEntryListFilter) as conditions on `e`. */
function withListFilter(
  qb: SelectQueryBuilder<TimeEntryEntity>,
  filter: TimeEntryListFilter,
): SelectQueryBuilder<TimeEntryEntity> {
  if (filter.userId !== undefined) qb.andWhere('e.user_id = :userId', { userId: filter.userId });
  if (filter.projectId !== undefined) qb.andWhere('e.project_id = :projectId', { projectId: filter.projectId });
  if (filter.from) qb.andWhere('e.start_time >= :from', { from: filter.from });
  if (filter.toExclusive) qb.andWhere('e.start_time < :to', { to: filter.toExclusive });
  if (filter.billable !== undefined) qb.andWhere('e.billable = :billable', { billable: filter.billable });
  if (!filter.includeActive) qb.andWhere('e.end_time IS NOT NULL');
  if (filter.updatedSince) qb.andWhere('e.updated_at >= :since', { since: filter.updatedSince });
  return qb;
}

/**
 * The entries `ids`, by id, with the relations the wire shape names: for callers outside this
 * module too (a task's deletion logs its entries), which cannot inject the repository.
 */
export function entriesWithRelations(manager: EntityManager, ids: number[]): Promise<TimeEntryEntity[]> {
  return manager
    .getRepository(TimeEntryEntity)
    .find({ where: { id: In(ids) }, relations: RELATIONS, order: { id: 'ASC' } });
}

/** A row of `withNames`: the entry's columns as `e_<column>`, then the related ids and names. */
interface RawEntryRow {
  e_id: number;
  e_user_id: number;
  e_project_id: number | null;
  e_client_id: number | null;
  e_task_id: number | null;
  e_start_time: StoredTimestamp;
  e_end_time: StoredTimestamp | null;
  e_duration_seconds: number | null;
  e_break_seconds: number;
  e_paused_at: StoredTimestamp | null;
  e_notes: string | null;
  e_tags: string | null;
  e_source: TimeEntrySource;
  e_billable: boolean | number;
  e_paid: boolean | number;
  e_invoice_number: string | null;
  e_created_at: StoredTimestamp;
  e_updated_at: StoredTimestamp;
  u_username: string | null;
  p_name: string | null;
  c_name: string | null;
  t_name: string | null;
}

/**
 * The list's hot path builds its entities itself: for a page of 50, TypeORM's generic hydration
 * (alias matching, per-column transforms, join grouping) cost more CPU than the query.
 */
function entryFromRow(row: RawEntryRow): TimeEntryEntity {
  const related = <T>(id: number | null, make: (id: number) => T): T | null => (id === null ? null : make(id));
  return Object.assign(new TimeEntryEntity(), {
    id: Number(row.e_id),
    userId: Number(row.e_user_id),
    projectId: row.e_project_id,
    clientId: row.e_client_id,
    taskId: row.e_task_id,
    startTime: fromStoredTimestamp(row.e_start_time),
    endTime: row.e_end_time === null ? null : fromStoredTimestamp(row.e_end_time),
    durationSeconds: row.e_duration_seconds,
    breakSeconds: Number(row.e_break_seconds),
    pausedAt: row.e_paused_at === null ? null : fromStoredTimestamp(row.e_paused_at),
    notes: row.e_notes,
    tags: row.e_tags,
    source: row.e_source,
    billable: Boolean(row.e_billable),
    paid: Boolean(row.e_paid),
    invoiceNumber: row.e_invoice_number,
    createdAt: fromStoredTimestamp(row.e_created_at),
    updatedAt: fromStoredTimestamp(row.e_updated_at),
    user: Object.assign(new UserEntity(), { id: Number(row.e_user_id), username: row.u_username ?? '' }),
    project: related(row.e_project_id, (id) => Object.assign(new ProjectEntity(), { id, name: row.p_name })),
    client: related(row.e_client_id, (id) => Object.assign(new ClientEntity(), { id, name: row.c_name })),
    task: related(row.e_task_id, (id) => Object.assign(new TaskEntity(), { id, name: row.t_name })),
  });
}
