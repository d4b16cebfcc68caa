import { syncProjects } from '../../../examples/sync-client';
import { ADMIN_TOKEN, createTestContext, type TestContext } from '../../support/factories';

describe('examples/sync-client.ts', () => {
  let ctx: TestContext;
  const admin = { token: ADMIN_TOKEN };

  beforeAll(async () => {
    ctx = await createTestContext();
  });

  afterAll(async () => {
    await ctx.close();
  });

  it('should copy the projects once, then keep the copy equal to the lists through the feed', async () => {
    const { token } = await ctx.newToken({ scopes: ['read:projects'] });
    const first = (await ctx.t.post('/api/v1/projects', { name: 'Synced 1' }, admin)).body.project;
    let mirror = await syncProjects(ctx.t.baseUrl, token, null);
    expect([...mirror.projects.keys()]).toEqual([first.id]);
    const second = (await ctx.t.post('/api/v1/projects', { name: 'Synced 2' }, admin)).body.project;
    await ctx.t.patch(`/api/v1/projects/${first.id}`, { name: 'Synced 1 renamed' }, admin);
    await ctx.t.delete(`/api/v1/projects/${second.id}`, admin);
    mirror = await syncProjects(ctx.t.baseUrl, token, mirror);
    const listed = await ctx.t.get('/api/v1/projects', { ...admin, query: { status: 'all' } });
    const byId = new Map((listed.body.projects as Array<{ id: number }>).map((p) => [p.id, p]));
    expect(new Map([...mirror.projects].sort(([a], [b]) => a - b))).toEqual(
      new Map([...byId].sort(([a], [b]) => a - b)),
    );
    expect(mirror.projects.get(first.id)?.name).toBe('Synced 1 renamed');
  });
});
