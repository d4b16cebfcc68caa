import { Worker } from 'node:worker_threads';
import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';

/** The worker's code (plain JavaScript, evaluated by the worker): its own connection, a PASSIVE checkpoint per tick. */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file);
const checkpoint = () => {
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch (error) {
    // Another process's checkpoint is running: this one waits for the next tick.
    if (error.code !== 'SQLITE_BUSY' && error.code !== 'SQLITE_LOCKED') throw error;
  }
};
const timer = setInterval(checkpoint, workerData.everyMs);
parentPort.once('message', () => {
  clearInterval(timer);
  db.close();
  parentPort.close();
});
`;

/** How often the worker checkpoints: the WAL holds at most about a second of writes beyond the largest transaction. */
export const CHECKPOINT_EVERY_MS = 1000;

/**
 * SQLite: WAL checkpoints on a worker thread. better-sqlite3 answers synchronously, so the
 * automatic checkpoint that a COMMIT runs once the WAL passes 1,000 pages (copying the WAL into the
 * database file and syncing it) held the event loop for the whole copy: 285 ms after a 50k-row
 * import, every /health probe waiting behind it. The writer connection checkpoints only past a
 * backstop far above that (openWriter), and this worker's own connection checkpoints instead.
 * PASSIVE never waits for readers or writers: it copies what no reader still needs and leaves the
 * rest for the next tick.
 */
export class SqliteCheckpointer {
  private readonly exited: Promise<unknown>;

  private constructor(private readonly worker: Worker) {
    this.exited = new Promise((resolve) => worker.once('exit', resolve));
  }

  /** For the app's database: a checkpointer on a SQLite file, null elsewhere (PostgreSQL, `:memory:`). */
  static forDataSource(main: DataSource, logger: Logger): SqliteCheckpointer | null {
    const { options } = main;
    if (options.type !== 'better-sqlite3' || options.database === ':memory:') return null;
    return SqliteCheckpointer.start(options.database, logger);
  }

  static start(file: string, logger: Logger, everyMs = CHECKPOINT_EVERY_MS): SqliteCheckpointer {
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { file, everyMs, driver: require.resolve('better-sqlite3') },
    });
    // Any other failure ends the worker: the writer's own backstop (WRITER_AUTOCHECKPOINT_PAGES) then bounds the WAL.
    worker.on('error', (error) => logger.error({ err: error }, 'SQLite checkpoint thread stopped'));
    worker.unref();
    return new SqliteCheckpointer(worker);
  }

  /** Stops the worker and closes its connection. */
  async stop(): Promise<void> {
    // Referenced again: with nothing else pending (a CLI command's last step), an unreferenced worker
    // would let the process exit, status 0, before the shutdown that awaits it had finished.
    this.worker.ref();
    this.worker.postMessage('stop');
    await this.exited;
  }
}
