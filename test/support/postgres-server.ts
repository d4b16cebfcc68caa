import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, postgresBin, runAsServerUser } from '../../scripts/private-servers';

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
    runAsServerUser(args, this.dir);
  }
}
