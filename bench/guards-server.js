'use strict';
/**
 * One server of bench/guards in its own process: the compiled AppModule on PORT, configured from
 * the environment. BENCH_NO_LIMITER=1 replaces the rate limiter's storage with a no-op (the
 * baseline of its overhead); BENCH_ISSUE_TOKENS=n issues n admin tokens at start-up (the admin API
 * itself would rate-limit that) and writes them as JSON to BENCH_TOKENS_FILE.
 */
const { writeFileSync } = require('node:fs');
const { dist, startApp } = require('./support');

const noWindows = [
  { spec: { name: 'minute', limit: 1e8, windowMs: 60_000 }, used: 1, resetMs: 60_000 },
  { spec: { name: 'hour', limit: 1e8, windowMs: 3_600_000 }, used: 1, resetMs: 3_600_000 },
];

/** Tokens of the admin user, created through the service, in one transaction. */
async function issueTokens(app, count) {
  const { TransactionService } = dist('database/transaction.service');
  const { ApiTokensService } = dist('modules/api-tokens/api-tokens.service');
  const { UsersRepository } = dist('modules/users/users.repository');
  const admin = await app.get(UsersRepository).findByUsername('admin');
  const tokens = [];
  await app.get(TransactionService).run(async (m) => {
    for (let i = 0; i < count; i++) {
      const { token } = await app.get(ApiTokensService).issue(m, admin, { name: `bench ${i}`, scopes: ['admin:all'] });
      tokens.push(token);
    }
  });
  return tokens;
}

async function main() {
  const { SlidingWindowStorage } = dist('common/rate-limit/sliding-window.storage');
  const overrides =
    process.env.BENCH_NO_LIMITER === '1'
      ? [[SlidingWindowStorage, { consume: async () => ({ allowed: true, now: Date.now(), windows: noWindows }) }]]
      : [];
  const count = Number(process.env.BENCH_ISSUE_TOKENS ?? 0);
  // Listens only once the tokens exist: the parent waits for the first answer.
  const { app } = await startApp(process.env, overrides, null);
  if (count > 0) writeFileSync(process.env.BENCH_TOKENS_FILE, JSON.stringify(await issueTokens(app, count)));
  await app.listen(Number(process.env.PORT), '127.0.0.1');
  process.once('SIGTERM', () => void app.close().then(() => process.exit(0)));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
