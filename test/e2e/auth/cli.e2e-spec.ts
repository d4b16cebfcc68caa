import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createTestApp, type TestApp } from '../../support/test-app';
import { createFreshDatabase } from '../../support/test-databases';

jest.setTimeout(120_000);

const run = promisify(execFile);
const CLI = join(__dirname, '../../../dist/src/cli.js');

describe('admin CLI', () => {
  let databaseUrl: string;
  let t: TestApp | undefined;

  const cli = (...args: string[]) =>
    run(process.execPath, [CLI, ...args], { env: { PATH: process.env.PATH ?? '', DATABASE_URL: databaseUrl } });

  beforeAll(async () => {
    databaseUrl = await createFreshDatabase();
  });

  afterAll(async () => {
    await t?.close();
  });

  it('should create a user and a scoped token printed alone on the last line', async () => {
    const user = await cli('users:create', '--username', 'Bob', '--admin', '--email', 'bob@example.com');
    expect(user.stdout).toMatch(/Created user bob \(id \d+, role admin\)/);
    const token = await cli(
      'tokens:create',
      '--user',
      'bob',
      '--scopes',
      'read:users,read:projects',
      '--name',
      'laptop',
    );
    const lines = token.stdout.trimEnd().split('\n');
    const plain = lines[lines.length - 1];
    expect(plain).toMatch(/^tt_[A-Za-z0-9_-]{32}$/);

    t = await createTestApp({ databaseUrl });
    const me = await t.get('/api/v1/users/me', { token: plain });
    expect(me.status).toBe(200);
    expect(me.body.user).toMatchObject({ username: 'bob', role: 'admin', email: 'bob@example.com' });
    const forbidden = await t.get('/api/v1/admin/api-tokens', { token: plain });
    expect(forbidden.status).toBe(403);
  });

  it('should refuse unknown scopes and unknown users with exit status 1', async () => {
    await expect(cli('tokens:create', '--user', 'bob', '--scopes', 'read:nothing')).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringMatching(/Unknown scope\(s\): read:nothing/),
    });
    await expect(cli('tokens:create', '--user', 'nobody', '--scopes', 'read:users')).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringMatching(/No user named 'nobody'/),
    });
    await expect(cli('users:create', '--username', 'bob')).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringMatching(/already taken/),
    });
  });
});
