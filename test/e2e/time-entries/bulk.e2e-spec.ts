import { ADMIN_TOKEN, createTestContext, type TestContext } from '../../support/factories';

const SCOPES = ['read:time_entries', 'write:time_entries'];

describe('bulk actions on time entries', () => {
  let ctx: TestContext;
  const admin = { token: ADMIN_TOKEN };
  let projectId: number;
  let hour = 0;

  beforeAll(async () => {
    ctx = await createTestContext();
    projectId = (await ctx.t.post('/api/v1/projects', { name: 'Bulk' }, admin)).body.project.id as number;
  });

  afterAll(async () => {
    await ctx.close();
  });

  /** Completed one-hour entries in distinct slots. */
  const entries = async (token: string, n: number, extra: Record<string, unknown> = {}) => {
    const ids: number[] = [];
    for (let i = 0; i < n; i++) {
      const start = new Date(Date.UTC(2025, 0, 1, hour++));
      const end = new Date(start.getTime() + 3_600_000);
      const res = await ctx.t.post(
        '/api/v1/time-entries',
        { project_id: projectId, start_time: start.toISOString(), end_time: end.toISOString(), ...extra },
        { token },
      );
      ids.push(res.body.time_entry.id as number);
    }
    return ids;
  };
  const bulk = (token: string, body: Record<string, unknown>) =>
    ctx.t.post('/api/v1/time-entries/bulk', body, { token });
  const get = (token: string, id: number) =>
    ctx.t.get(`/api/v1/time-entries/${id}`, { token }).then((r) => r.body.time_entry);

  it('should set billable and paid, skipping and listing running entries', async () => {
    const { token } = await ctx.newToken({ scopes: SCOPES });
    const ids = await entries(token, 3);
    const running = (await ctx.t.post('/api/v1/timer/start', { project_id: projectId }, { token })).body.timer
      .id as number;
    const res = await bulk(token, { entry_ids: [...ids, running], action: 'set_billable', value: false });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ success: true, affected: 3, skipped: [running] });
    for (const id of ids) expect((await get(token, id)).billable).toBe(false);
    expect((await get(token, running)).billable).toBe(true);
    expect((await bulk(token, { entry_ids: ids, action: 'set_paid', value: true })).body.affected).toBe(3);
    expect((await get(token, ids[0])).paid).toBe(true);
  });

  it('should add and remove tags without duplicates', async () => {
    const { token } = await ctx.newToken({ scopes: SCOPES });
    const ids = await entries(token, 2, { tags: 'alpha' });
    expect((await bulk(token, { entry_ids: ids, action: 'add_tag', value: ' beta ' })).body.affected).toBe(2);
    await bulk(token, { entry_ids: ids, action: 'add_tag', value: 'beta' });
    expect((await get(token, ids[0])).tag_list).toEqual(['alpha', 'beta']);
    await bulk(token, { entry_ids: ids, action: 'remove_tag', value: 'ALPHA' });
    expect((await get(token, ids[1])).tags).toBe('beta');
  });

  it('should change more entries than one SQLite statement takes, with one webhook event per entry', async () => {
    const { TimeEntryEntity } = await import('../../../src/modules/time-entries/time-entry.entity');
    const { WebhookEventEntity } = await import('../../../src/modules/webhooks/webhook.entities');
    const { SQLITE_ROWS_PER_STATEMENT } = await import('../../../src/database/rows-relation');
    const { token, user } = await ctx.newToken({ scopes: SCOPES });
    const now = new Date();
    const count = SQLITE_ROWS_PER_STATEMENT + 20;
    const inserted = await ctx.t.dataSource.getRepository(TimeEntryEntity).insert(
      Array.from({ length: count }, (_, i) => ({
        userId: user.id,
        projectId,
        startTime: new Date(Date.UTC(2026, 0, 1) + i * 3_600_000),
        endTime: new Date(Date.UTC(2026, 0, 1) + i * 3_600_000 + 1_800_000),
        durationSeconds: 1800,
        tags: i % 2 === 0 ? 'keep' : null,
        createdAt: now,
        updatedAt: now,
      })),
    );
    const ids = inserted.identifiers.map((row) => Number(row.id));
    const events = async (type: string) => {
      const rows = await ctx.t.dataSource.getRepository(WebhookEventEntity).findBy({ eventType: type });
      const wanted = new Set(ids);
      return rows
        .map((row) => JSON.parse(row.payload).data as { id: number; tag_list: string[] })
        .filter((data) => wanted.has(data.id));
    };
    const tagsById = async () => {
      const rows = await ctx.t.dataSource.getRepository(TimeEntryEntity).findBy({ userId: user.id });
      return new Map(rows.map((row) => [row.id, row.tags]));
    };

    expect((await bulk(token, { entry_ids: ids, action: 'add_tag', value: 'many' })).body.affected).toBe(count);
    let tags = await tagsById();
    expect(ids.map((id) => tags.get(id))).toEqual(ids.map((_, i) => (i % 2 === 0 ? 'keep,many' : 'many')));
    const updated = await events('time_entry.updated');
    expect(updated.map((data) => data.id).sort((a, b) => a - b)).toEqual(ids);
    expect(updated.every((data) => data.tag_list.includes('many'))).toBe(true);

    // Removing an entry's only tag leaves none (NULL), the others keep theirs.
    expect((await bulk(token, { entry_ids: ids, action: 'remove_tag', value: 'many' })).body.affected).toBe(count);
    tags = await tagsById();
    expect(ids.map((id) => tags.get(id))).toEqual(ids.map((_, i) => (i % 2 === 0 ? 'keep' : null)));

    expect((await bulk(token, { entry_ids: ids, action: 'delete' })).body.affected).toBe(count);
    expect((await events('time_entry.deleted')).map((data) => data.id).sort((a, b) => a - b)).toEqual(ids);
    expect((await tagsById()).size).toBe(0);
  });

  it('should validate value per action, and the ids and action', async () => {
    const { token } = await ctx.newToken({ scopes: SCOPES });
    const ids = await entries(token, 1);
    for (const [action, value] of [
      ['set_billable', 'false'],
      ['set_paid', 1],
      ['set_billable', null],
      ['add_tag', ''],
      ['add_tag', 'a,b'],
      ['remove_tag', 5],
      ['delete', true],
    ] as const) {
      const res = await bulk(token, { entry_ids: ids, action, value });
      expect([action, value, res.status, Object.keys(res.body.errors ?? {})]).toEqual([action, value, 400, ['value']]);
    }
    const shape = await bulk(token, { entry_ids: [1, 'x'], action: 'explode' });
    expect(shape.status).toBe(400);
    expect(Object.keys(shape.body.errors).sort()).toEqual(['action', 'entry_ids']);
    expect((await bulk(token, { entry_ids: [], action: 'delete' })).status).toBe(400);
    expect((await get(token, ids[0])).billable).toBe(true);
  });

  it('should change nothing when any id is missing or not visible, naming those ids', async () => {
    const mine = await ctx.newToken({ scopes: SCOPES });
    const theirs = await ctx.newToken({ scopes: SCOPES });
    const ids = await entries(mine.token, 2);
    const [foreign] = await entries(theirs.token, 1);
    const res = await bulk(mine.token, { entry_ids: [...ids, foreign, 987654], action: 'delete' });
    expect(res.status).toBe(404);
    expect(res.body.error_code).toBe('not_found');
    expect(res.body.missing_ids).toEqual([foreign, 987654]);
    for (const id of ids) {
      expect((await ctx.t.get(`/api/v1/time-entries/${id}`, { token: mine.token })).status).toBe(200);
    }
    expect((await ctx.t.get(`/api/v1/time-entries/${foreign}`, { token: theirs.token })).status).toBe(200);
  });

  it("should delete in one go, and let an admin act on anyone's entries", async () => {
    const { token } = await ctx.newToken({ scopes: SCOPES });
    const ids = await entries(token, 3);
    const res = await bulk(ADMIN_TOKEN, { entry_ids: [ids[0], ids[1], ids[0]], action: 'delete' });
    expect(res.body).toEqual({ success: true, affected: 2, skipped: [] });
    expect((await ctx.t.get(`/api/v1/time-entries/${ids[0]}`, { token })).status).toBe(404);
    expect((await ctx.t.get(`/api/v1/time-entries/${ids[2]}`, { token })).status).toBe(200);
  });

  // Rows are locked in id order whatever the request's order, and a deadlock would be retried:
  // overlapping bulk updates in opposite orders all succeed and none loses another's change.
  it('should apply overlapping bulk updates sent in opposite id orders, all of them', async () => {
    const { token } = await ctx.newToken({ scopes: SCOPES });
    const ids = await entries(token, 6);
    const tags = Array.from({ length: 8 }, (_, i) => `race${i}`);
    const results = await Promise.all(
      tags.map((tag, i) =>
        bulk(token, { entry_ids: i % 2 === 0 ? ids : [...ids].reverse(), action: 'add_tag', value: tag }),
      ),
    );
    expect(results.map((r) => r.status)).toEqual(tags.map(() => 200));
    for (const id of ids) {
      const entry = await get(token, id);
      expect(String(entry.tags).split(',').sort()).toEqual([...tags].sort());
    }
  });
});
