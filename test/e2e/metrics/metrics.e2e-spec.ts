import { ADMIN_TOKEN, createTestContext, type TestContext } from '../../support/factories';

const METRICS_TOKEN = 'metrics-secret-0123456789';

describe('GET /metrics', () => {
  let ctx: TestContext;

  beforeAll(async () => {
    ctx = await createTestContext({ env: { METRICS_TOKEN, API_TOKEN_RATE_LIMIT_PER_MINUTE: '5' } });
  });

  afterAll(async () => {
    await ctx.close();
  });

  const scrape = () => ctx.t.get('/metrics', { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
  const value = (text: string, pattern: RegExp) => Number(pattern.exec(text)?.[1] ?? NaN);

  it('should need the METRICS_TOKEN when one is set', async () => {
    const none = await ctx.t.get('/metrics');
    expect(none.status).toBe(401);
    expect(none.body.error_code).toBe('unauthorized');
    expect((await ctx.t.get('/metrics', { headers: { authorization: 'Bearer wrong-secret-0123456789' } })).status).toBe(
      401,
    );
    expect((await ctx.t.get('/api/v1/metrics')).status).toBe(404);
  });

  it('should count requests by route and status, rate-limit rejections and idempotent replays', async () => {
    const { token } = await ctx.newToken({ scopes: ['read:users'] });
    for (let i = 0; i < 6; i++) await ctx.t.get('/api/v1/users/me', { token });
    const key = { 'idempotency-key': 'metrics-replay' };
    await ctx.t.post('/api/v1/users', { username: 'metrics_user' }, { token: ADMIN_TOKEN, headers: key });
    await ctx.t.post('/api/v1/users', { username: 'metrics_user' }, { token: ADMIN_TOKEN, headers: key });
    const res = await scrape();
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(
      value(res.text, /tt_http_requests_total\{method="GET",route="\/api\/v1\/users\/me",status="200"\} (\d+)/),
    ).toBe(5);
    expect(
      value(res.text, /tt_http_requests_total\{method="GET",route="\/api\/v1\/users\/me",status="429"\} (\d+)/),
    ).toBe(1);
    expect(value(res.text, /tt_rate_limit_rejections_total (\d+)/)).toBe(1);
    expect(value(res.text, /tt_idempotent_replays_total (\d+)/)).toBe(1);
    expect(res.text).toMatch(
      /tt_http_request_duration_seconds_bucket\{le="0.1",method="GET",route="\/api\/v1\/users\/me",status="200"\} \d+/,
    );
    expect(res.text).toMatch(/tt_db_pool_connections\{state="total"\} \d+/);
    expect(res.text).toMatch(/tt_webhook_deliveries_total/);
    expect(res.text).toMatch(/\nprocess_cpu_user_seconds_total/);
  });
});
