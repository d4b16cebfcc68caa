import { NestFactory } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppModule } from '../app.module';
import { configureApp, createFastifyAdapter, NEST_APP_OPTIONS } from '../common/http/configure-app';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { buildOpenApiDocument } from './openapi';

/** The OpenAPI document as committed in `openapi/openapi.json` (stable key order, trailing newline). */
export async function renderOpenApi(): Promise<string> {
  const app = await NestFactory.create<NestFastifyApplication>(AppModule, createFastifyAdapter({ trustProxy: false }), {
    ...NEST_APP_OPTIONS,
    logger: false,
  });
  try {
    configureApp(app);
    await app.init();
    const document = buildOpenApiDocument(app, app.get<AppConfig>(APP_CONFIG).appVersion);
    return `${JSON.stringify(document, null, 2)}\n`;
  } finally {
    await app.close();
  }
}
