import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ADMIN_TOKEN, createTestContext, type TestContext } from '../../support/factories';

const URL = '/api/v1/time-entries/import-csv';
const IMPORTER = ['read:time_entries', 'write:time_entries', 'read:projects', 'write:projects'];
const fixture = (name: string) => readFileSync(join(__dirname, '../../fixtures', name));

interface Entry {
  project: string | null;
  client: string | null;
  task: string | null;
  start_time: string;
  end_time: string;
  duration_seconds: number;
  notes: string | null;
  tag_list: string[];
  billable: boolean;
  user_id: number;
}

/**
 * Contract §13: the detailed exports of Toggl Track and Clockify, as those tools write them
 * (test/fixtures: Toggl with its BOM, Clockify quoted, CRLF, US dates and 12-hour times), import
 * as they are, with the zone and date format given.
 */
describe('CSV import from other trackers', () => {
  let ctx: TestContext;
  const admin = { token: ADMIN_TOKEN };

  beforeAll(async () => {
    ctx = await createTestContext();
  });

  afterAll(async () => {
    await ctx.close();
  });

  const post = (token: string, csv: Buffer | string, query: Record<string, string>) =>
    ctx.t.request('POST', URL, { token, rawBody: csv, query, headers: { 'content-type': 'text/csv' } });
  const entries = async (token: string) => {
    const res = await ctx.t.get('/api/v1/time-entries', { token, query: { sort: 'start_time', per_page: 100 } });
    return (res.body.time_entries as Entry[]).map((e) => ({
      project: e.project,
      client: e.client,
      task: e.task,
      start: e.start_time,
      end: e.end_time,
      seconds: e.duration_seconds,
      notes: e.notes,
      tags: e.tag_list,
      billable: e.billable,
    }));
  };
  const names = async (path: string, key: string) =>
    ((await ctx.t.get(path, { ...admin, query: { per_page: 100 } })).body[key] as Array<{ name: string }>).map(
      (x) => x.name,
    );

  it("should import Toggl Track's detailed export in its zone, creating what it names with create_missing", async () => {
    const { token, user } = await ctx.newToken({ scopes: IMPORTER });
    const res = await post(token, fixture('toggl-detailed.csv'), { tz: 'Europe/Berlin', create_missing: 'true' });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ created: 4, failed: 0, errors: [], dry_run: false });
    expect(await entries(token)).toEqual([
      {
        project: 'Website Redesign',
        client: 'Acme Corp',
        task: 'Homepage',
        start: '2024-03-04T08:00:00Z',
        end: '2024-03-04T09:30:00Z',
        seconds: 5400,
        notes: 'Hero section, first draft',
        tags: ['design', 'frontend'],
        billable: true,
      },
      {
        project: 'Website Redesign',
        client: 'Acme Corp',
        task: null,
        start: '2024-03-04T09:30:00Z',
        end: '2024-03-04T09:45:00Z',
        seconds: 900,
        notes: 'Standup',
        tags: [],
        billable: false,
      },
      {
        // Across midnight: the end date is the next day's.
        project: 'Migration',
        client: 'Globex',
        task: 'Data import',
        start: '2024-03-05T22:00:00Z',
        end: '2024-03-06T00:15:00Z',
        seconds: 8100,
        notes: 'Night shift',
        tags: ['backend'],
        billable: true,
      },
      {
        // The night Berlin moves to summer time: 01:30 CET to 03:30 CEST is one hour.
        project: 'Internal',
        client: null,
        task: null,
        start: '2024-03-31T00:30:00Z',
        end: '2024-03-31T01:30:00Z',
        seconds: 3600,
        notes: 'Überstunden — 日本',
        tags: [],
        billable: false,
      },
    ]);
    // The projects were created under their clients; the importer owns the entries, not "Ada Lovelace".
    const projects = (await ctx.t.get('/api/v1/projects', { ...admin, query: { per_page: 100 } })).body
      .projects as Array<{ name: string; client: string | null }>;
    expect(projects.filter((p) => ['Website Redesign', 'Migration', 'Internal'].includes(p.name))).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: 'Website Redesign', client: 'Acme Corp' }),
        expect.objectContaining({ name: 'Migration', client: 'Globex' }),
        expect.objectContaining({ name: 'Internal', client: null }),
      ]),
    );
    const listed = await ctx.t.get('/api/v1/time-entries', { token, query: { per_page: 1 } });
    expect(listed.body.time_entries[0].user_id).toBe(user.id);

    // Imported again by someone else: the names now exist, and nothing is created twice.
    const other = await ctx.newToken({ scopes: IMPORTER });
    const again = await post(other.token, fixture('toggl-detailed.csv'), { tz: 'Europe/Berlin' });
    expect(again.body).toMatchObject({ created: 4, failed: 0 });
    expect((await names('/api/v1/clients', 'clients')).filter((n) => n === 'Acme Corp')).toHaveLength(1);
  });

  it("should import Clockify's detailed export with US dates and 12-hour times", async () => {
    const { token } = await ctx.newToken({ scopes: IMPORTER });
    const res = await post(token, fixture('clockify-detailed.csv'), {
      tz: 'America/New_York',
      date_format: 'MM/DD/YYYY',
      create_missing: 'true',
    });
    expect(res.body).toEqual({ created: 2, failed: 0, errors: [], dry_run: false });
    expect(await entries(token)).toEqual([
      {
        project: 'Website Redesign',
        client: 'Acme Corp',
        task: null,
        start: '2024-03-11T13:15:00Z',
        end: '2024-03-11T14:00:00Z',
        seconds: 2700,
        notes: 'Review call',
        tags: ['meeting', 'client'],
        billable: true,
      },
      {
        project: 'Mobile App',
        client: 'Initech',
        task: 'Auth',
        start: '2024-03-11T17:00:00Z',
        end: '2024-03-11T20:30:00Z',
        seconds: 12_600,
        notes: 'Fix login bug',
        tags: [],
        billable: false,
      },
    ]);
  });

  it('should refuse names it does not know without create_missing, and create nothing on a dry run', async () => {
    const { token } = await ctx.newToken({ scopes: IMPORTER });
    const csv = [
      'Project,Client,Task,Start date,Start time,End date,End time',
      'Nowhere Project,Nowhere Client,,2024-06-01,09:00,2024-06-01,10:00',
    ].join('\n');
    const refused = await post(token, csv, {});
    expect(refused.status).toBe(422);
    expect(refused.body.errors).toEqual([
      { row: 2, field: 'client', error: 'No such client' },
      { row: 2, field: 'project', error: 'No such project' },
    ]);
    const dry = await post(token, csv, { create_missing: 'true', dry_run: 'true' });
    expect(dry.body).toEqual({ created: 1, failed: 0, errors: [], dry_run: true });
    expect(await names('/api/v1/projects', 'projects')).not.toContain('Nowhere Project');
    expect(await names('/api/v1/clients', 'clients')).not.toContain('Nowhere Client');
    expect(await entries(token)).toEqual([]);
  });

  it('should need write:projects for create_missing, and validate tz, date_format and the cells', async () => {
    const writer = await ctx.newToken({ scopes: ['read:time_entries', 'write:time_entries'] });
    const forbidden = await post(writer.token, fixture('toggl-detailed.csv'), { create_missing: 'true' });
    expect([forbidden.status, forbidden.body.error_code, forbidden.body.required_scope]).toEqual([
      403,
      'forbidden',
      'write:projects',
    ]);
    expect(await entries(writer.token)).toEqual([]);

    const bad = await post(writer.token, fixture('toggl-detailed.csv'), { tz: 'Mars/Olympus', date_format: 'YY' });
    expect(bad.status).toBe(400);
    expect(Object.keys(bad.body.errors).sort()).toEqual(['date_format', 'tz']);

    const { token } = await ctx.newToken({ scopes: IMPORTER });
    const csv = [
      'Project,Start date,Start time,End date,End time',
      'Cells,2024-02-30,09:00,2024-02-30,10:00',
      'Cells,03/01/2024,09:00,03/01/2024,10:00',
      'Cells,2024-03-02,9 o clock,2024-03-02,13:00 PM',
      'Cells,2024-03-03,11:00 PM,2024-03-04,1:00 AM',
    ].join('\n');
    const res = await post(token, csv, { atomic: 'false', create_missing: 'true' });
    expect(res.body).toEqual({
      created: 1,
      failed: 3,
      dry_run: false,
      errors: [
        { row: 2, field: 'start_date', error: 'start_date 2024-02-30 is not a calendar date' },
        { row: 2, field: 'end_date', error: 'end_date 2024-02-30 is not a calendar date' },
        { row: 3, field: 'start_date', error: 'start_date must be a date as YYYY-MM-DD (see date_format)' },
        { row: 3, field: 'end_date', error: 'end_date must be a date as YYYY-MM-DD (see date_format)' },
        { row: 4, field: 'start_time', error: 'start_time must be a time as HH:MM[:SS] or h:mm[:ss] AM/PM' },
        { row: 4, field: 'end_time', error: 'end_time must be a time as HH:MM[:SS] or h:mm[:ss] AM/PM' },
      ],
    });
    expect((await entries(token)).map((e) => [e.start, e.end])).toEqual([
      ['2024-03-03T23:00:00Z', '2024-03-04T01:00:00Z'],
    ]);
  });
});
