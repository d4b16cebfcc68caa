import { connect } from 'node:net';
import { ADMIN_TOKEN, createTestContext, type TestContext } from '../../support/factories';

const ENVELOPE_KEYS = ['error', 'error_code', 'message', 'request_id'];

describe('error envelope and request limits', () => {
  let ctx: TestContext;

  beforeAll(async () => {
    ctx = await createTestContext();
  });

  afterAll(async () => {
    await ctx.close();
  });

  const post = (body: string, contentType = 'application/json') =>
    ctx.t.request('POST', '/api/v1/users', {
      token: ADMIN_TOKEN,
      rawBody: body,
      headers: { 'content-type': contentType },
    });

  it('should answer an unknown route with 404 not_found and a request id', async () => {
    const res = await ctx.t.get('/api/v1/no-such-thing');
    expect(res.status).toBe(404);
    expect(Object.keys(res.body).sort()).toEqual(ENVELOPE_KEYS);
    expect(res.body.error_code).toBe('not_found');
    expect(res.headers.get('x-request-id')).toBe(res.body.request_id);
  });

  it('should echo a sane X-Request-ID and replace an insane one', async () => {
    const echoed = await ctx.t.get('/api/v1/info', { headers: { 'x-request-id': 'client-req.42' } });
    expect(echoed.headers.get('x-request-id')).toBe('client-req.42');
    const replaced = await ctx.t.get('/api/v1/nowhere', { headers: { 'x-request-id': 'bad id <script>' } });
    expect(replaced.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(replaced.body.request_id).toBe(replaced.headers.get('x-request-id'));
  });

  it('should answer malformed JSON with 400 bad_request', async () => {
    const res = await post('{"username": "x",');
    expect(res.status).toBe(400);
    expect(res.body.error_code).toBe('bad_request');
    expect(Object.keys(res.body).sort()).toEqual(ENVELOPE_KEYS);
  });

  it('should refuse a JSON array or scalar body as a validation error', async () => {
    for (const body of ['[1,2]', '"text"', '42']) {
      const res = await post(body);
      expect(res.status).toBe(400);
      expect(res.body.error_code).toBe('validation_error');
      expect(res.body.errors.body).toBeDefined();
    }
  });

  it('should refuse U+0000 and unpaired surrogates in bodies and query strings as validation errors', async () => {
    const created = await post('{"username": "nul\\u0000user", "full_name": "half \\ud800 pair", "email": "a@b.co"}');
    expect(created.status).toBe(400);
    expect(created.body.error_code).toBe('validation_error');
    expect(created.body.errors).toEqual({
      username: ['username must be text without U+0000 or unpaired surrogates'],
      full_name: ['full_name must be text without U+0000 or unpaired surrogates'],
    });
    const bulk = await ctx.t.post(
      '/api/v1/time-entries/bulk',
      { action: 'add_tag', entry_ids: [1], value: 'x\u0000' },
      { token: ADMIN_TOKEN },
    );
    expect(bulk.status).toBe(400);
    expect(Object.keys(bulk.body.errors)).toEqual(['value']);
    const nested = await ctx.t.post(
      '/api/v1/webhooks',
      { url: 'https://example.com/hook', events: ['project.created', 'x\u0000'] },
      { token: ADMIN_TOKEN },
    );
    expect(nested.status).toBe(400);
    expect(nested.body.errors['events.1']).toEqual(['1 must be text without U+0000 or unpaired surrogates']);
    for (const path of ['/api/v1/users', '/api/v1/clients', '/api/v1/projects', '/api/v1/search']) {
      const res = await ctx.t.get(path, { token: ADMIN_TOKEN, query: { q: 'ab\u0000' } });
      expect(res.status).toBe(400);
      expect(Object.keys(res.body.errors)).toEqual(['q']);
    }
    const users = await ctx.t.get('/api/v1/users', { token: ADMIN_TOKEN, query: { q: 'nul' } });
    expect(users.body.users).toEqual([]);
    // Text outside the Basic Multilingual Plane is a surrogate pair, and welcome.
    const emoji = await ctx.t.get('/api/v1/users', { token: ADMIN_TOKEN, query: { q: '\u{1F600}' } });
    expect(emoji.status).toBe(200);
  });

  it('should answer what the HTTP parser refuses (oversized headers, a malformed request) in the envelope', async () => {
    /** Writes `raw` on a fresh connection: the status line and the parsed body of the answer. */
    const send = (raw: string) =>
      new Promise<{ statusLine: string; body: any }>((resolve, reject) => {
        const { port } = new URL(ctx.t.baseUrl);
        const socket = connect(Number(port), '127.0.0.1', () => socket.write(raw));
        let answer = '';
        socket.on('data', (chunk) => (answer += chunk.toString()));
        socket.on('error', () => undefined);
        socket.on('close', () => {
          const [head, body] = answer.split('\r\n\r\n');
          try {
            resolve({ statusLine: head.split('\r\n')[0], body: JSON.parse(body) });
          } catch (error) {
            reject(new Error(`not a JSON answer: ${answer.slice(0, 200)}`, { cause: error }));
          }
        });
      });
    const big = await send(`GET /api/v1/health HTTP/1.1\r\nHost: a\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`);
    expect(big.statusLine).toBe('HTTP/1.1 431 Request Header Fields Too Large');
    expect(Object.keys(big.body).sort()).toEqual(ENVELOPE_KEYS);
    expect(big.body.error_code).toBe('bad_request');
    const garbled = await send('NOT HTTP AT ALL\r\n\r\n');
    expect(garbled.statusLine).toBe('HTTP/1.1 400 Bad Request');
    expect(garbled.body).toMatchObject({ error_code: 'bad_request', message: 'The request is not valid HTTP.' });
    expect(big.body.request_id).not.toBe(garbled.body.request_id);
    // The server still answers.
    expect((await ctx.t.get('/api/v1/health')).status).toBe(200);
  });

  it('should answer a path the router cannot decode, or an id longer than it takes, with 404 not_found', async () => {
    for (const path of ['/api/v1/users/%zz', '/api/v1/%', `/api/v1/projects/${'9'.repeat(201)}`]) {
      const res = await ctx.t.get(path, { token: ADMIN_TOKEN });
      expect([path, res.status]).toEqual([path, 404]);
      expect(Object.keys(res.body).sort()).toEqual(ENVELOPE_KEYS);
      expect(res.body.error_code).toBe('not_found');
      expect(res.headers.get('x-request-id')).toBe(res.body.request_id);
    }
  });

  it('should answer a path id that is not written canonically with 404, even when it reads as an existing id', async () => {
    const admin = { token: ADMIN_TOKEN };
    const created = await ctx.t.post('/api/v1/projects', { name: 'Canonical ids' }, admin);
    const id = created.body.project.id as number;
    // Nest's primitive conversion once read each of these as the id itself: `/projects/1%20` was project 1.
    const spellings = [`${id}%20`, `%20${id}`, `${id}%09`, `0${id}`, `+${id}`, `%2B${id}`, `${id}.0`, `${id}e0`];
    for (const spelling of [...spellings, `0x${id.toString(16)}`, `0b${id.toString(2)}`]) {
      const path = `/api/v1/projects/${spelling}`;
      for (const res of [
        await ctx.t.get(path, admin),
        await ctx.t.patch(path, { name: 'hijacked' }, admin),
        await ctx.t.delete(path, admin),
      ]) {
        expect([spelling, res.status, res.body.error_code]).toEqual([spelling, 404, 'not_found']);
      }
    }
    const after = await ctx.t.get(`/api/v1/projects/${id}`, admin);
    expect(after.body.project).toMatchObject({ name: 'Canonical ids', status: 'active' });
  });

  it('should refuse ids past the int4 range in bodies and queries with 400 naming the field, and in paths with 404', async () => {
    const admin = { token: ADMIN_TOKEN };
    const tooBig = 2 ** 31;
    const bulk = await ctx.t.post('/api/v1/time-entries/bulk', { entry_ids: [tooBig], action: 'delete' }, admin);
    expect([bulk.status, bulk.body.error_code, Object.keys(bulk.body.errors ?? {})]).toEqual([
      400,
      'validation_error',
      ['entry_ids'],
    ]);
    const token = await ctx.t.post(
      '/api/v1/admin/api-tokens',
      { name: 'far user', user_id: tooBig, scopes: ['read:projects'] },
      admin,
    );
    expect([token.status, token.body.error_code, Object.keys(token.body.errors ?? {})]).toEqual([
      400,
      'validation_error',
      ['user_id'],
    ]);
    const list = await ctx.t.get('/api/v1/admin/api-tokens', { ...admin, query: { user_id: tooBig } });
    expect([list.status, list.body.error_code, Object.keys(list.body.errors ?? {})]).toEqual([
      400,
      'validation_error',
      ['user_id'],
    ]);
    for (const path of [`/api/v1/projects/${tooBig}`, `/api/v1/admin/api-tokens/${tooBig}`]) {
      const res = await ctx.t.get(path, admin);
      expect([path, res.status, res.body.error_code]).toEqual([path, 404, 'not_found']);
    }
    // The largest int4 is an id like any other, which names nothing here.
    const largest = 2 ** 31 - 1;
    const bulkLargest = await ctx.t.post(
      '/api/v1/time-entries/bulk',
      { entry_ids: [largest], action: 'delete' },
      admin,
    );
    expect([bulkLargest.status, bulkLargest.body.error_code]).toEqual([404, 'not_found']);
    const tokenLargest = await ctx.t.post(
      '/api/v1/admin/api-tokens',
      { name: 'far user', user_id: largest, scopes: ['read:projects'] },
      admin,
    );
    expect([tokenLargest.status, tokenLargest.body.error_code]).toEqual([404, 'not_found']);
    const listLargest = await ctx.t.get('/api/v1/admin/api-tokens', { ...admin, query: { user_id: largest } });
    expect([listLargest.status, listLargest.body.api_tokens]).toEqual([200, []]);
  });

  it('should refuse an amount past its decimal(12,2) column with 400 and store the largest one it holds', async () => {
    const admin = { token: ADMIN_TOKEN };
    const over = await ctx.t.post('/api/v1/projects', { name: 'Dear', hourly_rate: 1e10 }, admin);
    expect([over.status, over.body.error_code, Object.keys(over.body.errors ?? {})]).toEqual([
      400,
      'validation_error',
      ['hourly_rate'],
    ]);
    const largest = await ctx.t.post('/api/v1/projects', { name: 'Dear', hourly_rate: 9_999_999_999.99 }, admin);
    expect([largest.status, largest.body.project?.hourly_rate]).toEqual([201, 9_999_999_999.99]);
  });

  it('should refuse __proto__, constructor and prototype keys as unknown fields, and create or change nothing', async () => {
    const admin = { token: ADMIN_TOKEN };
    const send = (method: string, path: string, rawBody: string) =>
      ctx.t.request(method, path, { ...admin, rawBody, headers: { 'content-type': 'application/json' } });
    const projectNames = async () =>
      (await ctx.t.get('/api/v1/projects', { ...admin, query: { status: 'all', per_page: 100 } })).body.projects.map(
        (p: { name: string }) => p.name,
      );
    const project = (await ctx.t.post('/api/v1/projects', { name: 'Proto target' }, admin)).body.project.id as number;

    const polluted = await send('POST', '/api/v1/projects', '{"__proto__": {"isAdmin": true}, "name": "p1"}');
    expect([polluted.status, polluted.body.error_code, polluted.body.errors]).toEqual([
      400,
      'validation_error',
      { ['__proto__']: ['Unknown field.'] },
    ]);
    const ctor = await send('POST', '/api/v1/projects', '{"constructor": {"prototype": {"x": 1}}, "name": "p2"}');
    expect(ctor.body.errors).toEqual({ constructor: ['Unknown field.'] });
    const proto = await send('POST', '/api/v1/projects', '{"prototype": {}, "name": "p3"}');
    expect(proto.body.errors).toEqual({ prototype: ['Unknown field.'] });
    // Named beside the body's other errors, not instead of them.
    const both = await send('POST', '/api/v1/projects', '{"__proto__": {}, "name": ""}');
    expect(Object.keys(both.body.errors).sort()).toEqual(['__proto__', 'name']);
    expect(await projectNames()).not.toEqual(expect.arrayContaining(['p1']));
    expect(await projectNames()).not.toEqual(expect.arrayContaining(['p2']));

    const entry = await send(
      'POST',
      '/api/v1/time-entries',
      JSON.stringify({
        project_id: project,
        start_time: '2024-03-01T09:00:00Z',
        end_time: '2024-03-01T10:00:00Z',
      }).replace(/^\{/, '{"__proto__": {"user_id": 999}, '),
    );
    expect([entry.status, entry.body.errors]).toEqual([400, { ['__proto__']: ['Unknown field.'] }]);
    const entries = await ctx.t.get('/api/v1/time-entries', { ...admin, query: { project_id: project } });
    expect(entries.body.time_entries).toEqual([]);

    const patched = await send(
      'PATCH',
      `/api/v1/projects/${project}`,
      '{"name": "renamed", "constructor": {"name": "x"}}',
    );
    expect([patched.status, patched.body.errors]).toEqual([400, { constructor: ['Unknown field.'] }]);
    const nested = await send(
      'POST',
      '/api/v1/time-entries/bulk',
      '{"entry_ids": [1], "action": "add_tag", "value": {"__proto__": {}}}',
    );
    expect([nested.status, nested.body.errors?.['value.__proto__']]).toEqual([400, ['Unknown field.']]);
    expect((await ctx.t.get(`/api/v1/projects/${project}`, admin)).body.project.name).toBe('Proto target');
  });

  it('should refuse a body over 1 MiB with 413', async () => {
    const res = await post(JSON.stringify({ username: 'big', full_name: 'x'.repeat(1024 * 1024) }));
    expect(res.status).toBe(413);
    expect(res.body.error_code).toBe('payload_too_large');
  });

  it('should refuse JSON nested deeper than 32 with 400 and accept depth 32', async () => {
    const nest = (depth: number) => `{"username":"deep","x":${'['.repeat(depth - 1)}${']'.repeat(depth - 1)}}`;
    const tooDeep = await post(nest(33));
    expect(tooDeep.status).toBe(400);
    expect(tooDeep.body.error_code).toBe('bad_request');
    expect(tooDeep.body.message).toMatch(/deeper than 32/);
    const atLimit = await post(nest(32));
    expect(atLimit.status).toBe(400);
    expect(atLimit.body.error_code).toBe('validation_error');
    expect(atLimit.body.errors.x).toEqual(['Unknown field.']);
    const hostile = await post('['.repeat(100_000));
    expect(hostile.status).toBe(400);
  });

  it('should answer a content type it cannot read with 415', async () => {
    for (const type of ['text/plain', 'application/xml', 'application/x-www-form-urlencoded']) {
      const res = await post('username=x', type);
      expect(res.status).toBe(415);
      expect(res.body.error_code).toBe('unsupported_media_type');
    }
  });

  it('should never expose stack traces or SQL', async () => {
    const res = await post('{"username": 12}');
    expect(res.status).toBe(400);
    expect(res.text).not.toMatch(/at .*\.(ts|js):\d+|SELECT|INSERT/);
  });

  it('should serve the OpenAPI document and Swagger UI', async () => {
    const json = await ctx.t.get('/api/docs-json');
    expect(json.status).toBe(200);
    expect(json.body.openapi).toMatch(/^3\./);
    expect(json.body.paths['/api/v1/users/me'].get.operationId).toBe('getCurrentUser');
    expect(json.body.paths['/api/v1/users/me'].get['x-required-scopes']).toEqual(['read:users']);
    const createUser = json.body.paths['/api/v1/users'].post;
    expect(createUser.parameters.map((p: { name: string }) => p.name)).toContain('Idempotency-Key');
    expect(Object.keys(createUser.responses)).toEqual(
      expect.arrayContaining(['201', '400', '401', '403', '409', '422', '429']),
    );
    expect(json.body.paths['/api/v1/health'].get.responses['429']).toBeUndefined();
    const ui = await ctx.t.get('/api/docs');
    expect(ui.status).toBe(200);
    expect(ui.text).toContain('swagger');
  });
});
