import { of, throwError, lastValueFrom } from 'rxjs';
import { IdempotencyKeyEntity, IdempotencyResponseEntity } from '../../../src/common/idempotency/idempotency.entities';
import { IdempotencyInterceptor } from '../../../src/common/idempotency/idempotency.interceptor';
import { IdempotencyStore } from '../../../src/common/idempotency/idempotency.store';
import { TransactionService } from '../../../src/database/transaction.service';
import { MetricsService } from '../../../src/modules/metrics/metrics.service';
import { In } from 'typeorm';
import { UserEntity } from '../../../src/modules/users/user.entity';
import { ADMIN_TOKEN, createTestContext, type TestContext } from '../../support/factories';
import { postUserWithKey, type ServerProcess, startServerProcess } from '../../support/server-process';
import { redisPrefixFor } from '../../support/test-app';
import { TEST_REDIS_URL } from '../../support/test-databases';

let seq = 0;
const uniqueKey = () => `key-${process.pid}-${Date.now()}-${++seq}`;

// The record lives in the database whether or not Redis is configured; both setups are run.
const stores = [
  { name: 'without Redis', redis: false },
  ...(TEST_REDIS_URL ? [{ name: 'with Redis', redis: true }] : []),
];

describe.each(stores)('Idempotency-Key ($name)', ({ redis }) => {
  let ctx: TestContext;

  beforeAll(async () => {
    ctx = await createTestContext({ redis });
  });

  afterAll(async () => {
    await ctx.close();
  });

  const createUser = (username: string, key: string, token = ADMIN_TOKEN, extra: Record<string, unknown> = {}) =>
    ctx.t.post('/api/v1/users', { username, ...extra }, { token, headers: { 'idempotency-key': key } });
  const countUsers = (username: string) => ctx.t.dataSource.getRepository(UserEntity).countBy({ username });
  const responses = () => ctx.t.dataSource.getRepository(IdempotencyResponseEntity);

  it('should replay the stored response byte for byte without running again', async () => {
    const key = uniqueKey();
    const first = await createUser('idem-one', key);
    expect(first.status).toBe(201);
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    const again = await createUser('idem-one', key);
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.text).toBe(first.text);
    expect(again.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(await countUsers('idem-one')).toBe(1);
  });

  it('should replay a response with quotes, backslashes and emoji byte for byte', async () => {
    const key = uniqueKey();
    const extra = { full_name: `O'Brien \\ "Bob" 😀 ''\\'` };
    const first = await createUser('idem-quotes', key, ADMIN_TOKEN, extra);
    expect(first.status).toBe(201);
    expect(first.body.user.full_name).toBe(extra.full_name);
    const again = await createUser('idem-quotes', key, ADMIN_TOKEN, extra);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.text).toBe(first.text);
  });

  it('should have stored the response by the time it is answered', async () => {
    const key = uniqueKey();
    const first = await createUser('idem-lone', key);
    expect(first.status).toBe(201);
    const { id } = await ctx.t.dataSource.getRepository(IdempotencyKeyEntity).findOneByOrFail({ key });
    // No wait: the response is written before it is sent.
    expect(await responses().findOneByOrFail({ recordId: id })).toMatchObject({ status: 201, body: first.text });
  });

  it('should treat reordered JSON as the same request', async () => {
    const key = uniqueKey();
    const headers = { 'idempotency-key': key, 'content-type': 'application/json' };
    const a = await ctx.t.request('POST', '/api/v1/users', {
      token: ADMIN_TOKEN,
      headers,
      rawBody: '{"username":"idem-order","full_name":"A B"}',
    });
    const b = await ctx.t.request('POST', '/api/v1/users', {
      token: ADMIN_TOKEN,
      headers,
      rawBody: '{ "full_name": "A B",\n "username": "idem-order" }',
    });
    expect(a.status).toBe(201);
    expect(b.headers.get('idempotent-replayed')).toBe('true');
    expect(b.text).toBe(a.text);
  });

  it('should tell requests apart by their query string, whatever the order of its parameters', async () => {
    const projectId = (
      await ctx.t.post('/api/v1/projects', { name: `idem-query-${uniqueKey()}` }, { token: ADMIN_TOKEN })
    ).body.project.id as number;
    const csv = `project_id,start_time,end_time\n${projectId},2025-03-03T09:00:00Z,2025-03-03T10:00:00Z\n`;
    const entries = () =>
      ctx.t
        .get('/api/v1/time-entries', { token: ADMIN_TOKEN, query: { project_id: projectId } })
        .then((r) => r.body.pagination.total as number);
    const importCsv = (path: string, key: string) =>
      ctx.t.request('POST', path, {
        token: ADMIN_TOKEN,
        rawBody: csv,
        headers: { 'content-type': 'text/csv', 'idempotency-key': key },
      });
    const url = '/api/v1/time-entries/import-csv';

    const key = uniqueKey();
    const dryRun = await importCsv(`${url}?dry_run=true`, key);
    expect(dryRun.status).toBe(200);
    expect(dryRun.body.dry_run).toBe(true);
    const real = await importCsv(url, key);
    expect(real.status).toBe(422);
    expect(real.body.error_code).toBe('idempotency_key_mismatch');
    expect(await entries()).toBe(0);

    const reordered = uniqueKey();
    const first = await importCsv(`${url}?atomic=true&dry_run=true`, reordered);
    expect(first.status).toBe(200);
    const again = await importCsv(`${url}?dry_run=true&atomic=true`, reordered);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.text).toBe(first.text);
  });

  it('should treat a quoted key (structured-field string) and its bare form as one key', async () => {
    const key = uniqueKey();
    const first = await createUser('idem-quoted', `"${key}"`);
    expect(first.status).toBe(201);
    const bare = await createUser('idem-quoted', key);
    expect(bare.status).toBe(201);
    expect(bare.headers.get('idempotent-replayed')).toBe('true');
    expect(bare.text).toBe(first.text);
    expect(await countUsers('idem-quoted')).toBe(1);
  });

  it('should answer 422 when the key is reused with a different request', async () => {
    const key = uniqueKey();
    expect((await createUser('idem-two', key)).status).toBe(201);
    const other = await createUser('idem-three', key);
    expect(other.status).toBe(422);
    expect(other.body.error_code).toBe('idempotency_key_mismatch');
    expect(await countUsers('idem-three')).toBe(0);
    const otherPath = await ctx.t.post(
      '/api/v1/admin/api-tokens',
      { name: 'x', user_id: 1, scopes: ['read:users'] },
      { token: ADMIN_TOKEN, headers: { 'idempotency-key': key } },
    );
    expect(otherPath.status).toBe(422);
    // Also when the different request fails validation, which comes before any claim.
    const invalid = await createUser('x y', key);
    expect(invalid.status).toBe(422);
    expect(invalid.body.error_code).toBe('idempotency_key_mismatch');
    // The key's own request is still replayed.
    expect((await createUser('idem-two', key)).headers.get('idempotent-replayed')).toBe('true');
  });

  it('should run exactly one of 10 concurrent first requests', async () => {
    const key = uniqueKey();
    const responses = await Promise.all(Array.from({ length: 10 }, () => createUser('idem-race', key)));
    expect(await countUsers('idem-race')).toBe(1);
    const originals = responses.filter((r) => r.status === 201 && !r.headers.get('idempotent-replayed'));
    expect(originals).toHaveLength(1);
    for (const r of responses) {
      if (r.status === 201) expect(r.text).toBe(originals[0].text);
      else {
        expect(r.status).toBe(409);
        expect(r.body.error_code).toBe('idempotency_key_in_use');
        expect(r.headers.get('retry-after')).toBe('1');
      }
    }
  });

  it('should scope keys per token', async () => {
    const admin2 = await ctx.newUser({ role: 'admin' });
    const other = await ctx.newToken({ scopes: ['admin:all'], user: admin2 });
    const key = uniqueKey();
    expect((await createUser('idem-tok-a', key)).status).toBe(201);
    const b = await createUser('idem-tok-b', key, other.token);
    expect(b.status).toBe(201);
    expect(b.headers.get('idempotent-replayed')).toBeNull();
  });

  it('should not store a validation failure: a corrected retry runs', async () => {
    const key = uniqueKey();
    const bad = await createUser('x y', key);
    expect(bad.status).toBe(400);
    const good = await createUser('idem-fixed', key);
    expect(good.status).toBe(201);
    expect(good.headers.get('idempotent-replayed')).toBeNull();
  });

  it('should store and replay a business-rule 4xx', async () => {
    await ctx.newUser({ username: 'idem-taken' });
    const key = uniqueKey();
    const conflict = await createUser('idem-taken', key);
    expect(conflict.status).toBe(409);
    const replay = await createUser('idem-taken', key);
    expect(replay.status).toBe(409);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(replay.text).toBe(conflict.text);
  });

  it('should refuse a malformed key with 400 bad_request', async () => {
    for (const key of ['k'.repeat(129), 'has space', 'naïve']) {
      const res = await ctx.t.post(
        '/api/v1/users',
        { username: 'idem-bad-key' },
        {
          token: ADMIN_TOKEN,
          headers: { 'idempotency-key': key },
        },
      );
      expect(res.status).toBe(400);
      expect(res.body.error_code).toBe('bad_request');
    }
    expect(await countUsers('idem-bad-key')).toBe(0);
  });

  it('should run anew once the record has expired, and purge expired records', async () => {
    const key = uniqueKey();
    expect((await createUser('idem-expiry', key)).status).toBe(201);
    const records = ctx.t.dataSource.getRepository(IdempotencyKeyEntity);
    await records.update({ key }, { expiresAt: new Date(Date.now() - 1000) });
    const again = await createUser('idem-expiry', key);
    // It ran again (the user now exists, so this run is a 409), instead of replaying the 201.
    expect(again.status).toBe(409);
    expect(again.headers.get('idempotent-replayed')).toBeNull();
    const { id } = await records.findOneByOrFail({ key });
    expect(await responses().countBy({ recordId: id })).toBe(1);
    await records.update({ key }, { expiresAt: new Date(Date.now() - 1000) });
    expect(await ctx.t.app.get(IdempotencyStore).purgeExpired()).toBeGreaterThanOrEqual(1);
    expect(await records.countBy({ key })).toBe(0);
    expect(await responses().countBy({ recordId: id })).toBe(0);
  });

  it('should purge responses whose record is gone (its token deleted)', async () => {
    await responses().insert({ recordId: 0, status: 201, body: '{}' });
    await ctx.t.app.get(IdempotencyStore).purgeExpired();
    expect(await responses().countBy({ recordId: 0 })).toBe(0);
  });

  it('should never store a plain API token, and replay it as null', async () => {
    const key = uniqueKey();
    const body = { name: 'idem-token', user_id: 1, scopes: ['read:users'] };
    const first = await ctx.t.post('/api/v1/admin/api-tokens', body, {
      token: ADMIN_TOKEN,
      headers: { 'idempotency-key': key },
    });
    expect(first.body.token).toMatch(/^tt_/);
    const [record] = await ctx.t.dataSource.getRepository(IdempotencyKeyEntity).findBy({ key });
    const stored = await responses().findOneByOrFail({ recordId: record.id });
    expect(stored.body).toContain('"token":null');
    expect(stored.body).not.toContain(first.body.token);
    const replay = await ctx.t.post('/api/v1/admin/api-tokens', body, {
      token: ADMIN_TOKEN,
      headers: { 'idempotency-key': key },
    });
    expect(replay.status).toBe(201);
    expect(replay.body.token).toBeNull();
    expect(replay.body.api_token.id).toBe(first.body.api_token.id);
    const tokens = await ctx.t.get('/api/v1/admin/api-tokens', { token: ADMIN_TOKEN, query: { per_page: 100 } });
    expect(tokens.body.api_tokens.filter((t: { name: string }) => t.name === 'idem-token')).toHaveLength(1);
  });

  it('should release the key when the handler fails with a 5xx', async () => {
    const interceptor = new IdempotencyInterceptor(
      ctx.t.app.get(IdempotencyStore),
      ctx.t.app.get(TransactionService),
      ctx.t.app.get(MetricsService),
    );
    const key = uniqueKey();
    const request = {
      method: 'POST',
      url: '/api/v1/users',
      body: { username: 'x' },
      headers: { 'idempotency-key': key },
      auth: { tokenId: 1 },
      id: 'r1',
    };
    const reply = { statusCode: 200, status: () => reply, header: () => reply, type: () => reply };
    const context = {
      switchToHttp: () => ({ getRequest: () => request, getResponse: () => reply }),
      getHandler: () => () => undefined,
    } as never;
    await expect(
      lastValueFrom(interceptor.intercept(context, { handle: () => throwError(() => new Error('boom')) })),
    ).rejects.toThrow('boom');
    const records = ctx.t.dataSource.getRepository(IdempotencyKeyEntity);
    expect(await records.countBy({ key })).toBe(0);
    const retried = await lastValueFrom(interceptor.intercept(context, { handle: () => of({ ok: true }) }));
    expect(retried).toBe('{"ok":true}');
    const record = await records.findOneByOrFail({ key });
    expect(await responses().findOneByOrFail({ recordId: record.id })).toMatchObject({
      status: 200,
      body: '{"ok":true}',
    });
  });

  it('should claim the key in the transaction of the change on every writing POST route', async () => {
    const admin = { token: ADMIN_TOKEN };
    const keyed = async (path: string, body?: Record<string, unknown>) => {
      const key = uniqueKey();
      const res = await ctx.t.post(path, body, { token: ADMIN_TOKEN, headers: { 'idempotency-key': key } });
      if (res.status !== 200 && res.status !== 201) throw new Error(`${path} answered ${res.status}: ${res.text}`);
      return { key, body: res.body as Record<string, Record<string, number>> };
    };
    const project = (await ctx.t.post('/api/v1/projects', { name: 'idem-routes' }, admin)).body.project.id as number;
    const warehouse = (await ctx.t.post('/api/v1/inventory/warehouses', { code: 'idem-w', name: 'W' }, admin)).body
      .warehouse.id as number;
    const other = (await ctx.t.post('/api/v1/inventory/warehouses', { code: 'idem-w2', name: 'W2' }, admin)).body
      .warehouse.id as number;
    const entry = await keyed('/api/v1/time-entries', {
      project_id: project,
      start_time: '2021-03-01T09:00:00Z',
      end_time: '2021-03-01T10:00:00Z',
    });
    const token = await keyed('/api/v1/admin/api-tokens', { name: 'idem-routes', user_id: 1, scopes: ['read:users'] });
    const item = await keyed('/api/v1/inventory/items', { sku: 'idem-sku', name: 'Item' });
    const claimed = [
      (await keyed('/api/v1/users', { username: 'idem-routes' })).key,
      entry.key,
      token.key,
      (await keyed(`/api/v1/admin/api-tokens/${token.body.api_token.id}/rotate`)).key,
      (await keyed('/api/v1/projects', { name: 'idem-routes-2' })).key,
      (await keyed('/api/v1/clients', { name: 'idem-routes' })).key,
      (await keyed('/api/v1/tasks', { name: 'idem-routes', project_id: project })).key,
      (
        await keyed('/api/v1/time-entries/bulk', {
          entry_ids: [entry.body.time_entry.id],
          action: 'set_paid',
          value: true,
        })
      ).key,
      (await keyed('/api/v1/timer/start', { project_id: project })).key,
      (await keyed('/api/v1/timer/stop')).key,
      (await keyed('/api/v1/inventory/warehouses', { code: 'idem-w3', name: 'W3' })).key,
      item.key,
      (
        await keyed('/api/v1/inventory/movements', {
          movement_type: 'purchase',
          stock_item_id: item.body.item.id,
          warehouse_id: warehouse,
          quantity: 5,
        })
      ).key,
      (
        await keyed('/api/v1/inventory/transfers', {
          stock_item_id: item.body.item.id,
          from_warehouse_id: warehouse,
          to_warehouse_id: other,
          quantity: 2,
        })
      ).key,
    ];
    // A record the business transaction claimed is `committed` with it; one claimed after the
    // handler (a transaction that was not handed its request's caller) would still be `running`.
    const records = await ctx.t.dataSource.getRepository(IdempotencyKeyEntity).findBy({ key: In(claimed) });
    expect(records.map((r) => [r.key, r.state]).sort()).toEqual(claimed.map((key) => [key, 'committed']).sort());
  });

  it('should run exactly once, and replay on either, when two server processes share the key', async () => {
    const env: Record<string, string> = {
      DATABASE_URL: ctx.t.databaseUrl,
      REDIS_KEY_PREFIX: redisPrefixFor(ctx.t.databaseUrl),
    };
    if (redis) env.REDIS_URL = TEST_REDIS_URL;
    const other: ServerProcess = await startServerProcess(env);
    try {
      // The second process runs in the same setup as the first: sharing Redis, or without it.
      const health = (await (await fetch(`${other.baseUrl}/api/v1/health`)).json()) as { redis: string };
      expect(health.redis).toBe(redis ? 'ok' : 'disabled');
      expect((await ctx.t.get('/api/v1/health')).body.redis).toBe(redis ? 'ok' : 'disabled');

      const key = uniqueKey();
      const username = `two-procs-${redis ? 'redis' : 'local'}`;
      const viaOther = () => postUserWithKey(other.baseUrl, ADMIN_TOKEN, username, key);
      const viaThis = () =>
        createUser(username, key).then((r) => ({
          status: r.status,
          text: r.text,
          replayed: r.headers.get('idempotent-replayed'),
        }));
      const firsts = await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 === 0 ? viaThis() : viaOther())));
      for (const r of firsts) expect([201, 409]).toContain(r.status);
      expect(await countUsers(username)).toBe(1);

      // Once finished, both processes replay the one stored response, byte for byte.
      const ran = firsts.find((r) => r.status === 201 && r.replayed === null);
      expect(ran).toBeDefined();
      for (const replay of [await viaThis(), await viaOther()]) {
        expect(replay).toEqual({ status: 201, text: ran!.text, replayed: 'true' });
      }
      expect(await countUsers(username)).toBe(1);
    } finally {
      await other.stop();
    }
  });
});
