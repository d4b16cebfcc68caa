import type { TestContext } from './factories';

/**
 * Sends health probes one after another until `work` settles, and counts those answered before
 * it. Same process as the server: a probe can only be answered when the server's work lets the
 * event loop read its socket. Every probe must answer 200.
 */
export async function probeHealthDuring<T>(
  ctx: TestContext,
  work: Promise<T>,
): Promise<{ answered: number; result: T }> {
  let done = false;
  const finished = work.finally(() => (done = true));
  let answered = 0;
  while (!done) {
    const health = await ctx.t.get('/api/v1/health');
    if (done) break;
    expect(health.status).toBe(200);
    answered++;
  }
  return { answered, result: await finished };
}
