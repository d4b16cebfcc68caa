import { spawn } from 'node:child_process';
import type { DataSource, EntityManager } from 'typeorm';
import type { AuthContext } from '../../../src/common/auth/auth-context';
import { DomainError } from '../../../src/common/errors/domain-error';
import { ErrorCode } from '../../../src/common/errors/error-code';
import { IdempotencyKeyEntity, IdempotencyResponseEntity } from '../../../src/common/idempotency/idempotency.entities';
import { IdempotencyParticipant } from '../../../src/common/idempotency/idempotency.participant';
import { IdempotencyKeyTakenError, IdempotencyStore } from '../../../src/common/idempotency/idempotency.store';
import { WRITER_DATA_SOURCE } from '../../../src/database/data-source-options';
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
  /** A request with `key` by the bootstrap admin's token (id 1), as its transactions see it. */
  const keyed = (key: string) =>
    new IdempotencyParticipant(ctx.t.app.get(IdempotencyStore), { tokenId: 1, key, fingerprint: 'f'.repeat(64) });
  /** The caller of a request with `participant` enlisted, as its services hand it to TransactionService. */
  const callerUnder = (participant: IdempotencyParticipant): AuthContext => {
    const caller: AuthContext = { tokenId: 1, userId: 1, username: 'admin', isAdmin: true, scopes: ['admin:all'] };
    ctx.t.app.get(TransactionService).enlist(caller, participant);
    return caller;
  };
  const isKeyInUse = (error: unknown) => error instanceof DomainError && error.code === ErrorCode.IdempotencyKeyInUse;

  it('should let a retry take over a key whose first request died before committing', async () => {
    expect((await post('rec-a', 'rec-key-a')).status).toBe(201);
    // Simulate a crash mid-request: the record is back to running, its lock long gone, no user.
    await ctx.t.dataSource.getRepository(UserEntity).delete({ username: 'rec-a' });
    await rewind('rec-key-a', 'running');
    const abandoned = await records().findOneByOrFail({ key: 'rec-key-a' });
    const retry = await post('rec-a', 'rec-key-a');
    expect(retry.status).toBe(201);
    expect(retry.headers.get('idempotent-replayed')).toBeNull();
    expect(await ctx.t.dataSource.getRepository(UserEntity).countBy({ username: 'rec-a' })).toBe(1);
    // The abandoned record made way: the retry claimed the key afresh, in its change's transaction.
    const record = await records().findOneByOrFail({ key: 'rec-key-a' });
    expect(record.id).not.toBe(abandoned.id);
    expect(record.state).toBe('committed');
  });

  it('should not run again when the change committed but the response was lost', async () => {
    expect((await post('rec-b', 'rec-key-b')).status).toBe(201);
    await rewind('rec-key-b', 'committed');
    const retry = await post('rec-b', 'rec-key-b');
    expect(retry.status).toBe(409);
    expect(retry.body.error_code).toBe('conflict');
    expect(await ctx.t.dataSource.getRepository(UserEntity).countBy({ username: 'rec-b' })).toBe(1);
  });

  it('should let exactly one of concurrent retries take an abandoned key over', async () => {
    const store = ctx.t.app.get(IdempotencyStore);
    const abandoned = await newRecord('rec-key-abandoned', 'running');
    await records().update({ id: abandoned.id }, { lockedUntil: new Date(Date.now() - 1000) });
    const claim = { tokenId: 1, key: 'rec-key-abandoned', fingerprint: 'f'.repeat(64) };
    const outcomes = await Promise.allSettled(Array.from({ length: 5 }, () => store.begin(claim)));
    const claimed = outcomes.filter((o) => o.status === 'fulfilled');
    expect(claimed).toHaveLength(1);
    expect(typeof (claimed[0] as PromiseFulfilledResult<unknown>).value).toBe('number');
    for (const o of outcomes) if (o.status === 'rejected') expect(isKeyInUse(o.reason)).toBe(true);
    const record = await records().findOneByOrFail({ key: 'rec-key-abandoned' });
    expect(record).toMatchObject({ id: (claimed[0] as PromiseFulfilledResult<number>).value, state: 'running' });
  });

  it('should claim a key in the transaction of the change: a rollback leaves it free, a commit takes it', async () => {
    const transactions = ctx.t.app.get(TransactionService);
    const write = (m: EntityManager) =>
      m.save(SettingEntity, { key: 'rec-claimed', value: '1', updatedAt: new Date() });
    const request = keyed('rec-key-claim');

    await expect(
      transactions.run(callerUnder(request), async (m) => {
        await write(m);
        expect(request.recordId).toEqual(expect.any(Number));
        throw new Error('business failure');
      }),
    ).rejects.toThrow('business failure');
    expect(request.recordId).toBeNull();
    expect(await records().countBy({ key: 'rec-key-claim' })).toBe(0);

    await transactions.run(callerUnder(request), write);
    const record = await records().findOneByOrFail({ key: 'rec-key-claim' });
    expect(record).toMatchObject({ id: request.recordId, state: 'committed', tokenId: 1 });
    expect(record.lockedUntil.getTime() - record.createdAt.getTime()).toBe(120_000);
    expect(record.expiresAt.getTime() - record.createdAt.getTime()).toBe(24 * 3_600_000);
    expect(Math.abs(record.createdAt.getTime() - Date.now())).toBeLessThan(60_000);
    // A later transaction of the same request leaves the record as it is.
    await transactions.run(callerUnder(request), write);
    expect(await records().countBy({ key: 'rec-key-claim' })).toBe(1);

    // Another request with the same key: its transaction finds the key taken and changes nothing.
    const retry = keyed('rec-key-claim');
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
      let release!: () => void;
      const held = new Promise<void>((resolve) => (release = resolve));
      let claimed!: () => void;
      const started = new Promise<void>((resolve) => (claimed = resolve));
      const running = transactions.run(callerUnder(keyed('rec-key-busy')), async () => {
        claimed();
        await held;
      });
      await started;
      const second = keyed('rec-key-busy');
      const busy = await transactions.run(callerUnder(second), async () => undefined).catch((error: unknown) => error);
      expect(isKeyInUse(busy)).toBe(true);
      release();
      await running;
      await expect(transactions.run(callerUnder(second), async () => undefined)).rejects.toBeInstanceOf(
        IdempotencyKeyTakenError,
      );
    },
  );

  it('should answer, and never run again, when the response cannot be stored', async () => {
    // The database is unreachable for the response's write only (on the writer: TransactionService).
    const manager = ctx.t.app.get<DataSource>(WRITER_DATA_SOURCE).manager;
    const query = manager.query.bind(manager);
    let failed = 0;
    const spy = jest.spyOn(manager, 'query').mockImplementation((sql, params) => {
      if (!sql.startsWith('INSERT INTO idempotency_responses')) return query(sql, params as unknown[]);
      failed++;
      return Promise.reject(unreachable());
    });
    const first = await post('rec-unstored', 'rec-key-unstored').finally(() => spy.mockRestore());
    expect(first.status).toBe(201);
    expect(failed).toBe(1);
    // While the first request's lock holds, a retry is told the key is in use; then that it ran.
    const retry = await post('rec-unstored', 'rec-key-unstored');
    expect(retry.status).toBe(409);
    expect(retry.body.error_code).toBe('idempotency_key_in_use');
    await records().update({ key: 'rec-key-unstored' }, { lockedUntil: new Date(Date.now() - 1000) });
    const later = await post('rec-unstored', 'rec-key-unstored');
    expect(later.status).toBe(409);
    expect(later.body.error_code).toBe('conflict');
    expect(await ctx.t.dataSource.getRepository(UserEntity).countBy({ username: 'rec-unstored' })).toBe(1);
  });

  it('should have stored the response when the first request is answered', async () => {
    const first = await post('rec-stored', 'rec-key-stored');
    expect(first.status).toBe(201);
    const { id } = await records().findOneByOrFail({ key: 'rec-key-stored' });
    const stored = await ctx.t.dataSource.getRepository(IdempotencyResponseEntity).findOneByOrFail({ recordId: id });
    expect(stored).toMatchObject({ status: 201, body: first.text });
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
