import { type MigrationInterface, type QueryRunner, Table } from 'typeorm';
import { longStatement } from './long-statement';

/**
 * How many completed time entries each user has, kept by triggers like the totals of migration 13:
 * a user's `GET /time-entries` (no filter) counted its index entries up to the list cap, 10,001 at
 * 10k entries: 1.06 ms on SQLite at 1M entries against 0.02 ms at 10k. With the count kept, the
 * total of that list is one primary-key read whatever the user's history.
 *
 * Triggers of their own, beside migration 13's (whose function this leaves as it is). PostgreSQL:
 * one statement-level trigger per operation with transition tables, one upsert per statement,
 * users in ascending order; it fires after the totals triggers (triggers fire in name order), so
 * every writer locks totals rows, then count rows. SQLite: row triggers; as with migration 13's, a
 * later migration that rebuilds time_entries drops them with the old table and must create them
 * again (the e2e test of the counts fails otherwise).
 *
 * The backfill runs with time_entries locked against writes (as migration 13's): one aggregate over
 * the user index, about a second at 1M entries.
 */
export class UserEntryCounts1764400000018 implements MigrationInterface {
  name = 'UserEntryCounts1764400000018';

  async up(queryRunner: QueryRunner): Promise<void> {
    const postgres = queryRunner.connection.options.type === 'postgres';
    if (postgres) {
      await queryRunner.query('SET LOCAL statement_timeout = 0');
      await queryRunner.query('LOCK TABLE time_entries IN SHARE ROW EXCLUSIVE MODE');
    }
    await queryRunner.createTable(
      new Table({
        name: 'user_entry_counts',
        columns: [
          { name: 'user_id', type: 'integer', isPrimary: true },
          { name: 'entries', type: 'integer', default: 0 },
        ],
        foreignKeys: [
          {
            name: 'fk_user_entry_counts_user_id',
            columnNames: ['user_id'],
            referencedTableName: 'users',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
          },
        ],
      }),
    );
    const backfill =
      'INSERT INTO user_entry_counts (user_id, entries) ' +
      'SELECT user_id, COUNT(*) FROM time_entries WHERE end_time IS NOT NULL GROUP BY user_id';
    await (postgres ? longStatement(queryRunner, backfill) : queryRunner.query(backfill));
    for (const statement of postgres ? POSTGRES_TRIGGERS : SQLITE_TRIGGERS) await queryRunner.query(statement);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    if (queryRunner.connection.options.type === 'postgres') {
      for (const op of ['insert', 'update', 'delete', 'truncate']) {
        await queryRunner.query(`DROP TRIGGER trg_time_entries_user_entries_${op} ON time_entries`);
      }
      await queryRunner.query('DROP FUNCTION time_entries_user_entries()');
      await queryRunner.query('DROP FUNCTION time_entries_user_entries_truncate()');
    } else {
      for (const op of ['insert', 'update', 'delete']) {
        await queryRunner.query(`DROP TRIGGER trg_time_entries_user_entries_${op}`);
      }
    }
    await queryRunner.dropTable('user_entry_counts');
  }
}

/** +1 per completed row of new_rows, -1 per completed row of old_rows, per user, in user order. */
const pgUpsert = (sources: string[]) =>
  'INSERT INTO user_entry_counts AS t (user_id, entries) ' +
  `SELECT c.user_id, SUM(c.d) FROM (${sources.join(' UNION ALL ')}) c ` +
  // The join skips a user deleted in this transaction (its entries and its count go with it).
  'JOIN users u ON u.id = c.user_id GROUP BY c.user_id HAVING SUM(c.d) <> 0 ORDER BY c.user_id ' +
  'ON CONFLICT (user_id) DO UPDATE SET entries = t.entries + EXCLUDED.entries;';
const ADDED = 'SELECT user_id, 1 AS d FROM new_rows WHERE end_time IS NOT NULL';
const REMOVED = 'SELECT user_id, -1 AS d FROM old_rows WHERE end_time IS NOT NULL';

const POSTGRES_TRIGGERS = [
  `CREATE FUNCTION time_entries_user_entries() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    ${pgUpsert([ADDED])}
  ELSIF TG_OP = 'DELETE' THEN
    ${pgUpsert([REMOVED])}
  ELSE
    ${pgUpsert([ADDED, REMOVED])}
  END IF;
  RETURN NULL;
END
$$`,
  `CREATE FUNCTION time_entries_user_entries_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM user_entry_counts;
  RETURN NULL;
END
$$`,
  `CREATE TRIGGER trg_time_entries_user_entries_insert AFTER INSERT ON time_entries
     REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION time_entries_user_entries()`,
  `CREATE TRIGGER trg_time_entries_user_entries_update AFTER UPDATE ON time_entries
     REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION time_entries_user_entries()`,
  `CREATE TRIGGER trg_time_entries_user_entries_delete AFTER DELETE ON time_entries
     REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION time_entries_user_entries()`,
  `CREATE TRIGGER trg_time_entries_user_entries_truncate AFTER TRUNCATE ON time_entries
     FOR EACH STATEMENT EXECUTE FUNCTION time_entries_user_entries_truncate()`,
];

// Subtracting only UPDATEs the user's row (it exists while one of its entries counts); adding upserts.
const SQLITE_SUBTRACT = 'UPDATE user_entry_counts SET entries = entries - 1 WHERE user_id = OLD.user_id;';
const SQLITE_ADD =
  'INSERT INTO user_entry_counts (user_id, entries) VALUES (NEW.user_id, 1) ' +
  'ON CONFLICT (user_id) DO UPDATE SET entries = entries + 1;';

const SQLITE_TRIGGERS = [
  `CREATE TRIGGER trg_time_entries_user_entries_insert AFTER INSERT ON time_entries WHEN NEW.end_time IS NOT NULL
BEGIN
  ${SQLITE_ADD}
END`,
  `CREATE TRIGGER trg_time_entries_user_entries_delete AFTER DELETE ON time_entries WHEN OLD.end_time IS NOT NULL
BEGIN
  ${SQLITE_SUBTRACT}
END`,
  `CREATE TRIGGER trg_time_entries_user_entries_update AFTER UPDATE OF user_id, end_time ON time_entries
WHEN OLD.user_id IS NOT NEW.user_id OR (OLD.end_time IS NULL) IS NOT (NEW.end_time IS NULL)
BEGIN
  UPDATE user_entry_counts SET entries = entries - 1 WHERE user_id = OLD.user_id AND OLD.end_time IS NOT NULL;
  INSERT INTO user_entry_counts (user_id, entries) SELECT NEW.user_id, 1 WHERE NEW.end_time IS NOT NULL
    ON CONFLICT (user_id) DO UPDATE SET entries = entries + 1;
END`,
];
