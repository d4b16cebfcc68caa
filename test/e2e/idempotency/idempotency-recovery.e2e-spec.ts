import { spawn } from 'node:child_process';
import { IdempotencyKeyEntity } from '../../../src/common/idempotency/idempotency-key.entity';
import { IdempotencyResponseEntity } from '../../../src/common/idempotency/idempotency-response.entity';
import {
  IdempotencyKeyBusyError,
  IdempotencyKeyTakenError,
  postgresClaimStatements,
  type ResponseRide,
} from '../../../src/common/idempotency/idempotency-claim';
import type { AuthContext } from '../../../src/common/auth/auth-context';
import { bindIdempotency, type IdempotencyContext } from '../../../src/common/idempotency/idempotency-context';
import { IdempotencyStore, RESPONSE_KEPT_MS } from '../../../src/common/idempotency/idempotency.store';
import type { PoolClient } from 'pg';
import { postgresPool } from '../../../src/database/postgres-pool';
import { TransactionService } from '../../../src/database/transaction.service';
import { SettingEntity } from '../../../src/modules/settings/setting.entity';
import { UserEntity } from '../../../src/modules/users/user.entity';
import { ADMIN_TOKEN, createTestContext, RAISED_RATE_LIMITS, type TestContext } from '../../support/factories';
import { sendThroughClients } from '../../support/clients';
import { postUserWithKey, type ServerProcess, startServerProcess } from '../../support/server-process';
import { redisPrefixFor } from '../../support/test-app';
import { TEST_DB } from '../../support/test-databases';

jest.setTimeout(120_000);

describe('Idempotency-Key recovery and transactions', () => {
  let ctx: TestContext;
  let other: ServerProcess;

  beforeAll(async () => {
    ctx = await createTestContext();
    other = await startServerProcess({
      DATABASE_URL: ctx.t.databaseUrl,
      REDIS_KEY_PREFIX: redisPrefixFor(ctx.t.databaseUrl),
    });
  });

  afterAll(async () => {
    await other?.stop();
    await ctx?.close();
  });

  const records = () => ctx.t.dataSource.getRepository(IdempotencyKeyEntity);
  /** Puts a record back in `state`, its lock long gone and its stored response (if any) lost. */
  const rewind = async (key: string, state: 'running' | 'committed') => {
    const { id } = await records().findOneByOrFail({ key });
    await ctx.t.dataSource.getRepository(IdempotencyResponseEntity).delete({ recordId: id });
    await records().update({ id }, { state, lockedUntil: new Date(Date.now() - 1000) });
  };
  const post = (username: string, key: string) =>
    ctx.t.post('/api/v1/users', { username }, { token: ADMIN_TOKEN, headers: { 'idempotency-key': key } });

  const flush = () => ctx.t.app.get(IdempotencyStore).flushCompletions();
  /** A record of `key` for the bootstrap admin's token (id 1), locked for a minute. */
  const newRecord = (key: string, state: 'running' | 'committed') =>
    records().save(
      records().create({
        tokenId: 1,
        key,
        fingerprint: 'f'.repeat(64),
        state,
        lockedUntil: new Date(Date.now() + 60_000),
        createdAt: new Date(),
        expiresAt: new Date(Date.now() + 3_600_000),
      }),
    );
  /** What the driver throws when the database cannot be reached. */
  const unreachable = () => new Error('Connection terminated unexpectedly');
  /** A spy on the store's writes, the next of which fails: the database is unreachable for it. */
  const failNextWrite = (store: IdempotencyStore) =>
    jest
      .spyOn(store as unknown as { writeBatch: () => Promise<unknown> }, 'writeBatch')
      .mockRejectedValueOnce(unreachable());
  /** A claim of `key` by the bootstrap admin's token (id 1). */
  const claimOf = (key: string) => ctx.t.app.get(IdempotencyStore).newClaim(1, key, 'f'.repeat(64));
  /** The caller of a request running under `context`, as its services hand it to TransactionService. */
  const callerUnder = (context: IdempotencyContext): AuthContext => {
    const caller: AuthContext = { tokenId: 1, userId: 1, username: 'admin', isAdmin: true, scopes: ['admin:all'] };
    bindIdempotency(caller, context);
    return caller;
  };

  it('should let a retry take over a key whose first request died before committing', async () => {
    expect((await post('rec-a', 'rec-key-a')).status).toBe(201);
    await flush();
    // Simulate a crash mid-request: the record is back to running, its lock long gone, no user.
    await ctx.t.dataSource.getRepository(UserEntity).delete({ username: 'rec-a' });
    await rewind('rec-key-a', 'running');
    const retry = await post('rec-a', 'rec-key-a');
    expect(retry.status).toBe(201);
    expect(retry.headers.get('idempotent-replayed')).toBeNull();
    expect(await ctx.t.dataSource.getRepository(UserEntity).countBy({ username: 'rec-a' })).toBe(1);
  });

  it('should not run again when the change committed but the response was lost', async () => {
    expect((await post('rec-b', 'rec-key-b')).status).toBe(201);
    await flush();
    await rewind('rec-key-b', 'committed');
    const retry = await post('rec-b', 'rec-key-b');
    expect(retry.status).toBe(409);
    expect(retry.body.error_code).toBe('conflict');
    expect(await ctx.t.dataSource.getRepository(UserEntity).countBy({ username: 'rec-b' })).toBe(1);
  });

  it('should mark the record committed in the same transaction as the change', async () => {
    const transactions = ctx.t.app.get(TransactionService);
    const record = await newRecord('rec-key-tx', 'running');
    const write = (key: string) => (m: import('typeorm').EntityManager) =>
      m.save(SettingEntity, { key, value: '1', updatedAt: new Date() });

    await expect(
      transactions.run(callerUnder({ claim: claimOf('rec-key-tx'), recordId: record.id, mark: true }), async (m) => {
        await write('rec-rolled-back')(m);
        throw new Error('business failure');
      }),
    ).rejects.toThrow('business failure');
    expect((await records().findOneByOrFail({ id: record.id })).state).toBe('running');
    expect(await ctx.t.dataSource.getRepository(SettingEntity).countBy({ key: 'rec-rolled-back' })).toBe(0);

    await transactions.run(
      callerUnder({ claim: claimOf('rec-key-tx'), recordId: record.id, mark: true }),
      write('rec-committed'),
    );
    expect((await records().findOneByOrFail({ id: record.id })).state).toBe('committed');
    expect(await ctx.t.dataSource.getRepository(SettingEntity).countBy({ key: 'rec-committed' })).toBe(1);
  });

  it('should claim a key in the transaction of the change: a rollback leaves it free, a commit takes it', async () => {
    const transactions = ctx.t.app.get(TransactionService);
    const write = (m: import('typeorm').EntityManager) =>
      m.save(SettingEntity, { key: 'rec-claimed', value: '1', updatedAt: new Date() });
    const context: IdempotencyContext = { claim: claimOf('rec-key-claim'), recordId: null, mark: false };

    await expect(
      transactions.run(callerUnder(context), async (m) => {
        await write(m);
        expect(context.recordId).toEqual(expect.any(Number));
        throw new Error('business failure');
      }),
    ).rejects.toThrow('business failure');
    expect(context.recordId).toBeNull();
    expect(await records().countBy({ key: 'rec-key-claim' })).toBe(0);

    await transactions.run(callerUnder(context), write);
    const record = await records().findOneByOrFail({ key: 'rec-key-claim' });
    expect(record).toMatchObject({ id: context.recordId, state: 'committed', tokenId: 1 });
    expect(record.expiresAt.getTime() - Date.now()).toBeGreaterThan(23 * 3_600_000);
    // A later transaction of the same request leaves the record as it is.
    await transactions.run(callerUnder(context), write);
    expect(await records().countBy({ key: 'rec-key-claim' })).toBe(1);

    // Another request with the same key: its transaction finds the key taken and changes nothing.
    const retry: IdempotencyContext = { claim: claimOf('rec-key-claim'), recordId: null, mark: false };
    let ran = false;
    await expect(transactions.run(callerUnder(retry), async () => void (ran = true))).rejects.toBeInstanceOf(
      IdempotencyKeyTakenError,
    );
    expect(ran).toBe(false);
    expect(retry.recordId).toBeNull();
  });

  (TEST_DB === 'postgres' ? it : it.skip)(
    'should find a key busy, without waiting, while another transaction claims it (PostgreSQL)',
    async () => {
      const transactions = ctx.t.app.get(TransactionService);
      const first: IdempotencyContext = { claim: claimOf('rec-key-busy'), recordId: null, mark: false };
      let release!: () => void;
      const held = new Promise<void>((resolve) => (release = resolve));
      let claimed!: () => void;
      const started = new Promise<void>((resolve) => (claimed = resolve));
      const running = transactions.run(callerUnder(first), async () => {
        claimed();
        await held;
      });
      await started;
      const second: IdempotencyContext = { claim: claimOf('rec-key-busy'), recordId: null, mark: false };
      await expect(transactions.run(callerUnder(second), async () => undefined)).rejects.toBeInstanceOf(
        IdempotencyKeyBusyError,
      );
      release();
      await running;
      await expect(transactions.run(callerUnder(second), async () => undefined)).rejects.toBeInstanceOf(
        IdempotencyKeyTakenError,
      );
    },
  );

  (TEST_DB === 'postgres' ? it : it.skip)(
    'should claim keys and store responses on connections whose prepared statements a pooler reset or kept (PostgreSQL)',
    async () => {
      const transactions = ctx.t.app.get(TransactionService);
      const store = ctx.t.app.get(IdempotencyStore);
      const pool = postgresPool(ctx.t.dataSource)!;
      const mend = jest.spyOn(
        transactions as unknown as { mendPreparedClaim: (client: unknown, error: unknown) => Promise<boolean> },
        'mendPreparedClaim',
      );
      const write = (key: string, caller: AuthContext) =>
        transactions.run(caller, (m) =>
          m.save(SettingEntity, { key: `rec-prep-${key}`, value: key, updatedAt: new Date() }),
        );
      /** Claims `keys` at once, so that they spread over the pool's connections; the first COMMIT carries `ride`. */
      const claimAll = async (keys: string[], ride: ResponseRide | null = null) => {
        const contexts = keys.map((key, i): IdempotencyContext => ({
          claim: claimOf(key),
          recordId: null,
          mark: false,
          responses: { takeResponses: () => (i === 0 ? ride : null) },
        }));
        await Promise.all(contexts.map((context, i) => write(keys[i], callerUnder(context))));
        return contexts;
      };
      /** Every pooled connection, held at once, as `run` sees it. */
      const onEveryConnection = async (run: (client: PoolClient) => Promise<unknown>) => {
        const clients = await Promise.all(Array.from({ length: pool.totalCount }, () => pool.connect()));
        try {
          for (const client of clients) await run(client);
        } finally {
          for (const client of clients) client.release();
        }
      };
      /** A pooler resets the sessions: the prepared statements are gone where the process believes they are. */
      const resetSessions = () =>
        onEveryConnection(async (client) => {
          for (const { name } of postgresClaimStatements(claimOf('any'))) {
            await client.query(`DEALLOCATE ${name}`).catch(() => undefined);
          }
        });
      const keys = (prefix: string) => Array.from({ length: 6 }, (_, i) => `rec-key-prep-${prefix}-${i}`);
      await claimAll(keys('warm'));

      // The process forgets which connections have them: each PREPAREs again, finds them there, goes on.
      (transactions as unknown as { preparedStatements: WeakMap<object, Set<string>> }).preparedStatements =
        new WeakMap();
      await claimAll(keys('kept'));
      const codes = () => mend.mock.calls.map(([, error]) => (error as { code?: string }).code);
      expect(codes()).toContain('42P05');

      mend.mockClear();
      await resetSessions();
      const contexts = await claimAll(keys('reset'));
      expect(codes()).toContain('26000');
      expect(await mend.mock.results[0].value).toBe(true);

      for (const [i, key] of keys('reset').entries()) {
        const record = await records().findOneByOrFail({ key });
        expect(record).toMatchObject({ id: contexts[i].recordId, state: 'committed', tokenId: 1 });
        // Milliseconds since the epoch become timestamps exactly.
        expect(record.lockedUntil.getTime() - record.createdAt.getTime()).toBe(120_000);
        expect(record.expiresAt.getTime() - record.createdAt.getTime()).toBe(24 * 3_600_000);
        expect(Math.abs(record.createdAt.getTime() - Date.now())).toBeLessThan(60_000);
      }
      const settings = ctx.t.dataSource.getRepository(SettingEntity);
      for (const key of [...keys('kept'), ...keys('reset')]) {
        expect(await settings.countBy({ key: `rec-prep-${key}` })).toBe(1);
      }

      // Reset again: the COMMIT that carries a response runs on a connection that prepared both anew.
      mend.mockClear();
      await resetSessions();
      const answered = await newRecord('rec-key-prep-answered', 'committed');
      store.complete(answered.id, 201, '{"carried":true}');
      const ride = store.takeResponses();
      expect(ride).not.toBeNull();
      await claimAll(keys('carry'), ride);
      expect(codes()).toContain('26000');
      mend.mockRestore();
      const stored = await ctx.t.dataSource.getRepository(IdempotencyResponseEntity).findOneByOrFail({
        recordId: answered.id,
      });
      expect(stored).toMatchObject({ status: 201, body: '{"carried":true}' });
    },
  );

  (TEST_DB === 'postgres' ? it : it.skip)(
    "should hand pending responses to a claiming transaction's COMMIT, and take them back if it fails",
    async () => {
      const store = ctx.t.app.get(IdempotencyStore);
      const transactions = ctx.t.app.get(TransactionService);
      const record = await newRecord('rec-key-ride', 'committed');
      // Inlined as a literal: quotes, backslashes and non-ASCII must come back byte for byte.
      const body = JSON.stringify({ text: "it's a \\ 'quoted' \\' ünïcödé \u2028 $$ E'x'" });
      store.complete(record.id, 201, body);
      const ride = store.takeResponses();
      expect(ride).not.toBeNull();
      expect(store.takeResponses()).toBeNull();
      // The transaction that took them did not commit: they are pending again, and a flush waits.
      let flushed = false;
      const flushing = store.flushCompletions().then(() => (flushed = true));
      await new Promise((resolve) => setTimeout(resolve, 30));
      expect(flushed).toBe(false);
      ride!.settle(false);
      await flushing;
      const stored = await ctx.t.dataSource.getRepository(IdempotencyResponseEntity).findOneByOrFail({
        recordId: record.id,
      });
      expect(stored.body).toBe(body);

      // A claiming transaction asks for them at its COMMIT and sends them in the same round trip.
      const second = await newRecord('rec-key-ride-2', 'committed');
      const take = jest.spyOn(store, 'takeResponses');
      store.complete(second.id, 200, body);
      await transactions.run(
        callerUnder({ claim: claimOf('rec-key-ride-3'), recordId: null, mark: false, responses: store }),
        (m) => m.save(SettingEntity, { key: 'rec-ride', value: '1', updatedAt: new Date() }),
      );
      expect(take).toHaveBeenCalledTimes(1);
      take.mockRestore();
      await store.flushCompletions();
      const secondStored = await ctx.t.dataSource.getRepository(IdempotencyResponseEntity).findOneByOrFail({
        recordId: second.id,
      });
      expect(secondStored).toMatchObject({ status: 200, body });
    },
  );

  (TEST_DB === 'postgres' ? it : it.skip)(
    'should end a flush whose responses a claiming COMMIT took while another write was in flight',
    async () => {
      const store = ctx.t.app.get(IdempotencyStore);
      const record = await newRecord('rec-key-flush-ride', 'committed');
      // A claim's write goes out; while it is in flight a response comes, a flush waits for the
      // write after it, and a COMMIT takes the response before that write starts.
      const claimed = store.begin(claimOf('rec-key-flush-ride-claim'));
      store.complete(record.id, 201, '{"ride":true}');
      let flushed = false;
      const flushing = store.flushCompletions().then(() => (flushed = true));
      // The flush has asked for that next write (a few microtasks, no I/O: the claim is still out).
      for (let i = 0; i < 50 && !store['responsesDue']; i++) await Promise.resolve();
      expect(store['responsesDue']).toBe(true);
      const ride = store.takeResponses();
      expect(ride).not.toBeNull();
      await claimed;
      // A claiming transaction's COMMIT carries it (its statement is prepared on that connection).
      await ctx.t.app.get(TransactionService).run(
        callerUnder({
          claim: claimOf('rec-key-flush-ride-carrier'),
          recordId: null,
          mark: false,
          responses: { takeResponses: () => ride },
        }),
        async () => undefined,
      );
      await flushing;
      expect(flushed).toBe(true);
      const stored = await ctx.t.dataSource.getRepository(IdempotencyResponseEntity).findOneByOrFail({
        recordId: record.id,
      });
      expect(stored.body).toBe('{"ride":true}');
    },
  );

  it('should store a response whose write failed on a later attempt, and drop one kept too long', async () => {
    const store = ctx.t.app.get(IdempotencyStore);
    const responses = ctx.t.dataSource.getRepository(IdempotencyResponseEntity);
    const pending = store['pendingCompletions'] as Map<number, { since: number }>;
    // The database is unreachable for the store's next write: the response's.
    const writeBatch = failNextWrite(store);
    const first = await post('rec-write-failed', 'rec-key-write-failed');
    expect(first.status).toBe(201);
    const { id } = await records().findOneByOrFail({ key: 'rec-key-write-failed' });

    // About a second later it is stored, and a retry is replayed.
    let stored: IdempotencyResponseEntity | null = null;
    for (let i = 0; i < 50 && !stored; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      stored = await responses.findOneBy({ recordId: id });
    }
    expect(writeBatch).toHaveBeenCalledTimes(2);
    expect(stored).toMatchObject({ status: 201, body: first.text });
    const retry = await post('rec-write-failed', 'rec-key-write-failed');
    expect(retry.status).toBe(201);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect(retry.text).toBe(first.text);

    // A response that has waited as long as responses are kept is dropped when its write fails.
    writeBatch.mockClear().mockRejectedValueOnce(unreachable());
    const stale = await newRecord('rec-key-write-failed-stale', 'committed');
    store.complete(stale.id, 201, '{"stale":true}');
    pending.get(stale.id)!.since -= RESPONSE_KEPT_MS;
    await store.flushCompletions();
    expect(writeBatch).toHaveBeenCalledTimes(1);
    expect(pending.size).toBe(0);
    writeBatch.mockRestore();
    expect(await responses.countBy({ recordId: stale.id })).toBe(0);
  });

  it('should keep writing after a write-retry finds that a COMMIT already carried its responses', async () => {
    const store = ctx.t.app.get(IdempotencyStore);
    const pending = store['pendingCompletions'] as Map<number, unknown>;
    const writeBatch = failNextWrite(store);
    const failed = await newRecord('rec-key-retry-empty', 'committed');
    store.complete(failed.id, 201, '{"failed":true}');
    await store.flushCompletions();
    expect(writeBatch).toHaveBeenCalledTimes(1);
    // A claiming COMMIT takes the pending responses (as PostgreSQL's rides do) before the retry
    // comes, a second later: the retry finds nothing to write.
    pending.clear();
    await new Promise((resolve) => setTimeout(resolve, 1_500));

    // The store still writes: a new response is stored, and a key is claimed outside a transaction.
    const later = await newRecord('rec-key-retry-empty-later', 'committed');
    store.complete(later.id, 201, '{"later":true}');
    /** `promise`, or a failure after 5 s: a store that stopped writing never settles it. */
    const within = async <T>(promise: Promise<T>): Promise<T> => {
      let timer: NodeJS.Timeout | undefined;
      const stuck = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error('stuck')), 5_000)));
      try {
        return await Promise.race([promise, stuck]);
      } finally {
        clearTimeout(timer);
      }
    };
    await within(store.flushCompletions());
    writeBatch.mockRestore();
    const stored = await ctx.t.dataSource.getRepository(IdempotencyResponseEntity).findOneByOrFail({
      recordId: later.id,
    });
    expect(stored.body).toBe('{"later":true}');
    expect(await within(store.begin(claimOf('rec-key-retry-empty-claim')))).toMatchObject({ kind: 'run' });
  });

  it('should run exactly once when two server processes get the same key at once', async () => {
    const responses = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        i % 2 === 0
          ? post('rec-multi', 'rec-key-mp').then((r) => r.status)
          : postUserWithKey(other.baseUrl, ADMIN_TOKEN, 'rec-multi', 'rec-key-mp').then((r) => r.status),
      ),
    );
    expect(await ctx.t.dataSource.getRepository(UserEntity).countBy({ username: 'rec-multi' })).toBe(1);
    for (const status of responses) expect([201, 409]).toContain(status);
    expect(responses).toContain(201);
  });

  // Two processes on one SQLite file: transactions begin IMMEDIATE, so one that meets another
  // process's open write waits for its commit (busy_timeout) and then reads what it wrote, rather
  // than reading first and failing on a stale snapshot when it comes to write.
  (TEST_DB === 'sqlite' ? it : it.skip)(
    "should make a SQLite transaction wait for another process's write, then see it",
    async () => {
      const outsider = spawn(
        process.execPath,
        [
          '-e',
          `const db = new (require('better-sqlite3'))(process.env.DB_FILE);
           db.pragma('busy_timeout = 5000');
           db.exec('BEGIN IMMEDIATE');
           db.prepare("INSERT INTO settings (key, value, updated_at) VALUES ('rec-outsider', '1', '2026-01-01')").run();
           process.stdout.write('locked\\n');
           setTimeout(() => { db.exec('COMMIT'); db.close(); }, 300);`,
        ],
        {
          cwd: process.cwd(),
          env: { ...process.env, DB_FILE: ctx.t.databaseUrl.slice('sqlite:'.length) },
          stdio: ['ignore', 'pipe', 'inherit'],
        },
      );
      const exited = new Promise((resolve) => outsider.once('exit', resolve));
      await new Promise((resolve) => outsider.stdout.once('data', resolve));
      let attempts = 0;
      let seen: unknown;
      await ctx.t.app.get(TransactionService).run(null, async (m) => {
        attempts++;
        seen = await m.query("SELECT COUNT(*) AS n FROM settings WHERE key = 'rec-outsider'");
        await m.save(SettingEntity, { key: `rec-insider-${attempts}`, value: '1', updatedAt: new Date() });
      });
      await exited;
      expect(attempts).toBe(1);
      expect(seen).toEqual([{ n: 1 }]);
      const settings = ctx.t.dataSource.getRepository(SettingEntity);
      expect(await settings.countBy({ key: 'rec-insider-1' })).toBe(1);
      expect(await settings.countBy({ key: 'rec-outsider' })).toBe(1);
    },
  );

  // Two transactions locking the same rows in opposite order: PostgreSQL aborts one (deadlock);
  // it rolled back whole, so it runs again and both complete.
  (TEST_DB === 'postgres' ? it : it.skip)('should run a PostgreSQL transaction again after a deadlock', async () => {
    const settings = ctx.t.dataSource.getRepository(SettingEntity);
    await settings.save(['rec-lock-a', 'rec-lock-b'].map((key) => ({ key, value: '0', updatedAt: new Date() })));
    const transactions = ctx.t.app.get(TransactionService);
    let bothHoldOne!: () => void;
    const barrier = new Promise<void>((resolve) => (bothHoldOne = resolve));
    let holding = 0;
    let attempts = 0;
    const lockInOrder = (first: string, second: string) =>
      transactions.run(null, async (m) => {
        attempts++;
        await m.query(`UPDATE settings SET value = (value::int + 1)::text WHERE key = $1`, [first]);
        if (++holding === 2) bothHoldOne();
        // At most 2 s, and no timer left behind to keep the jest worker alive after the suite.
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([barrier, new Promise((r) => (timer = setTimeout(r, 2000)))]);
        clearTimeout(timer);
        await m.query(`UPDATE settings SET value = (value::int + 1)::text WHERE key = $1`, [second]);
      });
    await Promise.all([lockInOrder('rec-lock-a', 'rec-lock-b'), lockInOrder('rec-lock-b', 'rec-lock-a')]);
    expect(attempts).toBe(3);
    expect((await settings.findOneByOrFail({ key: 'rec-lock-a' })).value).toBe('2');
    expect((await settings.findOneByOrFail({ key: 'rec-lock-b' })).value).toBe('2');
  });

  it('should never run a request twice when its server is killed mid-traffic and the retries go to another', async () => {
    const env = {
      DATABASE_URL: ctx.t.databaseUrl,
      REDIS_KEY_PREFIX: redisPrefixFor(ctx.t.databaseUrl),
      ...RAISED_RATE_LIMITS,
    };
    const requests = Array.from({ length: 160 }, (_, i) => ({ username: `rec-crash-${i}`, key: `rec-key-crash-${i}` }));
    /** The answer, or null when the connection broke (the server died). */
    const send = async (baseUrl: string, { username, key }: (typeof requests)[number]) => {
      try {
        return await postUserWithKey(baseUrl, ADMIN_TOKEN, username, key);
      } catch {
        return null;
      }
    };

    // 40 clients, each sending its next request when answered; the server dies by SIGKILL as the
    // fifth answer arrives, with up to 40 requests in every stage of their run (claimed and
    // uncommitted, committed with the response unsent or unstored), the rest never sent. The
    // clients bound how far the server can get ahead of them, whatever the machine's load.
    const crashing = await startServerProcess(env);
    let answered = 0;
    let killed: Promise<unknown> = Promise.resolve();
    const firsts = await sendThroughClients(
      40,
      requests,
      (request) => send(crashing.baseUrl, request),
      (answer) => {
        if (answer && ++answered === 5) killed = crashing.stop('SIGKILL');
      },
    );
    await killed;
    expect(firsts.filter((answer) => answer === null).length).toBeGreaterThan(100);

    // Every request retried, with its key, on another server process.
    const retrying = await startServerProcess(env);
    let retries: Awaited<ReturnType<typeof send>>[];
    try {
      retries = await Promise.all(requests.map((request) => send(retrying.baseUrl, request)));
    } finally {
      await retrying.stop();
    }
    const users = ctx.t.dataSource.getRepository(UserEntity);
    for (const [i, retry] of retries.entries()) {
      const first = firsts[i];
      // Ran now, or replayed; or 409: the first committed and its response was not stored yet.
      expect(retry).not.toBeNull();
      expect([201, 409]).toContain(retry!.status);
      if (retry!.status === 409) {
        expect(JSON.parse(retry!.text).error_code).toBe('idempotency_key_in_use');
      }
      if (first) {
        expect(first.status).toBe(201);
        // A request whose answer the client saw never runs again.
        expect(retry!.status === 201 && retry!.replayed === null).toBe(false);
        if (retry!.replayed === 'true') expect(retry!.text).toBe(first.text);
      }
      // Exactly one user per key, whichever process ran it.
      expect(await users.countBy({ username: requests[i].username })).toBe(1);
    }
  });
});
