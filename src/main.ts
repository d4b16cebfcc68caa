import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { AppModule } from './app.module';
import { configureApp, createFastifyAdapter, NEST_APP_OPTIONS } from './common/http/configure-app';
import { APP_LOGGER, PinoNestLogger } from './common/logging/logger';
import { APP_CONFIG, type AppConfig, ConfigError, loadConfig } from './config/app-config';
import { DOCS_PATH } from './openapi/openapi';

async function bootstrap(): Promise<void> {
  // Fail before anything starts when the environment is wrong, naming each bad variable.
  let bootConfig: AppConfig;
  try {
    bootConfig = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }

  const app = await NestFactory.create<NestFastifyApplication>(AppModule, createFastifyAdapter(bootConfig), {
    ...NEST_APP_OPTIONS,
    bufferLogs: true,
  });
  const logger = app.get<Logger>(APP_LOGGER);
  app.useLogger(new PinoNestLogger(logger));
  configureApp(app);

  const config = app.get<AppConfig>(APP_CONFIG);
  await app.listen(config.port, config.host);
  // A few lines at info; Nest's module and route registrations are at debug (LOG_LEVEL=debug).
  const migrations = app.get(DataSource).migrations.map((m) => m.name ?? m.constructor.name);
  logger.info(
    {
      version: config.appVersion,
      database: config.database.kind,
      schema: migrations.sort().at(-1) ?? null,
      redis: config.redis.url ? 'on' : 'off',
    },
    `TimeTracker API ${config.appVersion} on ${config.database.kind}, migrations applied, Redis ${config.redis.url ? 'on' : 'off'}`,
  );
  const origin = `http://${config.host === '0.0.0.0' ? '127.0.0.1' : config.host}:${config.port}`;
  logger.info(
    { port: config.port, host: config.host, url: `${origin}/api/v1`, docs: `${origin}/${DOCS_PATH}` },
    `listening on ${origin}/api/v1 (docs at ${origin}/${DOCS_PATH})`,
  );

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    // In-flight requests get SHUTDOWN_GRACE_MS; then the process leaves regardless.
    setTimeout(() => {
      logger.warn('shutdown grace period over; exiting');
      process.exit(0);
    }, config.shutdownGraceMs).unref();
    app.close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'error while shutting down');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
}

void bootstrap().catch((error: unknown) => {
  process.stderr.write(`Failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
