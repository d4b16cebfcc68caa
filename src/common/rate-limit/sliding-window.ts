/** One sliding window: at most `limit` admitted requests in any `windowMs` span. */
export interface WindowSpec {
  name: 'minute' | 'hour';
  limit: number;
  windowMs: number;
}

export interface WindowState {
  spec: WindowSpec;
  /** Admitted requests in the window, including this one when admitted. */
  used: number;
  /** Milliseconds until the oldest counted request leaves the window (0 when empty). */
  resetMs: number;
}

export interface RateLimitDecision {
  allowed: boolean;
  windows: WindowState[];
  /** Server clock of the decision (Redis TIME or Date.now()), epoch ms. */
  now: number;
}

/**
 * The in-process store: a log of admitted timestamps per key and window, the same semantics as
 * the Redis script (rejected requests are not recorded). Used without REDIS_URL and whenever
 * Redis does not answer.
 */
export class MemorySlidingWindowStore {
  private readonly logs = new Map<string, number[][]>();

  constructor(private readonly maxKeys = 100_000) {}

  consume(key: string, specs: readonly WindowSpec[], now = Date.now()): RateLimitDecision {
    let logs = this.logs.get(key);
    if (!logs) {
      if (this.logs.size >= this.maxKeys) this.evictIdle(now, specs);
      logs = specs.map(() => []);
      this.logs.set(key, logs);
    }
    const states = specs.map((spec, i) => {
      const log = logs[i];
      let drop = 0;
      while (drop < log.length && log[drop] <= now - spec.windowMs) drop++;
      if (drop > 0) log.splice(0, drop);
      return { spec, log };
    });
    const allowed = states.every(({ spec, log }) => log.length < spec.limit);
    if (allowed) for (const { log } of states) log.push(now);
    return {
      allowed,
      now,
      windows: states.map(({ spec, log }) => ({
        spec,
        used: log.length,
        resetMs: log.length > 0 ? Math.max(0, log[0] + spec.windowMs - now) : 0,
      })),
    };
  }

  private evictIdle(now: number, specs: readonly WindowSpec[]): void {
    const longest = Math.max(...specs.map((s) => s.windowMs));
    for (const [key, logs] of this.logs) {
      if (logs.every((log) => log.length === 0 || log[log.length - 1] <= now - longest)) this.logs.delete(key);
    }
    if (this.logs.size >= this.maxKeys) this.logs.clear();
  }
}

/**
 * The Redis twin, one atomic script on one sorted set per token holding the admitted requests of
 * the longest window: trims it, counts each window (the longest by ZCARD, shorter ones by ZCOUNT
 * over their span), and records the request only when no window is full. Uses the Redis clock, so
 * every process agrees on time. KEYS: the token's set. ARGV: limit and window (ms) per window,
 * then a unique suffix. Returns: allowed (0/1), now (ms), then used and reset (ms) per window.
 */
export const SLIDING_WINDOW_LUA = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local key = KEYS[1]
local n = (#ARGV - 1) / 2
local longest = 0
for i = 1, n do
  local window = tonumber(ARGV[2 * i])
  if window > longest then longest = window end
end
redis.call('ZREMRANGEBYSCORE', key, '-inf', now - longest)
local used = {}
local allowed = 1
for i = 1, n do
  local window = tonumber(ARGV[2 * i])
  if window == longest then
    used[i] = redis.call('ZCARD', key)
  else
    used[i] = redis.call('ZCOUNT', key, '(' .. (now - window), '+inf')
  end
  if used[i] >= tonumber(ARGV[2 * i - 1]) then allowed = 0 end
end
if allowed == 1 then
  redis.call('ZADD', key, now, now .. '-' .. ARGV[2 * n + 1])
  redis.call('PEXPIRE', key, longest)
end
local out = { allowed, now }
for i = 1, n do
  local window = tonumber(ARGV[2 * i])
  if allowed == 1 then used[i] = used[i] + 1 end
  local oldest
  if window == longest then
    oldest = redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')
  else
    oldest = redis.call('ZRANGEBYSCORE', key, '(' .. (now - window), '+inf', 'WITHSCORES', 'LIMIT', 0, 1)
  end
  local reset = 0
  if oldest[2] then reset = tonumber(oldest[2]) + window - now end
  out[#out + 1] = used[i]
  out[#out + 1] = math.max(0, reset)
end
return out
`;
