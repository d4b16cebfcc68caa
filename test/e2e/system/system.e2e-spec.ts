import { createTestApp, type TestApp } from '../../support/test-app';
import { TEST_REDIS_URL } from '../../support/test-databases';

describe('system endpoints', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });

  afterAll(async () => {
    await t.close();
  });

  it('should report healthy with the database ok and redis disabled', async () => {
    const res = await t.get('/api/v1/health');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'healthy', database: 'ok', redis: 'disabled' });
    expect(res.body.timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  });

  it('should describe the API on /info without a token', async () => {
    const res = await t.get('/api/v1/info');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      api_version: 'v1',
      documentation_url: '/api/docs',
      endpoints: { projects: '/api/v1/projects', time_entries: '/api/v1/time-entries' },
    });
    expect(res.body.app_version).toMatch(/^\d+\.\d+\.\d+/);
  });
});

const withRedis = TEST_REDIS_URL ? describe : describe.skip;

withRedis('system endpoints with Redis configured', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ redis: true });
  });

  afterAll(async () => {
    await t.close();
  });

  it('should report redis ok when it answers', async () => {
    const res = await t.get('/api/v1/health');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'healthy', database: 'ok', redis: 'ok' });
  });
});
