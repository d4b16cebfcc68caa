'use strict';
/**
 * What the fault tests (test/support) and bench/idempotency-instructions need to start servers of
 * their own on spare loopback ports, PostgreSQL from this machine's own binaries in a temporary
 * folder. Plain CommonJS, so that the benches (JavaScript over dist) and the tests (TypeScript,
 * through private-servers.d.ts) share one copy.
 */
const { execFileSync } = require('node:child_process');
const { existsSync, readdirSync } = require('node:fs');
const { createServer } = require('node:net');
const { join } = require('node:path');

const VERSIONS_DIR = '/usr/lib/postgresql';

/** The newest installed PostgreSQL's bin directory, or null (not a Debian PostgreSQL machine). */
function postgresBin() {
  if (!existsSync(VERSIONS_DIR)) return null;
  const version = readdirSync(VERSIONS_DIR).sort((a, b) => Number(b) - Number(a))[0];
  const bin = version && join(VERSIONS_DIR, version, 'bin');
  return bin && existsSync(join(bin, 'initdb')) ? bin : null;
}

/** PostgreSQL (initdb, the server) refuses to run as root: the command as `postgres` then. */
function asServerUser(args) {
  return process.getuid?.() === 0 ? ['runuser', ['-u', 'postgres', '--', ...args]] : [args[0], args.slice(1)];
}

/** Runs `args` as the server's user in `cwd` (a folder that user can enter), to completion. */
function runAsServerUser(args, cwd) {
  const [command, rest] = asServerUser(args);
  execFileSync(command, rest, { stdio: 'pipe', cwd });
}

/** A loopback port nobody listens on at the moment of asking. */
async function freePort() {
  const server = createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

module.exports = { asServerUser, freePort, postgresBin, runAsServerUser };
