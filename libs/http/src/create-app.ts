import type { DynamicModule, INestApplication, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import { documentIdempotencyKey, keepsIdempotencyKeys } from './idempotency';
import { operatorEndpointsGuard } from './operator-endpoints';
import { ProblemFilter } from './problem.filter';
import { StorableTextPipe } from './storable-text';
import { validationPipe } from './validation';

export interface HttpAppOptions {
  readonly title: string;
  readonly description: string;
  readonly version?: string;
  /** Nest's own SIGTERM hooks (default on); off when the service installs `installGracefulShutdown`. */
  readonly shutdownHooks?: boolean;
}

/** Everything a Vanguard HTTP service shares: logger, text check and validation, error shape, OpenAPI at /docs (loopback only). */
export function configureHttpApp(app: INestApplication, options: HttpAppOptions): OpenAPIObject {
  app.useLogger(app.get(Logger));
  // Text Postgres cannot store is refused first, so validation and handlers never see it.
  app.useGlobalPipes(new StorableTextPipe(), validationPipe());
  // Before the docs are mounted: /metrics and /docs answer only on this machine (operator-endpoints.ts).
  app.use(operatorEndpointsGuard());
  app.useGlobalFilters(new ProblemFilter());
  if (options.shutdownHooks !== false) app.enableShutdownHooks();
  const doc = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle(options.title)
      .setDescription(options.description)
      .setVersion(options.version ?? '1')
      .addBearerAuth()
      .build(),
  );
  if (keepsIdempotencyKeys(app)) documentIdempotencyKey(doc);
  SwaggerModule.setup('docs', app, doc, { jsonDocumentUrl: 'docs/openapi.json' });
  return doc;
}

export async function createHttpApp(module: Type<unknown> | DynamicModule, options: HttpAppOptions): Promise<INestApplication> {
  // abortOnError off: with it, Nest exits the process (code 1) when `app.get` misses a provider,
  // even inside a try — asking whether the module keeps idempotency keys killed reporting and
  // audit (no commands, no store) at start. A failed bootstrap still ends main.ts.
  const app = await NestFactory.create(module, { bufferLogs: true, abortOnError: false });
  configureHttpApp(app, options);
  return app;
}
