import { DataSource } from 'typeorm';
import { loadConfig } from '../../../src/config/app-config';
import { appDataSourceOptions, MIGRATIONS } from '../../../src/app-data-source';
import { emptyDatabaseUrl, TEST_DB } from '../../support/test-databases';

/** 1764400000012: the time-entry indexes, built outside a transaction (CONCURRENTLY on PostgreSQL). */
describe('time-entry keyset index migration', () => {
  let url: string;

  beforeAll(async () => {
    url = await emptyDatabaseUrl('kix');
  });

  it('should swap the indexes both ways, and build again over an invalid leftover', async () => {
    const at = MIGRATIONS.findIndex((m) => m.name === 'TimeEntriesKeysetIndexes1764400000012');
    expect(at).toBeGreaterThan(0);
    const options = appDataSourceOptions(loadConfig({ DATABASE_URL: url }));
    const db = await new DataSource({ ...options, migrations: MIGRATIONS.slice(0, at + 1) }).initialize();
    const indexes = async (): Promise<string[]> => {
      const rows: Array<{ name: string }> =
        TEST_DB === 'sqlite'
          ? await db.query(`SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'time_entries'`)
          : await db.query(`SELECT indexname AS name FROM pg_indexes WHERE tablename = 'time_entries'`);
      return rows
        .map((r) => r.name)
        .filter((n) => n.startsWith('idx_'))
        .sort();
    };
    const after = [
      'idx_time_entries_project_start',
      'idx_time_entries_start_id',
      'idx_time_entries_user_end',
      'idx_time_entries_user_start_id',
    ];
    const before = ['idx_time_entries_project_start', 'idx_time_entries_start', 'idx_time_entries_user_start'];

    await db.runMigrations({ transaction: 'each' });
    expect(await indexes()).toEqual(after);
    await db.undoLastMigration({ transaction: 'each' });
    expect(await indexes()).toEqual(before);
    if (TEST_DB === 'postgres') {
      // What a failed CREATE INDEX CONCURRENTLY leaves: an invalid index under the name.
      await db.query(`INSERT INTO users (username, created_at, updated_at) VALUES ('k', now(), now())`);
      await db.query(
        `INSERT INTO time_entries (user_id, start_time, end_time, created_at, updated_at) ` +
          `SELECT u.id, now() - g * interval '1 day', now() - g * interval '1 day' + interval '1 hour', now(), now() ` +
          `FROM users u, generate_series(1, 2) g`,
      );
      await db
        .query(`CREATE UNIQUE INDEX CONCURRENTLY idx_time_entries_user_end ON time_entries (user_id)`)
        .catch(() => undefined);
      const [state] = await db.query(
        `SELECT indisvalid AS valid FROM pg_index WHERE indexrelid = 'idx_time_entries_user_end'::regclass`,
      );
      expect(state.valid).toBe(false);
    }
    await db.runMigrations({ transaction: 'each' });
    expect(await indexes()).toEqual(after);
    if (TEST_DB === 'postgres') {
      const invalid = await db.query(`SELECT 1 FROM pg_index WHERE NOT indisvalid`);
      expect(invalid).toEqual([]);
    }
    await db.destroy();
  });
});
