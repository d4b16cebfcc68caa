import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './server-process';

const VERSIONS_DIR = '/usr/lib/postgresql';

/** The newest installed PostgreSQL's bin directory, or null (not a Debian PostgreSQL machine). */
function postgresBin(): string | null {
  if (!existsSync(VERSIONS_DIR)) return null;
  const version = readdirSync(VERSIONS_DIR).sort((a, b) => Number(b) - Number(a))[0];
  const bin = version && join(VERSIONS_DIR, version, 'bin');
  return bin && existsSync(join(bin, 'initdb')) ? bin : null;
}

/** initdb refuses to run as root: run the server as `postgres` then. */
function asServerUser(args: string[]): [string, string[]] {
  return process.getuid?.() === 0 ? ['runuser', ['-u', 'postgres', '--', ...args]] : [args[0], args.slice(1)];
}

/**
 * A private PostgreSQL cluster in a temporary folder on a spare loopback port, for fault tests
 * that stop the server: the shared one stays up for every other test.
 */
export class PrivatePostgres {
  static readonly available = postgresBin() !== null;
  port = 0;
  private readonly bin = postgresBin() ?? '';
  private readonly dir = mkdtempSync(join(tmpdir(), 'tt-pg-'));

  get url(): string {
    return `postgres://postgres@127.0.0.1:${this.port}/postgres`;
  }

  async init(): Promise<void> {
    chmodSync(this.dir, 0o777);
    this.run([join(this.bin, 'initdb'), '-D', join(this.dir, 'data'), '-U', 'postgres', '-A', 'trust', '--no-sync']);
    this.port = await freePort();
  }

  start(): void {
    const options = `-p ${this.port} -c listen_addresses=127.0.0.1 -c unix_socket_directories='' -c fsync=off`;
    this.run([
      join(this.bin, 'pg_ctl'),
      '-D',
      join(this.dir, 'data'),
      '-o',
      options,
      '-w',
      '-l',
      join(this.dir, 'log'),
      'start',
    ]);
  }

  /** `immediate`: the server dies at once, like a crash (connections are cut, no checkpoint). */
  stop(mode: 'fast' | 'immediate' = 'immediate'): void {
    this.run([join(this.bin, 'pg_ctl'), '-D', join(this.dir, 'data'), '-m', mode, '-w', 'stop']);
  }

  destroy(): void {
    try {
      this.stop();
    } catch {
      // already stopped
    }
    rmSync(this.dir, { recursive: true, force: true });
  }

  private run(args: string[]): void {
    const [command, rest] = asServerUser(args);
    execFileSync(command, rest, { stdio: 'pipe', cwd: this.dir });
  }
}
