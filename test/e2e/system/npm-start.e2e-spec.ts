import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from '../../../scripts/private-servers';
import { createFreshDatabase } from '../../support/test-databases';

jest.setTimeout(120_000);

const ROOT = join(__dirname, '../../..');
const run = promisify(execFile);

/** The processes a process started (Linux: /proc). */
function childrenOf(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

function commandLineOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
  } catch {
    return '';
  }
}

function exitOf(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (child.exitCode !== null || child.signalCode !== null) {
    return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
  }
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
}

/** `npm start` as a user runs it; resolves once the API answers, with the process npm created. */
async function npmStart(): Promise<{ npm: ChildProcess; server: number; baseUrl: string }> {
  const port = await freePort();
  const npm = spawn('npm', ['start'], {
    cwd: ROOT,
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', DATABASE_URL: await createFreshDatabase() },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  npm.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  npm.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const baseUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (npm.exitCode !== null) throw new Error(`npm start exited early (${npm.exitCode}):\n${out}`);
    try {
      if ((await fetch(`${baseUrl}/api/v1/health`)).status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      npm.kill('SIGKILL');
      throw new Error(`npm start did not serve the API:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  const [server] = childrenOf(npm.pid!);
  return { npm, server, baseUrl };
}

describe('npm start', () => {
  it('should run the server itself as the process npm created, which exits 0 on SIGTERM', async () => {
    const { npm, server } = await npmStart();
    // `exec node`: no shell between npm and the server, so a signal to it reaches the server.
    expect(commandLineOf(server)).toMatch(/^\S*node\b.*dist\/src\/main\.js$/);
    process.kill(server, 'SIGTERM');
    const npmExit = await exitOf(npm);
    expect(npmExit).toEqual({ code: 0, signal: null });
    expect(childrenOf(npm.pid!)).toEqual([]);
  });

  it('should compile only when the sources are newer than the last build', async () => {
    const ensureBuild = () => run(process.execPath, [join(ROOT, 'scripts/ensure-build.js')], { cwd: ROOT });
    await ensureBuild();
    const { stderr } = await ensureBuild();
    expect(stderr).not.toMatch(/compiling/);
  });

  it('should stop the server when npm itself gets SIGTERM', async () => {
    const { npm, server } = await npmStart();
    npm.kill('SIGTERM');
    await exitOf(npm);
    const deadline = Date.now() + 15_000;
    while (commandLineOf(server) !== '' && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(commandLineOf(server)).toBe('');
  });
});

describe('admin CLI --help', () => {
  const cli = (...args: string[]) => run(process.execPath, [join(ROOT, 'dist/src/cli.js'), ...args], { cwd: ROOT });
  const commands = ['users:create', 'tokens:create', 'migration:run', 'migration:revert', 'migration:check', 'openapi'];

  it('should list every command', async () => {
    const { stdout } = await cli('--help');
    for (const command of commands) expect(stdout).toContain(command);
  });

  it.each(commands)('should describe %s and its options without running it', async (command) => {
    const { stdout, stderr } = await cli(command, '--help');
    expect(stdout).toContain(`Usage: npm run cli -- ${command}`);
    expect(stdout).toContain('--help');
    expect(stderr).toBe('');
  });

  it('should name the flag that is missing or unknown', async () => {
    await expect(cli('users:create')).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringMatching(/required option '--username <name>' not specified/),
    });
    await expect(cli('users:create', '--username', 'x', '--colour', 'red')).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringMatching(/unknown option '--colour'/),
    });
    await expect(
      cli('tokens:create', '--user', 'x', '--scopes', 'read:users', '--expires-in-days', 'soon'),
    ).rejects.toMatchObject({ code: 1, stderr: expect.stringMatching(/--expires-in-days: /) });
  });
});
