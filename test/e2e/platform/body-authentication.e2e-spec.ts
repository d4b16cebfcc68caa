import { type ClientRequest, request as httpRequest } from 'node:http';
import { TokenAuthenticator } from '../../../src/modules/api-tokens/token-authenticator.service';
import { ADMIN_TOKEN, createTestContext, type TestContext } from '../../support/factories';

jest.setTimeout(120_000);

const IMPORT_URL = '/api/v1/time-entries/import-csv';
const DECLARED_BYTES = 10 * 1024 * 1024;
const FIRST_CHUNK = Buffer.alloc(64 * 1024, 'a');
const BOUNDARY = 'tt-boundary-4e1f';

interface RawAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: any;
}

const open = new Set<ClientRequest>();

/**
 * Declares a 10 MiB body, sends its first 64 KiB and no more, and resolves with the answer. A
 * server that reads the body before it authenticates never answers: the test then times out.
 */
function sendHeadOfLargeBody(baseUrl: string, headers: Record<string, string>, first = FIRST_CHUNK) {
  return new Promise<RawAnswer>((resolve, reject) => {
    const req = httpRequest(`${baseUrl}${IMPORT_URL}`, {
      method: 'POST',
      headers: { ...headers, 'content-length': String(DECLARED_BYTES) },
    });
    open.add(req);
    req.on('close', () => open.delete(req));
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text ? JSON.parse(text) : null });
        req.destroy();
      });
    });
    // The server may close the connection once it has answered; only a failure before that counts.
    req.on('error', (error) => reject(error));
    req.write(first);
  });
}

const multipartHead = Buffer.concat([
  Buffer.from(
    `--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="big.csv"\r\n` +
      'Content-Type: text/csv\r\n\r\nproject_id,start_time,end_time\r\n',
  ),
  FIRST_CHUNK,
]);

describe('authentication before the body is read', () => {
  let ctx: TestContext;

  beforeAll(async () => {
    ctx = await createTestContext({ env: { AUTH_FAILURE_LIMIT_PER_MINUTE: '5' } });
  });

  afterAll(async () => {
    for (const req of open) req.destroy();
    await ctx.close();
  });

  const expectUnauthorized = (answer: RawAnswer, message: RegExp) => {
    expect(answer.status).toBe(401);
    expect(answer.headers['www-authenticate']).toBe('Bearer');
    expect(answer.headers.connection).toBe('close');
    expect(answer.body.error_code).toBe('unauthorized');
    expect(answer.body.message).toMatch(message);
    expect(answer.body.request_id).toBe(answer.headers['x-request-id']);
  };

  it('should answer 401 to a 10 MiB text/csv upload without a token before reading its body', async () => {
    const answer = await sendHeadOfLargeBody(ctx.t.baseUrl, { 'content-type': 'text/csv' });
    expectUnauthorized(answer, /Provide an API token/);
  });

  it('should answer 401 to a 10 MiB multipart upload with an unknown token before reading its body', async () => {
    const answer = await sendHeadOfLargeBody(
      ctx.t.baseUrl,
      {
        'content-type': `multipart/form-data; boundary=${BOUNDARY}`,
        authorization: `Bearer tt_${'x'.repeat(32)}`,
      },
      multipartHead,
    );
    expectUnauthorized(answer, /invalid/);
  });

  it('should refuse a body without a token before parsing it (401 before 400 and 413)', async () => {
    const malformed = await ctx.t.request('POST', '/api/v1/projects', {
      rawBody: '{"name": ',
      headers: { 'content-type': 'application/json' },
    });
    expect(malformed.status).toBe(401);
    expect(malformed.body.error_code).toBe('unauthorized');
    const oversized = await ctx.t.request('POST', '/api/v1/projects', {
      rawBody: JSON.stringify({ name: 'x'.repeat(2 * 1024 * 1024) }),
      headers: { 'content-type': 'application/json' },
    });
    expect(oversized.status).toBe(401);
  });

  it('should authenticate an upload with a valid token once and import a CSV over 1 MiB', async () => {
    const project = await ctx.t.post('/api/v1/projects', { name: 'Large upload' }, { token: ADMIN_TOKEN });
    const { token } = await ctx.newToken({ scopes: ['write:time_entries'] });
    const rows = ['project_id,start_time,end_time,notes'];
    for (let i = 0; i < 400; i++) {
      const start = new Date(Date.UTC(2025, 0, 1) + i * 3_600_000);
      const end = new Date(start.getTime() + 1_800_000);
      rows.push(`${project.body.project.id},${start.toISOString()},${end.toISOString()},${'n'.repeat(4000)}`);
    }
    const csv = rows.join('\n');
    expect(Buffer.byteLength(csv)).toBeGreaterThan(1.5 * 1024 * 1024);
    const authenticate = jest.spyOn(ctx.t.app.get(TokenAuthenticator), 'authenticate');
    try {
      const res = await ctx.t.request('POST', IMPORT_URL, {
        token,
        rawBody: csv,
        headers: { 'content-type': 'text/csv' },
      });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ created: 400, failed: 0 });
      expect(authenticate).toHaveBeenCalledTimes(1);
    } finally {
      authenticate.mockRestore();
    }
  });

  it('should count unauthenticated uploads as failed authentications (429 beyond the limit)', async () => {
    // Earlier tests of this file failed from the same address within the minute too.
    const statuses: number[] = [];
    let last: RawAnswer | undefined;
    for (let i = 0; i < 6; i++) {
      last = await sendHeadOfLargeBody(ctx.t.baseUrl, { 'content-type': 'text/csv' });
      statuses.push(last.status);
    }
    expect(statuses.every((s) => s === 401 || s === 429)).toBe(true);
    const limited = statuses.indexOf(429);
    expect(limited).toBeGreaterThanOrEqual(0);
    expect(statuses.slice(limited).every((s) => s === 429)).toBe(true);
    expect(last!.headers['retry-after']).toBe('60');
    expect(last!.body.error_code).toBe('rate_limited');
    // A valid token is never affected.
    const ok = await ctx.t.request('POST', IMPORT_URL, {
      token: ADMIN_TOKEN,
      rawBody: 'project_id,start_time,end_time\n',
      headers: { 'content-type': 'text/csv' },
      query: { dry_run: true },
    });
    expect(ok.status).not.toBe(429);
    expect(ok.status).not.toBe(401);
  });
});
