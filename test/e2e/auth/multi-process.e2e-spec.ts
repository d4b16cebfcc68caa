import { ADMIN_TOKEN, createTestContext, type TestContext } from '../../support/factories';
import { type ServerProcess, startServerProcess } from '../../support/server-process';
import { redisPrefixFor } from '../../support/test-app';
import { TEST_REDIS_URL } from '../../support/test-databases';

jest.setTimeout(120_000);

/** Revocation, rotation and deactivation made through one process take effect on another within 1 s. */
describe('token changes across two server processes', () => {
  let ctx: TestContext;
  let other: ServerProcess;

  beforeAll(async () => {
    ctx = await createTestContext({ redis: true });
    other = await startServerProcess({
      DATABASE_URL: ctx.t.databaseUrl,
      REDIS_KEY_PREFIX: redisPrefixFor(ctx.t.databaseUrl),
      ...(TEST_REDIS_URL ? { REDIS_URL: TEST_REDIS_URL } : {}),
    });
  });

  afterAll(async () => {
    await other?.stop();
    await ctx?.close();
  });

  const meOnOther = async (token: string) =>
    (await fetch(`${other.baseUrl}/api/v1/users/me`, { headers: { authorization: `Bearer ${token}` } })).status;

  const within1s = async (token: string) => {
    await new Promise((r) => setTimeout(r, 1000));
    return meOnOther(token);
  };

  it('should refuse a revoked token on the other process within 1 s', async () => {
    const { token, id } = await ctx.newToken({ scopes: ['read:users'] });
    expect(await meOnOther(token)).toBe(200);
    expect((await ctx.t.delete(`/api/v1/admin/api-tokens/${id}`, { token: ADMIN_TOKEN })).status).toBe(200);
    expect(await within1s(token)).toBe(401);
  });

  it('should refuse the old token after rotation on the other process within 1 s', async () => {
    const { token, id } = await ctx.newToken({ scopes: ['read:users'] });
    expect(await meOnOther(token)).toBe(200);
    const rotated = await ctx.t.post(`/api/v1/admin/api-tokens/${id}/rotate`, undefined, { token: ADMIN_TOKEN });
    expect(rotated.status).toBe(201);
    expect(await within1s(token)).toBe(401);
    expect(await meOnOther(rotated.body.token as string)).toBe(200);
  });

  it('should refuse a deactivated user on the other process within 1 s', async () => {
    const { token, user } = await ctx.newToken({ scopes: ['read:users'] });
    expect(await meOnOther(token)).toBe(200);
    expect((await ctx.t.patch(`/api/v1/users/${user.id}`, { is_active: false }, { token: ADMIN_TOKEN })).status).toBe(
      200,
    );
    expect(await within1s(token)).toBe(401);
  });

  it('should exit 0 on SIGTERM', async () => {
    expect(await other.stop('SIGTERM')).toBe(0);
  });
});
