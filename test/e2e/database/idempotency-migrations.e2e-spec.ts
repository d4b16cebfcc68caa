import { DataSource } from 'typeorm';
import { loadConfig } from '../../../src/config/app-config';
import { appDataSourceOptions, MIGRATIONS } from '../../../src/app-data-source';
import { toSqliteTimestamp } from '../../../src/database/stored-timestamp';
import { emptyDatabaseUrl, TEST_DB } from '../../support/test-databases';

/** The idempotency tables' later migrations, each run up and back down on a database of its own kind. */
describe('idempotency migrations', () => {
  let url: string;

  beforeAll(async () => {
    url = await emptyDatabaseUrl('mig');
  });

  const open = async (migrations: typeof MIGRATIONS) => {
    const options = appDataSourceOptions(loadConfig({ DATABASE_URL: url }));
    return new DataSource({ ...options, migrations }).initialize();
  };
  const moving = MIGRATIONS.findIndex((m) => m.name === 'IdempotencyResponses1764400000009');

  // 1764400000009: stored responses move into idempotency_responses, every one, both ways.
  it('should move completed responses out and back without losing one', async () => {
    expect(moving).toBeGreaterThan(0);
    const before = await open(MIGRATIONS.slice(0, moving));
    await before.runMigrations();
    const now = toSqliteTimestamp(new Date());
    await before.query(`INSERT INTO users (id, username, created_at, updated_at) VALUES (7, 'm', '${now}', '${now}')`);
    await before.query(
      `INSERT INTO api_tokens (id, name, user_id, scopes, token_hash, token_prefix, created_at) ` +
        `VALUES (8, 'm', 7, 'read:users', 'h', 'p', '${now}')`,
    );
    const record = (id: number, state: string, status: number | null, body: string | null) =>
      before.query(
        `INSERT INTO idempotency_keys (id, token_id, key, fingerprint, state, response_status, response_body, ` +
          `locked_until, created_at, expires_at) VALUES (${id}, 8, 'k${id}', 'f', '${state}', ` +
          `${status ?? 'NULL'}, ${body === null ? 'NULL' : `'${body}'`}, '${now}', '${now}', '${now}')`,
      );
    await record(1, 'completed', 201, '{"user":{"id":1}}');
    await record(2, 'committed', null, null);
    await record(3, 'running', null, null);
    await before.destroy();

    const after = await open(MIGRATIONS.slice(0, moving + 1));
    await after.runMigrations();
    const states = async () =>
      (await after.query(`SELECT id, state FROM idempotency_keys ORDER BY id`)).map(
        (r: { id: number; state: string }) => [Number(r.id), r.state],
      );
    expect(await states()).toEqual([
      [1, 'committed'],
      [2, 'committed'],
      [3, 'running'],
    ]);
    const stored = await after.query(`SELECT record_id, status, body FROM idempotency_responses`);
    expect(
      stored.map((r: { record_id: number; status: number; body: string }) => [
        Number(r.record_id),
        Number(r.status),
        r.body,
      ]),
    ).toEqual([[1, 201, '{"user":{"id":1}}']]);

    await after.undoLastMigration();
    const restored = await after.query(
      `SELECT id, state, response_status, response_body FROM idempotency_keys ORDER BY id`,
    );
    expect(
      restored.map((r: { id: number; state: string; response_status: number | null; response_body: string | null }) => [
        Number(r.id),
        r.state,
        r.response_status === null ? null : Number(r.response_status),
        r.response_body,
      ]),
    ).toEqual([
      [1, 'completed', 201, '{"user":{"id":1}}'],
      [2, 'committed', null, null],
      [3, 'running', null, null],
    ]);
    await after.destroy();
  });

  // 1764400000010: records are no longer updated on the hot path, so their pages fill up again.
  it('should give idempotency_keys full pages again, and half-full ones on the way down', async () => {
    const reset = MIGRATIONS.findIndex((m) => m.name === 'IdempotencyKeysFillfactorReset1764400000010');
    expect(reset).toBeGreaterThan(moving);
    const db = await open(MIGRATIONS.slice(0, reset + 1));
    await db.runMigrations();
    // PostgreSQL: the table's storage options; SQLite, which has none: the whole schema.
    const layout = async (): Promise<unknown> =>
      TEST_DB === 'sqlite'
        ? db.query(`SELECT name, sql FROM sqlite_master ORDER BY name`)
        : ((await db.query(`SELECT reloptions FROM pg_class WHERE relname = 'idempotency_keys'`))[0].reloptions ?? []);
    const up = await layout();
    await db.undoLastMigration();
    const down = await layout();
    await db.runMigrations();
    expect(await layout()).toEqual(up);
    if (TEST_DB === 'sqlite') {
      expect(down).toEqual(up);
    } else {
      expect(up).toEqual([]);
      expect(down).toEqual(['fillfactor=50']);
    }
    await db.destroy();
  });

  // 1764400000011: no foreign key to api_tokens; on PostgreSQL a BRIN index for the purge.
  it('should drop the token foreign key keeping every record, and restore it without orphans', async () => {
    const lighter = MIGRATIONS.findIndex((m) => m.name === 'IdempotencyKeysLighterInserts1764400000011');
    expect(lighter).toBeGreaterThan(moving);
    const before = await open(MIGRATIONS.slice(0, lighter));
    await before.runMigrations();
    const now = toSqliteTimestamp(new Date());
    await before.query(`INSERT INTO users (id, username, created_at, updated_at) VALUES (17, 'n', '${now}', '${now}')`);
    for (const token of [18, 19]) {
      await before.query(
        `INSERT INTO api_tokens (id, name, user_id, scopes, token_hash, token_prefix, created_at) ` +
          `VALUES (${token}, 'n', 17, 'read:users', 'h${token}', 'p', '${now}')`,
      );
      await before.query(
        `INSERT INTO idempotency_keys (id, token_id, key, fingerprint, state, locked_until, created_at, expires_at) ` +
          `VALUES (${token - 7}, ${token}, 'k', 'f', 'committed', '${now}', '${now}', '${now}')`,
      );
    }
    await before.destroy();

    const db = await open(MIGRATIONS.slice(0, lighter + 1));
    await db.runMigrations();
    const foreignKeys = async (): Promise<unknown[]> =>
      TEST_DB === 'sqlite'
        ? db.query(`PRAGMA foreign_key_list(idempotency_keys)`)
        : db.query(`SELECT conname FROM pg_constraint WHERE conrelid = 'idempotency_keys'::regclass AND contype = 'f'`);
    const expiryIndex = async (): Promise<unknown> =>
      TEST_DB === 'sqlite'
        ? (await db.query(`SELECT sql FROM sqlite_master WHERE name = 'idx_idempotency_keys_expires_at'`))[0]?.sql
        : (
            await db.query(
              `SELECT am.amname FROM pg_class c JOIN pg_am am ON am.oid = c.relam WHERE c.relname = 'idx_idempotency_keys_expires_at'`,
            )
          )[0]?.amname;
    const records = async () =>
      (await db.query(`SELECT id, token_id FROM idempotency_keys WHERE id IN (11, 12) ORDER BY id`)).map(
        (r: { id: number; token_id: number }) => [Number(r.id), Number(r.token_id)],
      );
    expect(await foreignKeys()).toEqual([]);
    expect(await records()).toEqual([
      [11, 18],
      [12, 19],
    ]);
    expect(await expiryIndex()).toEqual(TEST_DB === 'sqlite' ? expect.stringContaining('"expires_at"') : 'brin');
    // A deleted token's records stay (the purge removes them) ...
    await db.query(`DELETE FROM api_tokens WHERE id = 19`);
    expect(await records()).toEqual([
      [11, 18],
      [12, 19],
    ]);

    // ... and go when the key comes back, which they would break.
    await db.undoLastMigration();
    expect(await foreignKeys()).toHaveLength(1);
    expect(await records()).toEqual([[11, 18]]);
    expect(await expiryIndex()).toEqual(TEST_DB === 'sqlite' ? expect.stringContaining('"expires_at"') : 'btree');
    await db.destroy();
  });
});
