'use strict';
/** `npm run bench [name...]`: runs each benchmark in its own process (default: all). */
const { spawnSync } = require('node:child_process');
const { join } = require('node:path');

const all = ['guards', 'import', 'read-side'];
/** Node flags per benchmark: the import runs with a small heap, which 100k rows as objects would exceed. */
const flags = { import: ['--expose-gc', '--max-old-space-size=128'] };
const names = process.argv.slice(2).length ? process.argv.slice(2) : all;
let failed = 0;
for (const name of names) {
  const result = spawnSync(process.execPath, [...(flags[name] ?? []), join(__dirname, `${name}.js`)], {
    stdio: 'inherit',
  });
  if (result.status !== 0) failed++;
}
process.exit(failed ? 1 : 0);
