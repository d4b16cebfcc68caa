'use strict';
/**
 * bench/import: a 100,000-row CSV import in one request, against a 10,000-row baseline in the same
 * process. Prints the time ratio (linear scaling ~ 10x), the peak heap growth against the CSV size
 * (rows are streamed and inserted in batches, so the heap must not grow with the row count) and the
 * process's peak RSS.
 * bench/run.js runs it under --max-old-space-size=128: 100k rows as objects would not fit.
 */
const { benchRedis, dist, freshDatabase, peakRssMb, startApp, SMOKE } = require('./support');

const ADMIN_TOKEN = 'tt_benchAdminToken0123456789abcdefX';

function csv(rows, offsetHours) {
  const lines = ['project_id,start_time,end_time,notes,tags'];
  const base = Date.UTC(2020, 0, 1) + offsetHours * 3_600_000;
  for (let i = 0; i < rows; i++) {
    const start = new Date(base + i * 3_600_000);
    lines.push(
      `1,${start.toISOString()},${new Date(start.getTime() + 1_800_000).toISOString()},imported row ${i},bench`,
    );
  }
  return lines.join('\n');
}

async function timedImport(url, body) {
  let peak = process.memoryUsage().heapUsed;
  const before = peak;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().heapUsed)), 20);
  const started = process.hrtime.bigint();
  const res = await fetch(`${url}/api/v1/time-entries/import-csv`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'text/csv' },
    body,
  });
  const json = await res.json();
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  clearInterval(sampler);
  if (res.status !== 201) throw new Error(`import answered ${res.status}: ${JSON.stringify(json).slice(0, 300)}`);
  return { seconds, created: json.created, heapGrowth: peak - before };
}

async function main() {
  const db = await freshDatabase();
  process.env.DATABASE_URL = db.url;
  const { app, url } = await startApp({
    DATABASE_URL: db.url,
    BOOTSTRAP_ADMIN_TOKEN: ADMIN_TOKEN,
    CSV_IMPORT_MAX_ROWS: '100000',
    API_TOKEN_RATE_LIMIT_PER_MINUTE: '1000',
    ...benchRedis(db),
  });
  const { ProjectsService } = dist('modules/projects/projects.service');
  const admin = { tokenId: 0, userId: 1, username: 'admin', isAdmin: true, scopes: ['*'] };
  await app.get(ProjectsService).createProject(admin, { name: 'Bench import' });

  const small = csv(SMOKE ? 1_000 : 10_000, 0);
  const large = csv(SMOKE ? 5_000 : 100_000, 200_000);
  global.gc?.();
  const a = await timedImport(url, small);
  global.gc?.();
  const b = await timedImport(url, large);
  const mb = (n) => (n / 1024 / 1024).toFixed(1);
  console.log(`# bench/import on ${db.kind}: one request each, same process`);
  console.log('| rows | CSV MB | seconds | rows/s | peak heap growth MB |');
  console.log('|---|---|---|---|---|');
  console.log(
    `| ${a.created} | ${mb(small.length)} | ${a.seconds.toFixed(2)} | ${(a.created / a.seconds).toFixed(0)} | ${mb(a.heapGrowth)} |`,
  );
  console.log(
    `| ${b.created} | ${mb(large.length)} | ${b.seconds.toFixed(2)} | ${(b.created / b.seconds).toFixed(0)} | ${mb(b.heapGrowth)} |`,
  );
  console.log(
    `time ratio 100k/10k: ${(b.seconds / a.seconds).toFixed(1)}x (linear = 10x); ` +
      `peak heap growth ratio 100k/10k: ${(b.heapGrowth / a.heapGrowth).toFixed(2)}x (bounded = ~1x)`,
  );
  console.log(`peak RSS of the process (VmHWM) over both imports: ${peakRssMb().toFixed(0)} MB`);
  await app.close();
  await db.drop();
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
