import { Transform } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, Min } from 'class-validator';

const descriptions = new Map<string, string>();

/** Records the one-line description of an env variable; README and `.env.example` are checked against it. */
function Describe(text: string): PropertyDecorator {
  return (_target, key) => {
    descriptions.set(String(key), text);
  };
}

export function describeEnv(): ReadonlyMap<string, string> {
  return descriptions;
}

/** One origin as a browser sends it: scheme://host[:port], no path, no trailing slash. */
const ORIGIN = String.raw`[a-z][a-z0-9+.-]*://[^\s/,?#*]+`;
const CORS_ORIGINS = new RegExp(String.raw`^(|\s*\*\s*|\s*${ORIGIN}\s*(,\s*${ORIGIN}\s*)*)$`);

const toInt = () =>
  Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value.trim()) : value,
  );

/**
 * Every environment variable the service reads. Defaults are those of the contract (§2-§9).
 * Property order is the order of `.env.example` and of the README table.
 */
export class EnvSchema {
  @Describe('HTTP port to listen on.')
  @toInt()
  @IsInt()
  @Min(0)
  @Max(65535)
  PORT = 8080;

  @Describe('Interface to bind.')
  @IsString()
  HOST = '0.0.0.0';

  @Describe(
    'Trust X-Forwarded-For from a reverse proxy for the client IP: false, true, or a comma list of proxy IPs/CIDRs (or loopback, linklocal, uniquelocal).',
  )
  @IsString()
  TRUST_PROXY = 'false';

  @Describe(
    'Browser origins allowed to call the API (CORS): a comma list of exact origins (https://app.example.com), or * for any; empty sends no CORS headers.',
  )
  @Matches(CORS_ORIGINS, { message: 'must be empty, *, or a comma list of origins such as https://app.example.com' })
  CORS_ORIGINS = '';

  @Describe(
    'Database: unset for ./data/timetracker.sqlite, sqlite:<path> (sqlite::memory:), or postgres://user:pass@host:5432/db.',
  )
  @IsOptional()
  @Matches(/^(sqlite:.+|postgres(ql)?:\/\/.+)$/, { message: 'must be sqlite:<path> or postgres://...' })
  DATABASE_URL?: string;

  @Describe('Milliseconds a database call may take before the request fails with 503 service_unavailable.')
  @toInt()
  @IsInt()
  @Min(100)
  DB_TIMEOUT_MS = 5000;

  @Describe('Optional Redis (redis://host:6379/0): shared rate limits and cache invalidation across processes.')
  @IsOptional()
  @Matches(/^rediss?:\/\/.+/, { message: 'must be a redis:// or rediss:// URL' })
  REDIS_URL?: string;

  @Describe('Prefix of every Redis key, so several deployments can share one Redis.')
  @Matches(/^[A-Za-z0-9:_.{}-]{1,64}$/, { message: 'must be 1-64 of [A-Za-z0-9:_.{}-]' })
  REDIS_KEY_PREFIX = 'tt:';

  @Describe('Milliseconds a Redis call may take before the process falls back to local state.')
  @toInt()
  @IsInt()
  @Min(10)
  REDIS_TIMEOUT_MS = 200;

  @Describe('IANA time zone used to read naive timestamps in input.')
  @IsString()
  APP_TIMEZONE = 'UTC';

  @Describe('Log level: fatal, error, warn, info, debug, trace or silent.')
  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL = 'info';

  @Describe('Milliseconds SIGTERM waits for in-flight requests before exiting.')
  @toInt()
  @IsInt()
  @Min(0)
  SHUTDOWN_GRACE_MS = 10000;

  @Describe('Requests per API token in any sliding 60 s window.')
  @toInt()
  @IsInt()
  @Min(1)
  API_TOKEN_RATE_LIMIT_PER_MINUTE = 100;

  @Describe('Requests per API token in any sliding 3600 s window.')
  @toInt()
  @IsInt()
  @Min(1)
  API_TOKEN_RATE_LIMIT_PER_HOUR = 1000;

  @Describe('Failed authentications per client IP per minute before further failures get 429.')
  @toInt()
  @IsInt()
  @Min(1)
  AUTH_FAILURE_LIMIT_PER_MINUTE = 30;

  @Describe('Hours an Idempotency-Key and its stored response are kept, at most 8760 (a year).')
  @toInt()
  @IsInt()
  @Min(1)
  @Max(8760)
  IDEMPOTENCY_TTL_HOURS = 24;

  @Describe('Days the changes feed (GET /changes) keeps a change; an older cursor gets 410 cursor_expired.')
  @toInt()
  @IsInt()
  @Min(1)
  @Max(3650)
  CHANGES_RETENTION_DAYS = 30;

  @Describe('Largest CSV import accepted, in bytes (multipart file or text/csv body); larger gets 413.')
  @toInt()
  @IsInt()
  @Min(1024)
  CSV_IMPORT_MAX_BYTES = 10 * 1024 * 1024;

  @Describe('Most data rows one CSV import may hold; more gets 413.')
  @toInt()
  @IsInt()
  @Min(1)
  CSV_IMPORT_MAX_ROWS = 50_000;

  @Describe('Seconds before the first webhook retry; each later retry waits twice as long (with jitter).')
  @toInt()
  @IsInt()
  @Min(1)
  WEBHOOK_RETRY_BASE_SECONDS = 30;

  @Describe('Comma list of hosts webhooks may target although private or loopback (e.g. 127.0.0.1 for tests).')
  @IsString()
  WEBHOOK_ALLOWED_PRIVATE_HOSTS = '';

  @Describe(
    'Hours the previous webhook secret still signs deliveries after rotate-secret (a second v1 signature); 0 ends it at once.',
  )
  @toInt()
  @IsInt()
  @Min(0)
  @Max(168)
  WEBHOOK_SECRET_OVERLAP_HOURS = 24;

  @Describe('Milliseconds between two runs of the webhook dispatcher in each process.')
  @toInt()
  @IsInt()
  @Min(50)
  WEBHOOK_DISPATCH_INTERVAL_MS = 1000;

  @Describe('Webhook deliveries each process sends at once; a slow receiver holds one of them, never the others.')
  @toInt()
  @IsInt()
  @Min(1)
  @Max(200)
  WEBHOOK_CONCURRENCY = 10;

  @Describe('Optional bearer token protecting GET /metrics; unset leaves it open (bind it to a private network).')
  @IsOptional()
  @IsString()
  @Matches(/^\S{16,200}$/, { message: 'must be 16-200 non-space characters' })
  METRICS_TOKEN?: string;

  @Describe('Optional tt_ token: on first start with no users, creates user "admin" owning it with admin:all.')
  @IsOptional()
  @Matches(/^tt_[A-Za-z0-9_-]{32}$/, { message: 'must be tt_ followed by 32 characters of [A-Za-z0-9_-]' })
  BOOTSTRAP_ADMIN_TOKEN?: string;
}
