import type { RateLimitDecision } from './sliding-window';
import { retryAfterSeconds, tightestWindow } from './sliding-window.storage';

/** Contract §4: X-RateLimit-* of the tighter window, plus the IETF RateLimit-Policy and RateLimit fields. */
export function rateLimitHeaders(decision: RateLimitDecision): Record<string, string> {
  const tight = tightestWindow(decision);
  const remaining = Math.max(0, tight.spec.limit - tight.used);
  const resetSeconds = Math.ceil(tight.resetMs / 1000);
  const headers: Record<string, string> = {
    'X-RateLimit-Limit': String(tight.spec.limit),
    'X-RateLimit-Remaining': String(remaining),
    'X-RateLimit-Reset': String(Math.ceil((decision.now + tight.resetMs) / 1000)),
    'RateLimit-Policy': decision.windows
      .map((w) => `"${w.spec.name}";q=${w.spec.limit};w=${Math.round(w.spec.windowMs / 1000)}`)
      .join(', '),
    RateLimit: `"${tight.spec.name}";r=${remaining};t=${resetSeconds}`,
  };
  if (!decision.allowed) headers['Retry-After'] = String(retryAfterSeconds(decision));
  return headers;
}

/** The four extra fields of a 429 body. */
export function rateLimitBodyFields(decision: RateLimitDecision): Record<string, number> {
  const [minute, hour] = decision.windows;
  return {
    limit_per_minute: minute.spec.limit,
    limit_per_hour: hour.spec.limit,
    remaining_per_minute: Math.max(0, minute.spec.limit - minute.used),
    remaining_per_hour: Math.max(0, hour.spec.limit - hour.used),
  };
}
