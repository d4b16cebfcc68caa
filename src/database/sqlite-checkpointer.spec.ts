import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { Logger } from 'pino';
import { SqliteCheckpointer } from './sqlite-checkpointer';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('SqliteCheckpointer', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tt-checkpointer-'));
  const logger = { error: jest.fn() } as unknown as Logger & { error: jest.Mock };
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('should copy a writer’s WAL into the database file on its own thread', async () => {
    const file = join(dir, 'app.sqlite');
    const writer = new Database(file);
    writer.pragma('journal_mode = WAL');
    writer.pragma('wal_autocheckpoint = 0');
    writer.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, body TEXT)');
    const insert = writer.prepare('INSERT INTO t (body) VALUES (?)');
    writer.transaction(() => {
      for (let i = 0; i < 2000; i++) insert.run('x'.repeat(4000));
    })();
    // Committed, but the writer did not checkpoint: the database file holds none of it yet.
    const before = statSync(file).size;
    expect(before).toBeLessThan(1_000_000);

    const checkpointer = SqliteCheckpointer.start(file, logger, 20);
    let size = before;
    for (let i = 0; i < 250 && size < 8_000_000; i++) {
      await sleep(20);
      size = statSync(file).size;
    }
    expect(size).toBeGreaterThan(8_000_000);
    await checkpointer.stop();
    expect(logger.error).not.toHaveBeenCalled();
    expect((writer.prepare('SELECT COUNT(*) AS n FROM t').get() as { n: number }).n).toBe(2000);
    writer.close();
  });

  it('should log when its thread cannot run, and still stop', async () => {
    const checkpointer = SqliteCheckpointer.start(join(dir, 'missing', 'app.sqlite'), logger, 20);
    for (let i = 0; i < 100 && logger.error.mock.calls.length === 0; i++) await sleep(20);
    expect(logger.error).toHaveBeenCalledWith(expect.anything(), 'SQLite checkpoint thread stopped');
    await checkpointer.stop();
  });
});
