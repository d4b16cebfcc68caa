#!/usr/bin/env node
'use strict';
/**
 * Compiles src/ and migrations/ into dist/ only when they are newer than the last build, so
 * `npm start` and `npm run cli` start in a fraction of a second after the first time.
 *
 *   node scripts/ensure-build.js               build if stale (fails without TypeScript and no dist/)
 *   node scripts/ensure-build.js --force       always build (`npm run build`)
 *   node scripts/ensure-build.js --if-possible build if stale and TypeScript and the sources are
 *                                              present; otherwise do nothing (npm's `prepare`,
 *                                              which also runs on `npm ci --omit=dev` and in the
 *                                              Docker build before the sources are copied)
 */
const { execFileSync } = require('node:child_process');
const { existsSync, readdirSync, statSync, utimesSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');

const ROOT = join(__dirname, '..');
const STAMP = join(ROOT, 'dist', '.build-stamp');
const ENTRY = join(ROOT, 'dist', 'src', 'main.js');
const INPUTS = ['src', 'migrations', 'tsconfig.json', 'tsconfig.build.json', 'package-lock.json'];

/** Newest modification time (ms) under a file or folder. */
function newest(path) {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let max = stat.mtimeMs;
  for (const entry of readdirSync(path)) max = Math.max(max, newest(join(path, entry)));
  return max;
}

function typescriptCompiler() {
  try {
    return require.resolve('typescript/bin/tsc', { paths: [ROOT] });
  } catch {
    return null;
  }
}

function main() {
  const force = process.argv.includes('--force');
  const ifPossible = process.argv.includes('--if-possible');
  const built = existsSync(ENTRY) && existsSync(STAMP);
  const stale = !built || INPUTS.some((input) => newest(join(ROOT, input)) > statSync(STAMP).mtimeMs);
  if (!force && !stale) return;

  const tsc = typescriptCompiler();
  const hasSources = existsSync(join(ROOT, 'src')) && existsSync(join(ROOT, 'tsconfig.build.json'));
  if (!tsc || !hasSources) {
    if (ifPossible) return;
    if (existsSync(ENTRY)) {
      process.stderr.write('ensure-build: sources changed but TypeScript is not installed; using the existing dist/\n');
      return;
    }
    process.stderr.write('ensure-build: no dist/ and no TypeScript: run `npm ci` (with dev dependencies) first\n');
    process.exit(1);
  }
  // The stamp carries the time the build started: a file saved during the build counts as newer.
  const started = new Date();
  process.stderr.write(`ensure-build: compiling into dist/ (${built ? 'sources changed' : 'first build'})\n`);
  try {
    // Compiler messages go to stderr, so a caller that captures it (the test set-up) shows them.
    execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: ROOT, stdio: ['ignore', 2, 2] });
  } catch {
    process.exit(1);
  }
  writeFileSync(STAMP, `${started.toISOString()}\n`);
  utimesSync(STAMP, started, started);
}

main();
