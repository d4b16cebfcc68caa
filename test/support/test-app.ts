import { createHash } from 'node:crypto';
import { Writable } from 'node:stream';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { AppModule } from '../../src/app.module';
import { configureApp, createFastifyAdapter, NEST_APP_OPTIONS } from '../../src/common/http/configure-app';
import { APP_LOGGER, createLogger } from '../../src/common/logging/logger';
import { APP_CONFIG, type AppConfig, loadConfig } from '../../src/config/app-config';
import { OpenApiValidator, reportViolations } from './openapi-validator';
import { createFreshDatabase, TEST_REDIS_URL } from './test-databases';

/** Every response of the e2e suite is checked against openapi/openapi.json. */
const openApi = OpenApiValidator.load();

export interface ApiResponse<T = any> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

export interface RequestOptions {
  /** false: a test that sends what the document forbids on purpose and checks the raw answer. */
  validate?: boolean;
  token?: string;
  headers?: Record<string, string>;
  body?: unknown;
  /** Sent as-is (no JSON encoding). */
  rawBody?: string | Buffer;
  /** A multipart/form-data body. */
  form?: FormData;
  query?: Record<string, string | number | boolean>;
}

export interface TestApp {
  app: NestFastifyApplication;
  baseUrl: string;
  config: AppConfig;
  dataSource: DataSource;
  databaseUrl: string;
  /** Every JSON log line the app wrote, parsed. */
  logs: Array<Record<string, unknown>>;
  rawLogs: string[];
  request<T = any>(method: string, path: string, options?: RequestOptions): Promise<ApiResponse<T>>;
  get<T = any>(path: string, options?: RequestOptions): Promise<ApiResponse<T>>;
  post<T = any>(path: string, body?: unknown, options?: RequestOptions): Promise<ApiResponse<T>>;
  put<T = any>(path: string, body?: unknown, options?: RequestOptions): Promise<ApiResponse<T>>;
  patch<T = any>(path: string, body?: unknown, options?: RequestOptions): Promise<ApiResponse<T>>;
  delete<T = any>(path: string, options?: RequestOptions): Promise<ApiResponse<T>>;
  close(): Promise<void>;
}

export interface TestAppOptions {
  /** Extra environment (validated by the real config loader). */
  env?: Record<string, string>;
  /** Use the shared test Redis (when the run has one). */
  redis?: boolean;
  /** Reuse an existing database instead of a fresh copy of the template. */
  databaseUrl?: string;
  /** Adjust the validated config (e.g. shorter rate-limit windows) before the app starts. */
  adjustConfig?: (config: AppConfig) => void;
  /** Providers to replace (e.g. a stub DNS resolver). */
  overrides?: Array<[unknown, unknown]>;
}

/** Redis keys of one test database: apps on other databases share the test Redis without clashing. */
export function redisPrefixFor(databaseUrl: string): string {
  return `tt:test:${createHash('sha256').update(databaseUrl).digest('hex').slice(0, 12)}:`;
}

/** Boots the real AppModule on its own fresh database and listens on a random loopback port. */
export async function createTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const databaseUrl = options.databaseUrl ?? (await createFreshDatabase());
  const env: Record<string, string | undefined> = {
    ...process.env,
    DATABASE_URL: databaseUrl,
    REDIS_URL: options.redis && TEST_REDIS_URL ? TEST_REDIS_URL : undefined,
    REDIS_KEY_PREFIX: redisPrefixFor(databaseUrl),
    LOG_LEVEL: 'info',
    ...options.env,
  };
  const config = loadConfig(env);
  options.adjustConfig?.(config);
  const rawLogs: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      rawLogs.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      callback();
    },
  });

  let builder = Test.createTestingModule({ imports: [AppModule] })
    .overrideProvider(APP_CONFIG)
    .useValue(config)
    .overrideProvider(APP_LOGGER)
    .useValue(createLogger(config.logLevel, sink));
  for (const [token, value] of options.overrides ?? []) {
    builder = builder.overrideProvider(token as string).useValue(value);
  }
  const moduleRef = await builder.compile();
  const app = moduleRef.createNestApplication<NestFastifyApplication>(createFastifyAdapter(config), {
    ...NEST_APP_OPTIONS,
    logger: false,
  });
  configureApp(app);
  await app.listen(0, '127.0.0.1');
  const address = app.getHttpServer().address() as { port: number };
  const baseUrl = `http://127.0.0.1:${address.port}`;

  const request = async <T>(method: string, path: string, opts: RequestOptions = {}): Promise<ApiResponse<T>> => {
    const url = new URL(path, baseUrl);
    for (const [k, v] of Object.entries(opts.query ?? {})) url.searchParams.set(k, String(v));
    const headers: Record<string, string> = { ...opts.headers };
    if (opts.token) headers.authorization = `Bearer ${opts.token}`;
    let body: string | Buffer | FormData | undefined;
    if (opts.form !== undefined) body = opts.form;
    else if (opts.rawBody !== undefined) body = opts.rawBody;
    else if (opts.body !== undefined) {
      body = JSON.stringify(opts.body);
      headers['content-type'] ??= 'application/json';
    }
    const res = await fetch(url, { method, headers, body });
    const text = await res.text();
    let parsed: unknown = text;
    if ((res.headers.get('content-type') ?? '').includes('json') && text) parsed = JSON.parse(text);
    if (opts.validate !== false) {
      reportViolations(openApi.check(method, url.pathname, res.status, res.headers.get('content-type') ?? '', parsed));
    }
    return { status: res.status, headers: res.headers, body: parsed as T, text };
  };

  return {
    app,
    baseUrl,
    config,
    databaseUrl,
    dataSource: app.get<DataSource>(getDataSourceToken()),
    rawLogs,
    get logs() {
      return rawLogs.map((line) => JSON.parse(line) as Record<string, unknown>);
    },
    request,
    get: (path, opts) => request('GET', path, opts),
    post: (path, body, opts) => request('POST', path, { ...opts, body }),
    put: (path, body, opts) => request('PUT', path, { ...opts, body }),
    patch: (path, body, opts) => request('PATCH', path, { ...opts, body }),
    delete: (path, opts) => request('DELETE', path, opts),
    close: () => app.close(),
  };
}
