'use strict';
/**
 * The server of bench/guards in its own process: the compiled AppModule on PORT, configured from
 * the environment. BENCH_ISSUE_TOKENS=n issues 2n admin tokens at start-up (the admin API itself
 * would rate-limit that) and writes them as JSON to BENCH_TOKENS_FILE: n `limited`, and n `exempt`,
 * for which the rate-limit guard returns at once (the baseline of its overhead, in the same
 * process: every request pays the same lookup of its token id among the exempt, a Set probe).
 */
const { writeFileSync } = require('node:fs');
const { dist, startApp } = require('./support');

/** Tokens of the admin user, created through the service, in one transaction: [{ token, id }]. */
async function issueTokens(app, count) {
  const { TransactionService } = dist('database/transaction.service');
  const { ApiTokensService } = dist('modules/api-tokens/api-tokens.service');
  const { UsersRepository } = dist('modules/users/users.repository');
  const admin = await app.get(UsersRepository).findByUsername('admin');
  const tokens = [];
  await app.get(TransactionService).run(null, async (m) => {
    for (let i = 0; i < count; i++) {
      const { entity, token } = await app
        .get(ApiTokensService)
        .issue(m, admin, { name: `bench ${i}`, scopes: ['admin:all'] });
      tokens.push({ token, id: entity.id });
    }
  });
  return tokens;
}

async function main() {
  const { TokenRateLimitGuard } = dist('common/rate-limit/token-rate-limit.guard');
  const exempt = new Set();
  const canActivate = TokenRateLimitGuard.prototype.canActivate;
  TokenRateLimitGuard.prototype.canActivate = function (context) {
    const auth = context.switchToHttp().getRequest().auth;
    if (auth && exempt.has(auth.tokenId)) return true;
    return canActivate.call(this, context);
  };
  const count = Number(process.env.BENCH_ISSUE_TOKENS ?? 0);
  // Listens only once the tokens exist: the parent waits for the first answer.
  const { app } = await startApp(process.env, [], null);
  if (count > 0) {
    const tokens = await issueTokens(app, 2 * count);
    for (const { id } of tokens.slice(count)) exempt.add(id);
    const plain = (list) => list.map(({ token }) => token);
    const file = { limited: plain(tokens.slice(0, count)), exempt: plain(tokens.slice(count)) };
    writeFileSync(process.env.BENCH_TOKENS_FILE, JSON.stringify(file));
  }
  await app.listen(Number(process.env.PORT), '127.0.0.1');
  process.once('SIGTERM', () => void app.close().then(() => process.exit(0)));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
