'use strict';
/**
 * The reliability matrix (../shared/reference/reliability-anchors.md §8 and issue #11): each row
 * names the tests that check it. `npm run reliability` runs the whole suite and writes
 * docs/RELIABILITY.md from the jest results of both databases (see scripts/run-tests.js).
 */
const { writeFileSync } = require('node:fs');

const IDEM = 'test/e2e/idempotency/idempotency.e2e-spec.ts';
const IDEM_RECOVERY = 'test/e2e/idempotency/idempotency-recovery.e2e-spec.ts';
const RL = 'test/e2e/rate-limit/rate-limit.e2e-spec.ts';
const REDIS = 'test/e2e/rate-limit/redis-faults.e2e-spec.ts';
const WH = 'test/e2e/webhooks/webhooks.e2e-spec.ts';
const WH_LIMITS = 'test/e2e/webhooks/webhook-delivery-limits.e2e-spec.ts';
const AUTH = 'test/e2e/auth/authentication.e2e-spec.ts';
const CROSS = 'test/reliability/cross-user.e2e-spec.ts';
const ERRORS = 'test/e2e/platform/errors.e2e-spec.ts';
const CSV = 'test/e2e/time-entries/import-csv.e2e-spec.ts';
const TIMER = 'test/e2e/time-entries/timer.e2e-spec.ts';
const BULK = 'test/e2e/time-entries/bulk.e2e-spec.ts';
const FAULTS = 'test/reliability/database-faults.e2e-spec.ts';
const SSRF = 'src/modules/webhooks/ssrf-guard.spec.ts';

/** [row, what is checked, [[file, title substring (empty: every test of the file)], ...]] */
const ROWS = [
  [
    'idem_first_request_executes',
    'a fresh key: the request runs once, its response is stored',
    [[IDEM, 'replay the stored response byte for byte']],
  ],
  [
    'idem_replay_same_body',
    'retry with the same key: same status and bytes, Idempotent-Replayed, one row',
    [[IDEM, 'replay the stored response byte for byte']],
  ],
  [
    'idem_same_key_different_body',
    'same key, different body: 422, no new row',
    [[IDEM, 'answer 422 when the key is reused']],
  ],
  ['idem_canonical_json', 'reordered keys and whitespace: a replay, not 422', [[IDEM, 'treat reordered JSON']]],
  [
    'idem_concurrent_same_key',
    '10 parallel first requests with one key: exactly one row',
    [[IDEM, 'exactly one of 10 concurrent']],
  ],
  [
    'idem_concurrent_redis_down',
    '10 parallel first requests with one key while Redis is frozen: one row, bounded latency',
    [[REDIS, 'keyed requests while Redis is frozen']],
  ],
  [
    'idem_multi_process',
    'two server processes, same key at once: runs once, and both replay it; with and without shared Redis',
    [
      [IDEM_RECOVERY, 'two server processes get the same key'],
      [IDEM, 'two server processes share the key'],
    ],
  ],
  [
    'idem_crash_recovery',
    'first request died before / after committing, or its server killed mid-traffic: take over / 409, never twice',
    [
      [IDEM_RECOVERY, 'take over a key'],
      [IDEM_RECOVERY, 'response was lost'],
      [IDEM_RECOVERY, 'take an abandoned key over'],
      [IDEM_RECOVERY, 'killed mid-traffic'],
    ],
  ],
  [
    'idem_response_write_retry',
    'the response is stored before it is sent; the database unreachable for that write: answered, a retry gets 409 (in use, then conflict), never a second run',
    [
      [IDEM_RECOVERY, 'stored the response when the first request is answered'],
      [IDEM_RECOVERY, 'response cannot be stored'],
    ],
  ],
  ['idem_missing_or_bad_header', 'malformed keys: 400', [[IDEM, 'refuse a malformed key']]],
  [
    'idem_quoted_sf_string',
    'Idempotency-Key "k" (structured-field string) and bare k: one key',
    [
      [IDEM, 'quoted key'],
      ['src/common/idempotency/fingerprint.spec.ts', 'structured-field string'],
    ],
  ],
  ['idem_scope_per_token', 'two tokens, one key: independent', [[IDEM, 'scope keys per token']]],
  ['idem_expiry_24h', 'expired record: runs anew; purge', [[IDEM, 'run anew once the record has expired']]],
  ['idem_5xx_not_saved', '5xx releases the key; the retry runs', [[IDEM, 'handler fails with a 5xx']]],
  [
    'idem_validation_not_saved',
    '400 then corrected body with the same key: 201',
    [[IDEM, 'not store a validation failure']],
  ],
  ['rl_minute_limit', '100 sequential, the 101st 429 with Retry-After', [[RL, '100 sequential requests']]],
  ['rl_parallel_flood', '300 parallel with one token: exactly 100 admitted', [[RL, 'exactly 100 of 300 parallel']]],
  [
    'rl_sliding_no_boundary_burst',
    'bursts either side of a window boundary: never more than the limit',
    [[RL, 'no burst across a window boundary']],
  ],
  ['rl_hour_limit', 'hour window trips with room in the minute window', [[RL, 'trip the hour window']]],
  ['rl_headers_present', 'contract headers on every authenticated answer and on 429', [[RL, 'contract headers']]],
  [
    'rl_per_token_isolation',
    'token A exhausted, token B unaffected; failed authentications not counted',
    [[RL, 'keep tokens apart']],
  ],
  [
    'rl_auth_failures_not_counted',
    'failed authentications use no token quota; the per-IP limiter trips for them, valid tokens unaffected',
    [
      [RL, 'not count failed authentications'],
      [AUTH, 'answer 429 beyond the limit while valid tokens keep working'],
    ],
  ],
  [
    'rl_multi_instance',
    'two processes sharing Redis admit 100 in total',
    [[REDIS, '100 in total across both processes']],
  ],
  [
    'rl_redis_down_degrades',
    'Redis frozen (SIGSTOP): bounded latency, local fallback, recovery',
    [[REDIS, 'while Redis is frozen']],
  ],
  ['redis_hang', 'CLIENT PAUSE: bounded latency', [[REDIS, 'bounded under CLIENT PAUSE']]],
  [
    'rl_redis_killed',
    'Redis killed and restarted: never 500, health reports it',
    [[REDIS, 'never 500 when it is killed']],
  ],
  [
    'rl_redis_recover_no_double_count',
    'Redis killed and restarted mid-traffic: counts after recovery never exceed the requests made',
    [[REDIS, 'not count a request twice across a Redis restart']],
  ],
  [
    'rl_redis_timeout_not_loop_stall',
    'the event loop blocked for three timeouts while Redis answers a call: the answer is used, no outage logged',
    [[REDIS, 'blocked event loop']],
  ],
  [
    'wh_kat_signature',
    'Standard Webhooks reference vector',
    [['src/modules/webhooks/webhook-signature.spec.ts', 'reference vector']],
  ],
  [
    'wh_verify_with_reference_lib',
    'a loopback receiver verifies with the standardwebhooks library',
    [[WH, 'reference library verifies']],
  ],
  ['wh_retry_schedule', 'receiver 500: retries with backoff, same event id', [[WH, 'retry with backoff']]],
  [
    'wh_3xx_is_failure',
    'a 302 to an internal URL is not followed: the attempt fails and is retried',
    [[WH, 'never follow redirects']],
  ],
  ['wh_410_disables', '410 Gone disables the webhook: no further attempts', [[WH, 'disable on 410']]],
  [
    'wh_timeout',
    'a receiver that never answers, or trickles its answer, is cut off at timeout_seconds: a failure, retried',
    [
      [WH, 'time out'],
      [WH_LIMITS, 'trickling its answer'],
    ],
  ],
  [
    'wh_slow_receiver_isolated',
    "one webhook's receiver hanging does not delay another user's webhook",
    [[WH_LIMITS, 'promptly while one webhook']],
  ],
  [
    'wh_lease_outlived',
    'attempts longer than the claim lease, two dispatchers on one database: each event sent once',
    [[WH_LIMITS, 'outlive the claim lease']],
  ],
  [
    'wh_shutdown_in_flight',
    'shutdown with an attempt in flight: ended at once, recorded as a failure to retry',
    [[WH_LIMITS, 'in flight at shutdown']],
  ],
  [
    'wh_outbox_crash',
    'crash between commit and send: delivered after restart, once, with two dispatchers',
    [
      [WH, 'crash between commit and send'],
      [WH, 'lease a delivery it is sending'],
    ],
  ],
  [
    'wh_secret_rotation',
    'after rotate-secret: two v1 signatures, each verifiable, until the overlap ends',
    [[WH, 'sign with both secrets while a rotation overlaps']],
  ],
  [
    'ssrf_literal_blocklist',
    'loopback/private/metadata literals refused, no socket opened',
    [
      ['src/modules/webhooks/webhook-signature.spec.ts', 'refuse loopback'],
      [WH, 'validate url and events'],
    ],
  ],
  [
    'ssrf_dns_to_loopback',
    'a name resolving to loopback: refused at delivery, nothing sent',
    [[WH, 'DNS answer is loopback']],
  ],
  [
    'ssrf_dns_rebinding',
    'first answer public, second loopback: every resolution checked, the sentinel sees no connection',
    [
      [SSRF, 'rebinds to loopback'],
      [SSRF, 'reach no loopback listener'],
    ],
  ],
  [
    'ssrf_multi_record',
    'an answer holding a public and a loopback record: refused',
    [[SSRF, 'public and a loopback record']],
  ],
  [
    'tok_expired_revoked',
    'expired and revoked tokens: 401',
    [
      [AUTH, 'refuse a revoked token'],
      [AUTH, 'refuse an expired token'],
    ],
  ],
  [
    'tok_format_checksum',
    'fast-check: a token of the wrong shape (one character changed, dropped or added) is refused before any database lookup; the contract fixes tt_ + 32 characters without a checksum',
    [[AUTH, 'wrong shape before any database lookup']],
  ],
  [
    'tok_both_headers',
    'Authorization and X-API-Key together: 400 bad_request',
    [[AUTH, 'both Authorization and X-API-Key']],
  ],
  [
    'tok_scope_enforced',
    'missing scope: 403 naming it',
    [
      [AUTH, '403 with required and available scopes'],
      [AUTH, 'never read through write'],
    ],
  ],
  [
    'tok_hash_only_storage',
    'plain token and hash never in a response or log line',
    [[AUTH, 'never write the token or its hash']],
  ],
  [
    'tok_last_used_throttled',
    'usage written at most once a minute',
    [['test/e2e/api-tokens/admin-api-tokens.e2e-spec.ts', 'at most once a minute']],
  ],
  ['bola_cross_user', "user A against each of B's resources by id: 404/403, B unchanged", [[CROSS, '']]],
  [
    'mass_assignment',
    'id, user_id, created_at, secret in bodies: 400, nothing changed',
    [
      [CROSS, 'mass assignment'],
      [CROSS, "under B's user_id"],
    ],
  ],
  [
    'response_schema_conformance',
    'every response of the e2e suite matches openapi/openapi.json (closed objects)',
    [
      ['test/e2e/', ''],
      ['test/reliability/', ''],
    ],
  ],
  [
    'route_inventory',
    'every route declares its auth; admin routes need admin; openapi/openapi.json lists exactly the registered routes',
    [['src/common/auth/route-inventory.spec.ts', '']],
  ],
  [
    'limits_pagination',
    'per_page and page out of range: clamped or 400',
    [['test/e2e/users/users.e2e-spec.ts', 'validate page parameters']],
  ],
  [
    'limits_body_and_depth',
    'body over 1 MiB: 413; JSON deeper than 32: 400, not 500',
    [
      [ERRORS, 'over 1 MiB'],
      [ERRORS, 'nested deeper than 32'],
    ],
  ],
  ['limits_csv', 'CSV over the byte or row limit: 413, nothing written', [[CSV, 'byte and row limits']]],
  [
    'fuzz_csv',
    'fast-check CSV (hostile cells, headers, delimiters) on the import: never 5xx, all rows or none',
    [['test/reliability/csv-fuzz.e2e-spec.ts', '']],
  ],
  [
    'fuzz_json',
    'fast-check bodies and queries on every JSON endpoint: never 5xx, always the envelope',
    [['test/reliability/fuzz.e2e-spec.ts', '']],
  ],
  [
    'ints_column_range',
    'every route of openapi/openapi.json with 2^31, 2^53, -1 and its bounds in each integer path, query and body field: never 5xx; path 404, out of range 400 naming the field',
    [
      ['test/reliability/route-walker.e2e-spec.ts', ''],
      [ERRORS, 'past the int4 range'],
      [ERRORS, 'past its decimal(12,2) column'],
    ],
  ],
  [
    'path_id_canonical',
    'a path id spelled otherwise (1%20, 01, +1, 1.0, 1e0, 0x1): 404, the resource unchanged',
    [[ERRORS, 'not written canonically']],
  ],
  [
    'proto_keys_unknown',
    '__proto__, constructor, prototype in a JSON body, at any depth: 400 "Unknown field.", nothing written',
    [[ERRORS, '__proto__, constructor and prototype']],
  ],
  ['timer_double_start', '20 parallel starts for one user: exactly one wins', [[TIMER, 'one of 20 concurrent starts']]],
  [
    'timer_double_stop',
    '10 parallel stops: exactly one ends the timer, once; the rest 409',
    [[TIMER, 'one of 10 concurrent stops']],
  ],
  [
    'stock_never_overdrawn',
    '6 concurrent transfers of 5 from 15: exactly 3 admitted',
    [['test/e2e/inventory/inventory.e2e-spec.ts', 'never overdraw']],
  ],
  [
    'sqlite_concurrent_tx',
    'parallel write requests on SQLite: no transaction within a transaction, all consistent',
    [
      [TIMER, 'one of 20 concurrent starts'],
      [IDEM, 'exactly one of 10 concurrent'],
      [BULK, 'opposite id orders'],
    ],
  ],
  ['csv_all_or_nothing', 'one bad row: nothing written, each row reported', [[CSV, 'write nothing in atomic mode']]],
  [
    'csv_export_formula',
    'not applicable: API v1 has no CSV export (only import); nothing renders user text into a spreadsheet',
    [],
  ],
  ['csv_double_submit', 'the same import retried with its key: replayed', [[CSV, 'same Idempotency-Key']]],
  [
    'bulk_all_or_nothing',
    'an id not visible: nothing changes, the ids named',
    [[BULK, 'change nothing when any id is missing']],
  ],
  [
    'bulk_deadlock_retry',
    'overlapping bulk updates in opposite id orders all succeed; a deadlock is retried',
    [
      [BULK, 'opposite id orders'],
      [IDEM_RECOVERY, 'again after a deadlock'],
      [IDEM_RECOVERY, "wait for another process's write"],
    ],
  ],
  [
    'pg_down_mid_request',
    'backend terminated mid-request, server stopped, database stalled: 503 fast, recovery without restart',
    [
      [FAULTS, ''],
      ['test/e2e/platform/database-timeout.e2e-spec.ts', ''],
    ],
  ],
  [
    'scale_out_auth',
    'revocation, rotation, deactivation seen by a second process within 1 s',
    [['test/e2e/auth/multi-process.e2e-spec.ts', '']],
  ],
  [
    'timer_model_based',
    'fast-check commands (start, stop, create, delete) against an in-memory model of one user',
    [['test/reliability/timer-model.e2e-spec.ts', '']],
  ],
  [
    'csv_crash_mid_import',
    'pg_terminate_backend of the import connection mid-way: 503, nothing committed, the retry imports all',
    [[FAULTS, 'import whose connection is killed']],
  ],
  [
    'scale_out_critical_paths',
    'two replicas sharing PostgreSQL and Redis, requests alternating: one timer, keyed create once, shared limit, stock, webhooks once',
    [['test/reliability/scale-out.e2e-spec.ts', '']],
  ],
  [
    'load_smoke',
    '20 keep-alive clients, one token each, read/write mix for 20 s against a server process: no 5xx, 429 exactly after each quota, one row per 201, p99 bounded',
    [['test/reliability/load-smoke.e2e-spec.ts', '']],
  ],
];

/** Status of one row in one jest report: passed, failed, skipped, or null (no such test ran). */
function rowStatus(report, tests) {
  if (!report) return null;
  const results = [];
  for (const [file, title] of tests) {
    for (const suite of report.testResults || []) {
      if (!suite.name.replace(/\\/g, '/').includes(file)) continue;
      for (const t of suite.assertionResults || []) if (!title || t.fullName.includes(title)) results.push(t.status);
      if (suite.status === 'failed' && !(suite.assertionResults || []).length) results.push('failed');
    }
  }
  if (results.length === 0) return null;
  if (results.includes('failed')) return 'failed';
  if (results.every((s) => s === 'pending' || s === 'skipped' || s === 'todo')) return 'skipped';
  return 'passed';
}

const MARK = { passed: 'pass', failed: '**FAIL**', skipped: 'skipped', null: '-' };

/** Writes the matrix with each row's result on SQLite and PostgreSQL; returns the number of failing rows. */
function writeReliabilityReport(file, sqliteReport, postgresReport, commit) {
  const lines = [
    '# Reliability matrix',
    '',
    `Written by \`npm run reliability\` (scripts/reliability-matrix.js) from the test run of commit ${commit}: each`,
    'row of the matrix in the reliability anchors and issue #11, the tests that check it, and their',
    'result on each database (`-`: that run has no such test, e.g. unit tests run once, with SQLite).',
    '',
    '| row | what is checked | tests | SQLite | PostgreSQL |',
    '|---|---|---|---|---|',
  ];
  let failing = 0;
  for (const [row, what, tests] of ROWS) {
    const names = tests.length
      ? tests.map(([f, t]) => `\`${f.replace(/^test\/e2e\/|^src\//, '')}\`${t ? ` "${t}"` : ''}`).join('<br>')
      : 'none (see the row)';
    const s = rowStatus(sqliteReport, tests);
    const p = rowStatus(postgresReport, tests);
    if (s === 'failed' || p === 'failed') failing++;
    lines.push(`| ${row} | ${what} | ${names} | ${MARK[s]} | ${MARK[p]} |`);
  }
  writeFileSync(file, `${lines.join('\n')}\n`);
  return failing;
}

module.exports = { writeReliabilityReport, ROWS };
