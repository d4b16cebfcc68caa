'use strict';
/**
 * bench/export: GET /time-entries/export of every entry of the 1M data set (bench/data-set), as
 * CSV and as XLSX, on PostgreSQL and on SQLite. Each export runs against its own production server
 * (dist/src/main.js, --max-old-space-size=192 as `npm start` runs it), so the kernel's peak RSS of
 * that process (VmHWM) is the export's. Prints rows per second, time to the headers and to the
 * first byte, the server's RSS before and at its peak (VmRSS sampled every 50 ms, and VmHWM), and
 * the slowest of the health probes sent one after another during the export (is the event loop
 * free?). Target: peak RSS under 250 MB while exporting 1M rows.
 *
 *   npm run bench -- export                   both databases (PostgreSQL when reachable)
 *   BENCH_DATABASES=postgres npm run bench -- export
 *   BENCH_EXPORT_ENTRIES=100000 npm run bench -- export
 */
const http = require('node:http');
const { readFileSync } = require('node:fs');
const { ADMIN_TOKEN, dataSet, runOnDatabases } = require('./data-set');
const { f1, spawnAppServer, SMOKE } = require('./support');

const ENTRIES = Number(process.env.BENCH_EXPORT_ENTRIES ?? (SMOKE ? 2000 : 1_000_000));
const FORMATS = (process.env.BENCH_EXPORT_FORMATS ?? 'csv,xlsx').split(',');
const TARGET_RSS_MB = 250;

/** VmRSS and VmHWM of a process, in MB. */
function memoryMb(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const field = (name) => Number(new RegExp(`${name}:\\s+(\\d+)`).exec(status)?.[1] ?? NaN) / 1024;
  return { rss: field('VmRSS'), hwm: field('VmHWM') };
}

/**
 * Downloads the export, counting bytes and (CSV) lines as they come, never holding the file.
 * Resolves with the timings, the size and the end of the body (an XLSX's central directory).
 */
function download(url) {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const ms = () => Number(process.hrtime.bigint() - started) / 1e6;
    const req = http.get(url, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } }, (res) => {
      const headersMs = ms();
      if (res.statusCode !== 200) {
        res.resume();
        reject(new Error(`${url}: ${res.statusCode}`));
        return;
      }
      let firstByteMs = null;
      let bytes = 0;
      let lines = 0;
      let tail = Buffer.alloc(0);
      res.on('data', (chunk) => {
        firstByteMs ??= ms();
        bytes += chunk.length;
        for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) lines++;
        tail = Buffer.concat([tail, chunk]).subarray(-22);
      });
      res.on('end', () =>
        resolve({ headersMs, firstByteMs, totalMs: ms(), bytes, lines, tail, type: res.headers['content-type'] }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
  });
}

/** Health probes one after another until `done()`: how many, and the slowest (ms). */
async function probe(baseUrl, done) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  let count = 0;
  let slowest = 0;
  while (!done()) {
    const started = process.hrtime.bigint();
    await new Promise((resolve, reject) => {
      http
        .get(`${baseUrl}/api/v1/health/live`, { agent }, (res) => {
          res.resume();
          res.on('end', resolve);
        })
        .on('error', reject);
    });
    slowest = Math.max(slowest, Number(process.hrtime.bigint() - started) / 1e6);
    count++;
  }
  agent.destroy();
  return { count, slowest };
}

async function exportOnce(db, port, format) {
  // No Redis and the default rate limits: a lone server, whose RSS is the export's.
  const server = await spawnAppServer(db, port, ADMIN_TOKEN, { redis: false, raiseLimits: false });
  try {
    const pid = server.child.pid;
    const before = memoryMb(pid);
    let peak = before.rss;
    const sampler = setInterval(() => (peak = Math.max(peak, memoryMb(pid).rss)), 50);
    let done = false;
    const probes = probe(server.url, () => done);
    const result = await download(`${server.url}/api/v1/time-entries/export?format=${format}`).finally(() => {
      done = true;
      clearInterval(sampler);
    });
    const after = memoryMb(pid);
    const health = await probes;
    // A whole file: every row and the header (CSV), or the zip's end of central directory (XLSX).
    const whole =
      format === 'csv' ? result.lines === ENTRIES + 1 : result.tail.readUInt32LE(0) === 0x06054b50 && result.bytes > 0;
    if (!whole) throw new Error(`${db.kind} ${format}: incomplete file (${result.lines} lines, ${result.bytes} bytes)`);
    return { ...result, before: before.rss, peak: Math.max(peak, after.rss), hwm: after.hwm, health };
  } finally {
    await server.stop();
  }
}

const f0 = (x) => x.toFixed(0);

async function suite(kind, port) {
  const db = await dataSet(kind, ENTRIES);
  if (db === null) {
    console.log(`\n(${kind}: not reachable, skipped)`);
    return;
  }
  console.log(
    `\n### ${kind}: export of ${ENTRIES.toLocaleString('en')} entries (admin, every user)` +
      (db.built ? ` (data set built in ${f0(db.built)} s)` : ''),
  );
  console.log(
    '| format | rows/s | total | headers | first byte | size | RSS before | RSS peak (VmHWM) | health probes (slowest) | < 250 MB |',
  );
  console.log('|---|---|---|---|---|---|---|---|---|---|');
  try {
    for (const format of FORMATS) {
      const r = await exportOnce(db, port, format);
      const peak = Math.max(r.peak, r.hwm);
      console.log(
        `| ${format} | ${f0(ENTRIES / (r.totalMs / 1000))} | ${f1(r.totalMs / 1000)} s | ${f0(r.headersMs)} ms | ` +
          `${f0(r.firstByteMs)} ms | ${f1(r.bytes / 1e6)} MB | ${f0(r.before)} MB | ${f0(r.peak)} MB (${f0(r.hwm)} MB) | ` +
          `${r.health.count} (${f0(r.health.slowest)} ms) | ${peak < TARGET_RSS_MB ? 'yes' : 'NO'} |`,
      );
    }
  } finally {
    await db.drop();
  }
}

runOnDatabases(suite);
