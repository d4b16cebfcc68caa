'use strict';
/** `npm run bench [name...] [--smoke]`: runs each benchmark in its own process (default: all). */
const { spawnSync } = require('node:child_process');
const { join } = require('node:path');

const all = [
  'scale',
  'changes',
  'summary-group-by',
  'export',
  'indexes',
  'app-vs-baseline',
  'import',
  'guards',
  'idempotency-sql',
  'idempotency-instructions',
];
/** Node flags per benchmark: the import runs with a small heap, which 100k rows as objects would exceed. */
const flags = { import: ['--expose-gc', '--max-old-space-size=128'] };
const args = process.argv.slice(2);
const smoke = args.includes('--smoke');
const picked = args.filter((a) => !a.startsWith('--'));
const names = picked.length ? picked : all;
let failed = 0;
for (const name of names) {
  const result = spawnSync(process.execPath, [...(flags[name] ?? []), join(__dirname, `${name}.js`)], {
    stdio: 'inherit',
    env: { ...process.env, ...(smoke ? { BENCH_SMOKE: '1' } : {}) },
  });
  if (result.status !== 0) failed++;
}
process.exit(failed ? 1 : 0);
