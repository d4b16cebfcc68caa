import { ADMIN_TOKEN, createTestContext, type TestContext } from '../../support/factories';
import { createTestApp, type TestApp } from '../../support/test-app';
import { createFreshDatabase } from '../../support/test-databases';

jest.setTimeout(60_000);

const OTHER_TOKEN = 'tt_OtherTokenOtherTokenOtherToken12';

const messages = (t: TestApp) => t.logs.map((l) => ({ level: l.level as number, msg: String(l.msg) }));
const WARN = 40;

describe('first start: how to get the first token', () => {
  let databaseUrl: string;
  const apps: TestApp[] = [];
  const start = async (env: Record<string, string> = {}) => {
    const t = await createTestApp({ databaseUrl, env });
    apps.push(t);
    return t;
  };

  beforeAll(async () => {
    databaseUrl = await createFreshDatabase();
  });

  afterEach(async () => {
    await Promise.all(apps.splice(0).map((t) => t.close()));
  });

  it('should say how to create the first token when there are no users and no bootstrap token', async () => {
    const t = await start();
    const hint = messages(t).find((m) => m.msg.includes('npm run cli -- users:create'));
    expect(hint).toMatchObject({ level: WARN });
    expect(hint?.msg).toContain('BOOTSTRAP_ADMIN_TOKEN');
  });

  it('should log the 8-character prefix of the bootstrap token it uses, never the token', async () => {
    const t = await start({ BOOTSTRAP_ADMIN_TOKEN: ADMIN_TOKEN });
    const line = messages(t).find((m) => m.msg.startsWith('bootstrap: created user "admin"'));
    expect(line?.msg).toContain(`${ADMIN_TOKEN.slice(0, 8)}...`);
    expect(t.rawLogs.join('\n')).not.toContain(ADMIN_TOKEN);
    expect((await t.get('/api/v1/users/me', { token: ADMIN_TOKEN })).status).toBe(200);
  });

  it('should say the bootstrap token is in place on a restart with the same token', async () => {
    const t = await start({ BOOTSTRAP_ADMIN_TOKEN: ADMIN_TOKEN });
    expect(messages(t)).toContainEqual(
      expect.objectContaining({ msg: expect.stringContaining(`${ADMIN_TOKEN.slice(0, 8)}... is in place`) }),
    );
    expect(messages(t).filter((m) => m.level >= WARN && m.msg.includes('BOOTSTRAP_ADMIN_TOKEN'))).toEqual([]);
  });

  it('should warn, naming the variable, when another bootstrap token is ignored because users exist', async () => {
    const t = await start({ BOOTSTRAP_ADMIN_TOKEN: OTHER_TOKEN });
    const warning = messages(t).find((m) => m.level === WARN && m.msg.includes('BOOTSTRAP_ADMIN_TOKEN'));
    expect(warning?.msg).toMatch(/ignored: users already exist/);
    expect(warning?.msg).toContain(`${OTHER_TOKEN.slice(0, 8)}...`);
    expect(warning?.msg).toContain('npm run cli -- tokens:create');
    expect(t.rawLogs.join('\n')).not.toContain(OTHER_TOKEN);
    expect((await t.get('/api/v1/users/me', { token: OTHER_TOKEN })).status).toBe(401);
  });
});

describe('liveness and readiness probes', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });

  afterAll(async () => {
    await t.close();
  });

  it('should answer liveness without touching the database', async () => {
    await t.dataSource.destroy();
    try {
      const live = await t.get('/api/v1/health/live');
      expect(live.status).toBe(200);
      expect(live.body).toMatchObject({ status: 'alive' });
      const ready = await t.get('/api/v1/health/ready');
      expect(ready.status).toBe(503);
      expect(ready.body).toMatchObject({ error_code: 'service_unavailable', status: 'not_ready', database: 'error' });
    } finally {
      await t.dataSource.initialize();
    }
  });

  it('should be ready while the database answers', async () => {
    const ready = await t.get('/api/v1/health/ready');
    expect(ready.status).toBe(200);
    expect(ready.body).toMatchObject({ status: 'ready', database: 'ok', redis: 'disabled' });
  });

  it('should answer 503 draining once shutdown has begun', async () => {
    const { SystemService } = await import('../../../src/modules/system/system.service');
    t.app.get(SystemService).onModuleDestroy();
    const ready = await t.get('/api/v1/health/ready');
    expect(ready.status).toBe(503);
    expect(ready.body).toMatchObject({ status: 'draining', error_code: 'service_unavailable' });
    expect(ready.headers.get('retry-after')).toBe('5');
    expect((await t.get('/api/v1/health/live')).status).toBe(200);
  });
});

describe('enabled modules on /info and /users/me', () => {
  let ctx: TestContext;

  beforeAll(async () => {
    ctx = await createTestContext();
  });

  afterAll(async () => {
    await ctx.close();
  });

  it('should list every module, inventory while it is enabled and not after an admin switches it off', async () => {
    const info = await ctx.t.get('/api/v1/info');
    expect(info.body.enabled_modules).toEqual(expect.arrayContaining(['time_entries', 'webhooks', 'inventory']));
    expect(info.body.endpoints).toMatchObject({
      webhooks: '/api/v1/webhooks',
      inventory: '/api/v1/inventory',
      admin_api_tokens: '/api/v1/admin/api-tokens',
    });
    const me = await ctx.t.get('/api/v1/users/me', { token: ctx.adminToken });
    expect(me.body.enabled_modules).toEqual(info.body.enabled_modules);

    const off = await ctx.t.patch('/api/v1/admin/settings', { inventory_enabled: false }, { token: ctx.adminToken });
    expect(off.status).toBe(200);
    const after = await ctx.t.get('/api/v1/info');
    expect(after.body.enabled_modules).not.toContain('inventory');
    expect(after.body.endpoints.inventory).toBeUndefined();
    const meAfter = await ctx.t.get('/api/v1/users/me', { token: ctx.adminToken });
    expect(meAfter.body.enabled_modules).toEqual(after.body.enabled_modules);
  });
});
