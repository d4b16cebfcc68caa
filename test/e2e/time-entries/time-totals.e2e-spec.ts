import { DataSource } from 'typeorm';
import { loadConfig } from '../../../src/config/app-config';
import { appDataSourceOptions, MIGRATIONS } from '../../../src/app-data-source';
import { toSqliteTimestamp } from '../../../src/database/stored-timestamp';
import { roundHours } from '../../../src/modules/time-entries/time-entry.mapper';
import { ADMIN_TOKEN, createTestContext, type TestContext, type TestUser } from '../../support/factories';
import { emptyDatabaseUrl, TEST_DB } from '../../support/test-databases';

jest.setTimeout(120_000);

const SCOPES = ['read:time_entries', 'write:time_entries', 'read:users'];
const OWNERS = [
  { table: 'project_totals', key: 'project_id' },
  { table: 'task_totals', key: 'task_id' },
  { table: 'user_totals', key: 'user_id' },
] as const;

type Sums = Record<string, Array<[number, number, number]>>;

interface Queryable {
  query<T = unknown>(sql: string): Promise<T>;
}

/** Per owner: [id, seconds, billable seconds], from a fresh SUM over the entries, or from the kept totals. */
async function sums(db: Queryable, from: 'entries' | 'totals'): Promise<Sums> {
  const result: Sums = {};
  for (const { table, key } of OWNERS) {
    const sql =
      from === 'entries'
        ? `SELECT ${key} AS id, SUM(duration_seconds) AS total, ` +
          `SUM(CASE WHEN billable THEN duration_seconds ELSE 0 END) AS billable FROM time_entries ` +
          `WHERE end_time IS NOT NULL AND ${key} IS NOT NULL GROUP BY ${key}`
        : `SELECT ${key} AS id, SUM(total_seconds) AS total, SUM(billable_seconds) AS billable FROM ${table} ` +
          `GROUP BY ${key}`;
    const rows = await db.query<Array<{ id: unknown; total: unknown; billable: unknown }>>(sql);
    result[key] = rows
      .map((r): [number, number, number] => [Number(r.id), Number(r.total), Number(r.billable)])
      // An owner whose entries all went keeps a row of zeros.
      .filter(([, total, billable]) => total !== 0 || billable !== 0)
      .sort((a, b) => a[0] - b[0]);
  }
  return result;
}

/** [user, completed entries] per user: a fresh COUNT over the entries, or the kept counts (zeros left out). */
async function entryCounts(db: Queryable, from: 'entries' | 'counts'): Promise<Array<[number, number]>> {
  const sql =
    from === 'entries'
      ? 'SELECT user_id AS id, COUNT(*) AS n FROM time_entries WHERE end_time IS NOT NULL GROUP BY user_id'
      : 'SELECT user_id AS id, entries AS n FROM user_entry_counts';
  const rows = await db.query<Array<{ id: unknown; n: unknown }>>(sql);
  return rows
    .map((r): [number, number] => [Number(r.id), Number(r.n)])
    .filter(([, n]) => n !== 0)
    .sort((a, b) => a[0] - b[0]);
}

describe('maintained time totals', () => {
  let ctx: TestContext;
  const admin = { token: ADMIN_TOKEN };
  let projectA: number;
  let projectB: number;
  let taskA1: number;
  let taskA2: number;
  let taskB1: number;
  let u1: { token: string; user: TestUser };
  let u2: { token: string; user: TestUser };

  beforeAll(async () => {
    ctx = await createTestContext();
    const project = async (name: string) =>
      (await ctx.t.post('/api/v1/projects', { name }, admin)).body.project.id as number;
    const task = async (project_id: number, name: string) =>
      (await ctx.t.post('/api/v1/tasks', { project_id, name }, admin)).body.task.id as number;
    projectA = await project('Totals A');
    projectB = await project('Totals B');
    taskA1 = await task(projectA, 'A one');
    taskA2 = await task(projectA, 'A two');
    taskB1 = await task(projectB, 'B one');
    u1 = await ctx.newToken({ scopes: SCOPES });
    u2 = await ctx.newToken({ scopes: SCOPES });
  });

  afterAll(async () => {
    await ctx.close();
  });

  /** The kept totals equal a fresh SUM over the entries, to the second, and the API shows them. */
  const expectConsistent = async () => {
    const fresh = await sums(ctx.t.dataSource, 'entries');
    expect(await sums(ctx.t.dataSource, 'totals')).toEqual(fresh);
    const hours = (key: string, id: number) => {
      const row = fresh[key].find(([owner]) => owner === id);
      return { total: roundHours(row?.[1] ?? 0), billable: roundHours(row?.[2] ?? 0) };
    };
    const projects = (await ctx.t.get('/api/v1/projects', { ...admin, query: { status: 'all', per_page: 100 } })).body
      .projects as Array<{ id: number; total_hours: number; total_billable_hours: number }>;
    for (const id of [projectA, projectB]) {
      const shown = projects.find((p) => p.id === id)!;
      expect([shown.total_hours, shown.total_billable_hours]).toEqual([
        hours('project_id', id).total,
        hours('project_id', id).billable,
      ]);
    }
    const tasks = (await ctx.t.get('/api/v1/tasks', { ...admin, query: { per_page: 100 } })).body.tasks as Array<{
      id: number;
      total_hours: number;
    }>;
    for (const shown of tasks) expect(shown.total_hours).toBe(hours('task_id', shown.id).total);
    for (const { token, user } of [u1, u2]) {
      expect((await ctx.t.get('/api/v1/users/me', { token })).body.user.total_hours).toBe(
        hours('user_id', user.id).total,
      );
    }
    // The kept entry counts, and the total of each user's list (read from them).
    const counted = await entryCounts(ctx.t.dataSource, 'entries');
    expect(await entryCounts(ctx.t.dataSource, 'counts')).toEqual(counted);
    for (const { token, user } of [u1, u2]) {
      const list = await ctx.t.get('/api/v1/time-entries', { token, query: { per_page: 1 } });
      const expected = counted.find(([id]) => id === user.id)?.[1] ?? 0;
      expect(list.body.pagination).toMatchObject({ total: expected, total_is_estimate: false });
    }
    const everyone = await ctx.t.get('/api/v1/time-entries', { ...admin, query: { per_page: 1 } });
    const all = counted.reduce((sum, [, n]) => sum + n, 0);
    expect(everyone.body.pagination).toMatchObject({ total: all, total_is_estimate: false });
  };

  let slot = 0;
  /** A completed entry in a slot of its own (no overlaps); its id. */
  const entry = async (token: string, minutes: number, body: Record<string, unknown>) => {
    const start = new Date(Date.UTC(2025, 0, 1) + slot++ * 86_400_000);
    const res = await ctx.t.post(
      '/api/v1/time-entries',
      {
        start_time: start.toISOString(),
        end_time: new Date(start.getTime() + minutes * 60_000).toISOString(),
        ...body,
      },
      { token },
    );
    expect(res.status).toBe(201);
    return res.body.time_entry.id as number;
  };

  it('should match a fresh SUM after every kind of write', async () => {
    const e1 = await entry(u1.token, 120, { project_id: projectA, task_id: taskA1 });
    const e2 = await entry(u1.token, 60, { project_id: projectA, task_id: taskA2, billable: false });
    const e3 = await entry(u2.token, 180, { project_id: projectB, task_id: taskB1 });
    const e4 = await entry(u1.token, 45, { project_id: projectB });
    const clientId = (await ctx.t.post('/api/v1/clients', { name: 'Totals Client' }, admin)).body.client.id as number;
    await entry(u2.token, 30, { client_id: clientId });
    await expectConsistent();

    // Updates: to another project and task, a billable flip, new times, notes only.
    const put = async (token: string, id: number, body: Record<string, unknown>) =>
      expect((await ctx.t.put(`/api/v1/time-entries/${id}`, body, { token })).status).toBe(200);
    await put(u1.token, e1, { project_id: projectB, task_id: taskB1 });
    await put(u1.token, e2, { billable: true });
    await put(u2.token, e3, { end_time: new Date(Date.UTC(2025, 0, 3, 0, 10)).toISOString() });
    await put(u1.token, e4, { notes: 'only the notes' });
    await put(u1.token, e4, { project_id: projectA });
    await expectConsistent();

    // Delete one; bulk: billable off, a tag (no change), delete.
    expect((await ctx.t.delete(`/api/v1/time-entries/${e2}`, { token: u1.token })).status).toBe(200);
    const more = [
      await entry(u1.token, 15, { project_id: projectA, task_id: taskA1 }),
      await entry(u1.token, 25, { project_id: projectA, task_id: taskA2 }),
      await entry(u1.token, 35, { project_id: projectB }),
    ];
    const bulk = (body: Record<string, unknown>) => ctx.t.post('/api/v1/time-entries/bulk', body, { token: u1.token });
    expect((await bulk({ entry_ids: [...more, e1], action: 'set_billable', value: false })).body.affected).toBe(4);
    expect((await bulk({ entry_ids: more, action: 'add_tag', value: 'x' })).body.affected).toBe(3);
    expect((await bulk({ entry_ids: [more[2]], action: 'delete' })).body.affected).toBe(1);
    await expectConsistent();

    // CSV import: a dry run and a failing atomic import change nothing; then a real one.
    const csv = (rows: string[]) => ({ csv: ['project_id,task,start_time,end_time,billable', ...rows].join('\n') });
    const rows = [
      `${projectA},A one,2026-01-01T09:00:00Z,2026-01-01T10:30:00Z,yes`,
      `${projectB},,2026-01-02T09:00:00Z,2026-01-02T09:20:00Z,no`,
    ];
    const url = '/api/v1/time-entries/import-csv';
    expect((await ctx.t.post(url, csv(rows), { token: u2.token, query: { dry_run: 'true' } })).status).toBe(200);
    const failing = await ctx.t.post(url, csv([...rows, `${projectA},,not a time,2026-01-03T09:00:00Z,yes`]), {
      token: u2.token,
    });
    expect(failing.status).toBe(422);
    await expectConsistent();
    expect((await ctx.t.post(url, csv(rows), { token: u2.token })).body.created).toBe(2);
    await expectConsistent();

    // Timer: a running entry counts for nothing until it stops.
    expect(
      (await ctx.t.post('/api/v1/timer/start', { project_id: projectA, task_id: taskA2 }, { token: u2.token })).status,
    ).toBe(201);
    await expectConsistent();
    const stopped = await ctx.t.post('/api/v1/timer/stop', {}, { token: u2.token });
    expect(stopped.status).toBe(200);
    expect(stopped.body.time_entry.duration_seconds).toBeGreaterThan(0);
    await expectConsistent();

    // Deleting a task keeps its entries (task_id becomes null): their project still counts them.
    expect((await ctx.t.delete(`/api/v1/tasks/${taskA2}`, admin)).status).toBe(200);
    const gone = await ctx.t.dataSource.query<unknown[]>(`SELECT 1 FROM task_totals WHERE task_id = ${taskA2}`);
    expect(gone).toEqual([]);
    await expectConsistent();
  });

  it('should not lose a write when many users book the same project at once', async () => {
    const users = await Promise.all(Array.from({ length: 6 }, () => ctx.newToken({ scopes: SCOPES })));
    const day = Date.UTC(2027, 0, 1);
    const writes = users.flatMap(({ token }, u) =>
      Array.from({ length: 4 }, (_, i) => {
        const start = new Date(day + i * 3_600_000);
        return ctx.t.post(
          '/api/v1/time-entries',
          {
            project_id: projectA,
            task_id: taskA1,
            billable: (u + i) % 2 === 0,
            start_time: start.toISOString(),
            end_time: new Date(start.getTime() + (10 + u) * 60_000).toISOString(),
          },
          { token },
        );
      }),
    );
    for (const res of await Promise.all(writes)) expect(res.status).toBe(201);
    await expectConsistent();
  });
});

/** Migration 1764400000013 computes the totals of the entries already there, and goes down cleanly. */
describe('time totals migration', () => {
  let url: string;

  beforeAll(async () => {
    url = await emptyDatabaseUrl('totals');
  });

  it('should backfill the totals of existing entries, then keep them', async () => {
    const index = MIGRATIONS.findIndex((m) => m.name === 'TimeTotals1764400000013');
    expect(index).toBeGreaterThan(0);
    const options = appDataSourceOptions(loadConfig({ DATABASE_URL: url }));
    const before = await new DataSource({ ...options, migrations: MIGRATIONS.slice(0, index) }).initialize();
    await before.runMigrations({ transaction: 'each' });
    const now = `'${TEST_DB === 'sqlite' ? toSqliteTimestamp(new Date()) : new Date().toISOString()}'`;
    const yes = TEST_DB === 'sqlite' ? '1' : 'true';
    const no = TEST_DB === 'sqlite' ? '0' : 'false';
    await before.query(
      `INSERT INTO users (id, username, created_at, updated_at) VALUES (1, 'a', ${now}, ${now}), (2, 'b', ${now}, ${now})`,
    );
    await before.query(
      `INSERT INTO projects (id, name, created_at, updated_at) VALUES (1, 'p', ${now}, ${now}), (2, 'q', ${now}, ${now})`,
    );
    await before.query(
      `INSERT INTO tasks (id, project_id, name, created_at, updated_at) VALUES (1, 1, 't', ${now}, ${now})`,
    );
    const values = [
      [1, 1, 1, 3600, yes],
      [1, 1, null, 1800, no],
      [2, 2, null, 600, yes],
      [2, null, null, 60, yes],
    ].map(
      ([user, project, task, seconds, billable]) =>
        `(${user}, ${project ?? 'NULL'}, ${task ?? 'NULL'}, ${now}, ${now}, ${seconds}, ${billable}, ${now}, ${now})`,
    );
    values.push(`(1, 2, NULL, ${now}, NULL, NULL, ${yes}, ${now}, ${now})`); // running: not counted
    await before.query(
      `INSERT INTO time_entries (user_id, project_id, task_id, start_time, end_time, duration_seconds, billable, ` +
        `created_at, updated_at) VALUES ${values.join(', ')}`,
    );
    await before.destroy();

    const after = await new DataSource({ ...options, migrations: MIGRATIONS.slice(0, index + 1) }).initialize();
    await after.runMigrations({ transaction: 'each' });
    const expected = {
      project_id: [
        [1, 5400, 3600],
        [2, 600, 600],
      ],
      task_id: [[1, 3600, 3600]],
      user_id: [
        [1, 5400, 3600],
        [2, 660, 660],
      ],
    };
    expect(await sums(after, 'entries')).toEqual(expected);
    expect(await sums(after, 'totals')).toEqual(expected);
    await after.query(`UPDATE time_entries SET billable = ${no} WHERE user_id = 2`);
    expect(await sums(after, 'totals')).toEqual(await sums(after, 'entries'));

    await after.undoLastMigration({ transaction: 'each' });
    const tables = TEST_DB === 'sqlite' ? `sqlite_master` : `(SELECT tablename AS name FROM pg_tables) t`;
    const left = await after.query<unknown[]>(
      `SELECT name FROM ${tables} WHERE name IN ('project_totals', 'task_totals', 'user_totals')`,
    );
    expect(left).toEqual([]);
    await after.query(`DELETE FROM time_entries WHERE user_id = 2`);
    await after.runMigrations({ transaction: 'each' });
    expect(await sums(after, 'totals')).toEqual(await sums(after, 'entries'));
    await after.destroy();
  });
});

/** Migration 1764400000018 counts the entries already there, keeps counting, and goes down cleanly. */
describe('user entry counts migration', () => {
  let url: string;

  beforeAll(async () => {
    url = await emptyDatabaseUrl('counts');
  });

  it('should backfill the counts of existing entries, then keep them', async () => {
    const index = MIGRATIONS.findIndex((m) => m.name === 'UserEntryCounts1764400000018');
    expect(index).toBeGreaterThan(0);
    const options = appDataSourceOptions(loadConfig({ DATABASE_URL: url }));
    const before = await new DataSource({ ...options, migrations: MIGRATIONS.slice(0, index) }).initialize();
    await before.runMigrations({ transaction: 'each' });
    const now = `'${TEST_DB === 'sqlite' ? toSqliteTimestamp(new Date()) : new Date().toISOString()}'`;
    await before.query(
      `INSERT INTO users (id, username, created_at, updated_at) VALUES (1, 'a', ${now}, ${now}), (2, 'b', ${now}, ${now})`,
    );
    await before.query(`INSERT INTO projects (id, name, created_at, updated_at) VALUES (1, 'p', ${now}, ${now})`);
    const entry = (user: number, end: string) =>
      `(${user}, 1, ${now}, ${end}, ${end === 'NULL' ? 'NULL' : '60'}, ${now}, ${now})`;
    // User 1: two completed and a running one (not counted); user 2: one.
    await before.query(
      'INSERT INTO time_entries (user_id, project_id, start_time, end_time, duration_seconds, created_at, updated_at) ' +
        `VALUES ${[entry(1, now), entry(1, now), entry(1, 'NULL'), entry(2, now)].join(', ')}`,
    );
    await before.destroy();

    const after = await new DataSource({ ...options, migrations: MIGRATIONS.slice(0, index + 1) }).initialize();
    await after.runMigrations({ transaction: 'each' });
    expect(await entryCounts(after, 'counts')).toEqual([
      [1, 2],
      [2, 1],
    ]);
    // Stopping the running entry, moving one to another user, deleting one.
    await after.query(`UPDATE time_entries SET end_time = ${now}, duration_seconds = 0 WHERE end_time IS NULL`);
    await after.query('UPDATE time_entries SET user_id = 2 WHERE id = 1');
    await after.query('DELETE FROM time_entries WHERE id = 2');
    expect(await entryCounts(after, 'counts')).toEqual(await entryCounts(after, 'entries'));
    expect(await entryCounts(after, 'counts')).toEqual([
      [1, 1],
      [2, 2],
    ]);

    await after.undoLastMigration({ transaction: 'each' });
    const tables = TEST_DB === 'sqlite' ? `sqlite_master` : `(SELECT tablename AS name FROM pg_tables) t`;
    expect(await after.query<unknown[]>(`SELECT name FROM ${tables} WHERE name = 'user_entry_counts'`)).toEqual([]);
    await after.query('DELETE FROM time_entries WHERE user_id = 1');
    await after.runMigrations({ transaction: 'each' });
    expect(await entryCounts(after, 'counts')).toEqual([[2, 2]]);
    await after.destroy();
  });
});
