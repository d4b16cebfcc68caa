import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Logger } from 'pino';
import { AppModule } from './app.module';
import { configureApp, createFastifyAdapter, NEST_APP_OPTIONS } from './common/http/configure-app';
import { APP_LOGGER, PinoNestLogger } from './common/logging/logger';
import { APP_CONFIG, type AppConfig, ConfigError, loadConfig } from './config/app-config';

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
  logger.info({ port: config.port, host: config.host, database: config.database.kind }, 'listening');

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
