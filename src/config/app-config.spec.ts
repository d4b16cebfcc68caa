import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, loadConfig } from './app-config';
import { describeEnv, EnvSchema } from './env.schema';

const ROOT = join(__dirname, '../..');

describe('configuration', () => {
  it('should apply the contract defaults', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      port: 8080,
      host: '0.0.0.0',
      timezone: 'UTC',
      logLevel: 'info',
      shutdownGraceMs: 10000,
      trustProxy: false,
      corsOrigins: [],
      database: { kind: 'sqlite', path: './data/timetracker.sqlite' },
      redis: { url: null, keyPrefix: 'tt:', timeoutMs: 200 },
      rateLimit: {
        perMinute: 100,
        perHour: 1000,
        minuteWindowMs: 60_000,
        hourWindowMs: 3_600_000,
        authFailuresPerMinute: 30,
      },
      idempotencyTtlHours: 24,
      csvImport: { maxBytes: 10 * 1024 * 1024, maxRows: 50_000 },
      webhooks: { retryBaseSeconds: 30, allowedPrivateHosts: [], dispatchIntervalMs: 1000 },
      bootstrapAdminToken: null,
      metricsToken: null,
    });
  });

  it('should pick the database from DATABASE_URL', () => {
    expect(loadConfig({ DATABASE_URL: 'sqlite::memory:' }).database).toMatchObject({
      kind: 'sqlite',
      path: ':memory:',
    });
    expect(loadConfig({ DATABASE_URL: 'postgres://u:p@db:5432/tt' }).database).toMatchObject({
      kind: 'postgres',
      url: 'postgres://u:p@db:5432/tt',
    });
  });

  it('should read CORS_ORIGINS as exact origins, or * for any', () => {
    expect(loadConfig({ CORS_ORIGINS: '*' }).corsOrigins).toBe('*');
    expect(loadConfig({ CORS_ORIGINS: 'https://app.example.com, http://127.0.0.1:3000' }).corsOrigins).toEqual([
      'https://app.example.com',
      'http://127.0.0.1:3000',
    ]);
    for (const bad of [
      'https://app.example.com/',
      'app.example.com',
      '*,https://a.example.com',
      'https://*.example.com',
    ]) {
      expect(() => loadConfig({ CORS_ORIGINS: bad })).toThrow(/CORS_ORIGINS/);
    }
  });

  it('should refuse bad values, naming every bad variable', () => {
    const attempt = () =>
      loadConfig({ PORT: 'eighty', DATABASE_URL: 'mysql://x', BOOTSTRAP_ADMIN_TOKEN: 'tt_short', LOG_LEVEL: 'loud' });
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(/PORT[\s\S]*DATABASE_URL[\s\S]*LOG_LEVEL[\s\S]*BOOTSTRAP_ADMIN_TOKEN/);
    expect(() => loadConfig({ APP_TIMEZONE: 'Mars/Base' })).toThrow(/APP_TIMEZONE/);
    // Its records' expiry must stay a valid timestamp in both databases.
    expect(() => loadConfig({ IDEMPOTENCY_TTL_HOURS: '1000000000' })).toThrow(/IDEMPOTENCY_TTL_HOURS/);
    expect(loadConfig({ IDEMPOTENCY_TTL_HOURS: '8760' }).idempotencyTtlHours).toBe(8760);
  });

  it('should describe every variable and list exactly them in .env.example and the README', () => {
    const described = [...describeEnv().keys()];
    expect(described.length).toBeGreaterThan(10);
    for (const text of describeEnv().values()) expect(text.length).toBeGreaterThan(10);
    const example = readFileSync(join(ROOT, '.env.example'), 'utf8');
    const listed = [...example.matchAll(/^#?\s*([A-Z][A-Z0-9_]+)=/gm)].map((m) => m[1]);
    expect(listed).toEqual(described);
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const defaults = new EnvSchema() as unknown as Record<string, string | number | undefined>;
    const rows = described.map((name) => {
      const value = defaults[name];
      const shown = value === undefined ? 'unset' : value === '' ? 'empty' : `\`${value}\``;
      return `| \`${name}\` | ${shown} | ${describeEnv().get(name)} |`;
    });
    const table = readme.split('\n').filter((line) => /^\| `[A-Z][A-Z0-9_]+` \|/.test(line));
    expect(table).toEqual(rows);
  });
});
