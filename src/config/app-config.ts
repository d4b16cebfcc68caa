import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { EnvSchema } from './env.schema';

export const APP_CONFIG = Symbol('APP_CONFIG');

export type DatabaseConfig =
  { kind: 'sqlite'; path: string; timeoutMs: number } | { kind: 'postgres'; url: string; timeoutMs: number };

export interface AppConfig {
  port: number;
  host: string;
  /** Fastify's trustProxy: false, true, or the proxies' addresses. */
  trustProxy: boolean | string[];
  /** Origins allowed to call the API from a browser: exact origins, `*` for any; empty is no CORS. */
  corsOrigins: '*' | string[];
  appVersion: string;
  timezone: string;
  logLevel: string;
  shutdownGraceMs: number;
  database: DatabaseConfig;
  redis: { url: string | null; keyPrefix: string; timeoutMs: number };
  /** Window lengths are fixed (60 s, 3600 s); tests shrink them through the config object. */
  rateLimit: {
    perMinute: number;
    perHour: number;
    minuteWindowMs: number;
    hourWindowMs: number;
    authFailuresPerMinute: number;
  };
  idempotencyTtlHours: number;
  changesRetentionDays: number;
  csvImport: { maxBytes: number; maxRows: number };
  /** Rows a list counts exactly; past it `total` is an estimate (fixed; tests shrink it through the config object). */
  listCountCap: number;
  webhooks: {
    retryBaseSeconds: number;
    allowedPrivateHosts: string[];
    dispatchIntervalMs: number;
    secretOverlapHours: number;
    concurrency: number;
    /** How long a claimed delivery stays ours unrenewed (fixed; tests shrink it through the config object). */
    claimLeaseMs: number;
  };
  bootstrapAdminToken: string | null;
  metricsToken: string | null;
}

export class ConfigError extends Error {}

export const DEFAULT_SQLITE_PATH = './data/timetracker.sqlite';

type Env = Record<string, string | undefined>;

/** Validates the environment once; throws a ConfigError naming every bad variable. */
export function loadConfig(env: Env = readProcessEnv()): AppConfig {
  const plain = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const schema = plainToInstance(EnvSchema, plain);
  const errors = validateSync(schema, { skipMissingProperties: false });
  if (errors.length > 0) {
    const lines = errors.map((e) => `  ${e.property}: ${Object.values(e.constraints ?? {}).join('; ')}`);
    throw new ConfigError(`Invalid environment variables:\n${lines.join('\n')}`);
  }
  if (!isValidTimeZone(schema.APP_TIMEZONE)) {
    throw new ConfigError(`Invalid environment variables:\n  APP_TIMEZONE: unknown time zone "${schema.APP_TIMEZONE}"`);
  }
  return {
    port: schema.PORT,
    host: schema.HOST,
    trustProxy: parseTrustProxy(schema.TRUST_PROXY),
    corsOrigins: parseCorsOrigins(schema.CORS_ORIGINS),
    appVersion: readAppVersion(),
    timezone: schema.APP_TIMEZONE,
    logLevel: schema.LOG_LEVEL,
    shutdownGraceMs: schema.SHUTDOWN_GRACE_MS,
    database: parseDatabaseUrl(schema.DATABASE_URL, schema.DB_TIMEOUT_MS),
    redis: { url: schema.REDIS_URL ?? null, keyPrefix: schema.REDIS_KEY_PREFIX, timeoutMs: schema.REDIS_TIMEOUT_MS },
    rateLimit: {
      perMinute: schema.API_TOKEN_RATE_LIMIT_PER_MINUTE,
      perHour: schema.API_TOKEN_RATE_LIMIT_PER_HOUR,
      minuteWindowMs: 60_000,
      hourWindowMs: 3_600_000,
      authFailuresPerMinute: schema.AUTH_FAILURE_LIMIT_PER_MINUTE,
    },
    idempotencyTtlHours: schema.IDEMPOTENCY_TTL_HOURS,
    changesRetentionDays: schema.CHANGES_RETENTION_DAYS,
    csvImport: { maxBytes: schema.CSV_IMPORT_MAX_BYTES, maxRows: schema.CSV_IMPORT_MAX_ROWS },
    listCountCap: 10_000,
    webhooks: {
      retryBaseSeconds: schema.WEBHOOK_RETRY_BASE_SECONDS,
      allowedPrivateHosts: schema.WEBHOOK_ALLOWED_PRIVATE_HOSTS.split(',')
        .map((h) => h.trim().toLowerCase())
        .filter(Boolean),
      dispatchIntervalMs: schema.WEBHOOK_DISPATCH_INTERVAL_MS,
      secretOverlapHours: schema.WEBHOOK_SECRET_OVERLAP_HOURS,
      concurrency: schema.WEBHOOK_CONCURRENCY,
      claimLeaseMs: 60_000,
    },
    bootstrapAdminToken: schema.BOOTSTRAP_ADMIN_TOKEN ?? null,
    metricsToken: schema.METRICS_TOKEN ?? null,
  };
}

function parseDatabaseUrl(url: string | undefined, timeoutMs: number): DatabaseConfig {
  if (!url) return { kind: 'sqlite', path: DEFAULT_SQLITE_PATH, timeoutMs };
  if (url.startsWith('sqlite:')) return { kind: 'sqlite', path: url.slice('sqlite:'.length), timeoutMs };
  return { kind: 'postgres', url, timeoutMs };
}

function parseTrustProxy(value: string): boolean | string[] {
  const v = value.trim().toLowerCase();
  if (v === 'true' || v === '1') return true;
  if (v === 'false' || v === '0' || v === '') return false;
  return value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

function parseCorsOrigins(value: string): '*' | string[] {
  if (value.trim() === '*') return '*';
  return [
    ...new Set(
      value
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    ),
  ];
}

function isValidTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

function readAppVersion(): string {
  // package.json sits two levels above both src/config and dist/src/config's parent.
  for (const candidate of [resolve(__dirname, '../../package.json'), resolve(__dirname, '../../../package.json')]) {
    if (existsSync(candidate)) {
      return (JSON.parse(readFileSync(candidate, 'utf8')) as { version: string }).version;
    }
  }
  return '0.0.0';
}

let dotenvLoaded = false;
let overrides: Env = {};

/** The only reader of process.env. A `.env` file in the working directory is read once, never overriding. */
export function readProcessEnv(): Env {
  if (!dotenvLoaded) {
    dotenvLoaded = true;
    if (existsSync('.env')) process.loadEnvFile('.env');
  }
  return { ...process.env, ...overrides };
}

/** Lets the CLI pin variables (e.g. an in-memory database for `openapi`) before modules are loaded. */
export function overrideEnv(values: Env): void {
  overrides = { ...overrides, ...values };
}

/** The database kind, needed while entity decorators are evaluated (before the config is built). */
export function databaseKindFromEnv(): DatabaseConfig['kind'] {
  const url = readProcessEnv().DATABASE_URL ?? '';
  return /^postgres(ql)?:\/\//.test(url) ? 'postgres' : 'sqlite';
}
