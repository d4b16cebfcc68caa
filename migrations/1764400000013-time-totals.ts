import { type MigrationInterface, type QueryRunner, Table } from 'typeorm';

/**
 * Hours per project, task and user as maintained totals: GET /projects summed every entry of
 * each project on its page (602 ms p50 at 1M entries), GET /users/me every entry of the user.
 *
 * Database triggers keep them, not the services: they cover every write to time_entries (create,
 * update, delete, bulk, CSV import, timer stop, a task's deletion nulling task_id, seeders, SQL
 * by hand) in the writing statement's transaction, so no write path can forget them. A totals row
 * appears once an entry counts for its owner (a missing row reads as zero) and goes with its
 * project, task or user (cascade).
 *
 * PostgreSQL: statement-level triggers with transition tables: one aggregate upsert per table and
 * statement, so a 500-row import batch or a 1M-row seed costs three upserts, not three per row
 * (repeated updates of one row in a transaction would also grow its version chain). Keys are
 * upserted in ascending order and tables always project, task, user: concurrent writers lock
 * totals rows in one global order (no deadlock between them).
 *
 * A totals row stays locked until COMMIT, so writers of one row serialise. A user's writes are
 * serialised by the user's advisory lock anyway; but many users booking one project (or task)
 * would queue on its row: pgbench, 16 clients, 16 users, one project, insert + outbox + commit:
 * ~330 tps on one row against ~890 with the rows striped and ~1100 without totals. Project and
 * task totals are therefore striped: one row per (owner, user_id % 16), summed when read (at
 * most 16 index rows per owner, whatever its number of entries).
 *
 * SQLite: row triggers (one writer at a time, in-process statements; a 1M-row seed took 30.0 s
 * with them, 29.5 s without); the update trigger fires only when a column it reads changes.
 * TypeORM rebuilds a SQLite table for most changes: a later migration that rebuilds time_entries
 * drops these triggers with the old table and must create them again (the totals e2e test fails
 * otherwise); rebuilding projects, tasks or users is safe (the triggers do not name them).
 *
 * The backfill runs with time_entries locked against writes (SHARE ROW EXCLUSIVE on PostgreSQL,
 * the write lock on SQLite), so no write falls between the backfill and the triggers; reads go
 * on. Three aggregate scans: 0.7-2.5 s at 1M entries on PostgreSQL (2 busy cores).
 */
export class TimeTotals1764400000013 implements MigrationInterface {
  name = 'TimeTotals1764400000013';

  async up(queryRunner: QueryRunner): Promise<void> {
    const postgres = queryRunner.connection.options.type === 'postgres';
    // The app migrates at start through its pool, whose timeouts (DB_TIMEOUT_MS) a backfill of a
    // big table outlasts: lifted for this transaction on this connection.
    const run = postgres ? (sql: string) => long(queryRunner, sql) : (sql: string) => queryRunner.query(sql);
    if (postgres) {
      await queryRunner.query('SET LOCAL statement_timeout = 0');
      // Writes wait from here to COMMIT (reads go on): none falls between backfill and triggers.
      await run('LOCK TABLE time_entries IN SHARE ROW EXCLUSIVE MODE');
    }
    for (const owner of OWNERS) {
      const keys = owner.striped ? [owner.key, 'slot'] : [owner.key];
      await queryRunner.createTable(
        new Table({
          name: owner.table,
          columns: [
            { name: owner.key, type: 'integer', isPrimary: true },
            ...(owner.striped ? [{ name: 'slot', type: 'smallint', isPrimary: true }] : []),
            { name: 'total_seconds', type: 'bigint', default: 0 },
            { name: 'billable_seconds', type: 'bigint', default: 0 },
          ],
          foreignKeys: [
            {
              name: `fk_${owner.table}_${owner.key}`,
              columnNames: [owner.key],
              referencedTableName: owner.parent,
              referencedColumnNames: ['id'],
              onDelete: 'CASCADE',
            },
          ],
        }),
      );
      const grouping = owner.striped ? `${owner.key}, ${SLOT('')}` : owner.key;
      await run(
        `INSERT INTO ${owner.table} (${keys.join(', ')}, total_seconds, billable_seconds) ` +
          `SELECT ${grouping}, SUM(${SECONDS('', '')}), SUM(${BILLABLE('', '')}) FROM time_entries ` +
          `WHERE end_time IS NOT NULL AND ${owner.key} IS NOT NULL GROUP BY ${grouping}`,
      );
    }
    const statements = postgres ? postgresTriggers() : sqliteTriggers();
    for (const statement of statements) await queryRunner.query(statement);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    if (queryRunner.connection.options.type === 'postgres') {
      for (const op of ['insert', 'update', 'delete', 'truncate']) {
        await queryRunner.query(`DROP TRIGGER trg_time_entries_totals_${op} ON time_entries`);
      }
      await queryRunner.query('DROP FUNCTION time_entries_totals()');
      await queryRunner.query('DROP FUNCTION time_entries_totals_truncate()');
    } else {
      for (const op of ['insert', 'update', 'delete']) {
        await queryRunner.query(`DROP TRIGGER trg_time_entries_totals_${op}`);
      }
    }
    for (const owner of [...OWNERS].reverse()) await queryRunner.dropTable(owner.table);
  }
}

/** In lock order: every writer updates project, then task, then user totals. */
const OWNERS = [
  { table: 'project_totals', key: 'project_id', parent: 'projects', striped: true },
  { table: 'task_totals', key: 'task_id', parent: 'tasks', striped: true },
  { table: 'user_totals', key: 'user_id', parent: 'users', striped: false },
] as const;

type Owner = (typeof OWNERS)[number];

/** Stripes of a project's (task's) totals: an entry counts in the row of slot user_id % SLOTS. */
const SLOTS = 16;
const SLOT = (row: string) => `${row}user_id % ${SLOTS}`;

/** An entry's counted seconds, `sign` '-' to subtract; `row` the row's qualifier ('NEW.', 'o.', ''). */
const SECONDS = (row: string, sign: '' | '-') => `${sign}COALESCE(${row}duration_seconds, 0)`;
const BILLABLE = (row: string, sign: '' | '-') => `CASE WHEN ${row}billable THEN ${SECONDS(row, sign)} ELSE 0 END`;

function postgresTriggers(): string[] {
  const upsert = (owner: Owner, sources: Array<['new_rows' | 'old_rows', '' | '-']>) => {
    const slot = owner.striped ? `${SLOT('')} AS slot, ` : '';
    const changes = sources
      .map(
        ([rows, sign]) =>
          `SELECT ${owner.key} AS k, ${slot}${SECONDS('', sign)} AS s, ${BILLABLE('', sign)} AS b FROM ${rows} ` +
          `WHERE end_time IS NOT NULL AND ${owner.key} IS NOT NULL`,
      )
      .join(' UNION ALL ');
    const keys = owner.striped ? 'c.k, c.slot' : 'c.k';
    // The join skips an owner deleted in this transaction (a task's deletion nulls its entries' task_id).
    return (
      `INSERT INTO ${owner.table} AS t (${owner.key}, ${owner.striped ? 'slot, ' : ''}total_seconds, billable_seconds) ` +
      `SELECT ${keys}, SUM(c.s), SUM(c.b) FROM (${changes}) c JOIN ${owner.parent} p ON p.id = c.k ` +
      `GROUP BY ${keys} HAVING SUM(c.s) <> 0 OR SUM(c.b) <> 0 ORDER BY ${keys} ` +
      `ON CONFLICT (${owner.key}${owner.striped ? ', slot' : ''}) DO UPDATE SET ` +
      `total_seconds = t.total_seconds + EXCLUDED.total_seconds, ` +
      `billable_seconds = t.billable_seconds + EXCLUDED.billable_seconds;`
    );
  };
  const all = (sources: Array<['new_rows' | 'old_rows', '' | '-']>) =>
    OWNERS.map((owner) => upsert(owner, sources)).join('\n    ');
  return [
    // An update that changes no counted column (notes, tags, paid) nets to zero: HAVING writes nothing.
    `CREATE FUNCTION time_entries_totals() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    ${all([['new_rows', '']])}
  ELSIF TG_OP = 'DELETE' THEN
    ${all([['old_rows', '-']])}
  ELSE
    ${all([
      ['new_rows', ''],
      ['old_rows', '-'],
    ])}
  END IF;
  RETURN NULL;
END
$$`,
    `CREATE FUNCTION time_entries_totals_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  ${OWNERS.map((owner) => `DELETE FROM ${owner.table};`).join('\n  ')}
  RETURN NULL;
END
$$`,
    `CREATE TRIGGER trg_time_entries_totals_insert AFTER INSERT ON time_entries
       REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION time_entries_totals()`,
    `CREATE TRIGGER trg_time_entries_totals_update AFTER UPDATE ON time_entries
       REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION time_entries_totals()`,
    `CREATE TRIGGER trg_time_entries_totals_delete AFTER DELETE ON time_entries
       REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION time_entries_totals()`,
    `CREATE TRIGGER trg_time_entries_totals_truncate AFTER TRUNCATE ON time_entries
       FOR EACH STATEMENT EXECUTE FUNCTION time_entries_totals_truncate()`,
  ];
}

function sqliteTriggers(): string[] {
  // No statement names projects, tasks or users: SQLite checks every trigger when a table is
  // renamed, and TypeORM rebuilds a table (copy, drop, rename) for most changes on SQLite; a
  // trigger naming a parent would fail that rename. Subtracting only UPDATEs the owner's row (it
  // exists while an entry counts for it, and a deleted task's is gone with it); adding upserts.
  const where = (row: 'NEW' | 'OLD', owner: Owner) =>
    `${owner.key} = ${row}.${owner.key}${owner.striped ? ` AND slot = ${SLOT(`${row}.`)}` : ''}`;
  const subtract = (row: 'OLD') =>
    OWNERS.map(
      (owner) =>
        `UPDATE ${owner.table} SET total_seconds = total_seconds - ${SECONDS(`${row}.`, '')}, ` +
        `billable_seconds = billable_seconds - ${BILLABLE(`${row}.`, '')} ` +
        `WHERE ${where(row, owner)} AND ${row}.end_time IS NOT NULL;`,
    ).join('\n  ');
  const add = (row: 'NEW') =>
    OWNERS.map(
      (owner) =>
        `INSERT INTO ${owner.table} (${owner.key}, ${owner.striped ? 'slot, ' : ''}total_seconds, billable_seconds) ` +
        `SELECT ${row}.${owner.key}, ${owner.striped ? `${SLOT(`${row}.`)}, ` : ''}` +
        `${SECONDS(`${row}.`, '')}, ${BILLABLE(`${row}.`, '')} ` +
        `WHERE ${row}.${owner.key} IS NOT NULL AND ${row}.end_time IS NOT NULL ` +
        `ON CONFLICT (${owner.key}${owner.striped ? ', slot' : ''}) DO UPDATE SET ` +
        `total_seconds = total_seconds + excluded.total_seconds, ` +
        `billable_seconds = billable_seconds + excluded.billable_seconds;`,
    ).join('\n  ');
  // The columns the totals read: an update that changes none of them changes no total.
  const changed = ['user_id', 'project_id', 'task_id', 'end_time IS NULL', 'duration_seconds', 'billable']
    .map((column) => `(OLD.${column}) IS NOT (NEW.${column})`)
    .join(' OR ');
  return [
    `CREATE TRIGGER trg_time_entries_totals_insert AFTER INSERT ON time_entries WHEN NEW.end_time IS NOT NULL
BEGIN
  ${add('NEW')}
END`,
    `CREATE TRIGGER trg_time_entries_totals_delete AFTER DELETE ON time_entries WHEN OLD.end_time IS NOT NULL
BEGIN
  ${subtract('OLD')}
END`,
    `CREATE TRIGGER trg_time_entries_totals_update
AFTER UPDATE OF user_id, project_id, task_id, end_time, duration_seconds, billable ON time_entries
WHEN ${changed}
BEGIN
  ${subtract('OLD')}
  ${add('NEW')}
END`,
  ];
}

/** A day: the backfill reads the whole table, past the pool's client-side query timeout. */
const LONG_STATEMENT_MS = 86_400_000;

/** A statement on the runner's own connection (in its transaction), past the pool's query timeout. */
async function long(queryRunner: QueryRunner, sql: string): Promise<void> {
  const client = (await queryRunner.connect()) as {
    query(config: { text: string; query_timeout: number }): Promise<unknown>;
  };
  await client.query({ text: sql, query_timeout: LONG_STATEMENT_MS });
}
