import type { DynamicModule, INestApplication, Type } from '@nestjs/common';
import type { Server } from 'node:http';
import { NestFactory, Reflector } from '@nestjs/core';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import { bodyDeadline, bodyDeadlineFromEnv, limitRequestTime } from './body-deadline';
import { BodyMediaTypeGuard } from './body-media-type';
import { canonicalUuidUrls } from './canonical-uuids';
import { installGracefulShutdown } from './graceful-shutdown';
import { documentIdempotencyKey, keepsIdempotencyKeys } from './idempotency';
import { KnownQueryParametersGuard } from './known-query-parameters';
import { LongWork } from './long-work';
import { providesToken } from './module-providers';
import { documentParameterLimits } from './openapi-parameter-limits';
import { documentValidationLimits, handlerParameterClasses } from './openapi-validation-limits';
import { operatorEndpointsGuard } from './operator-endpoints';
import { checkTrustedProxies } from './client-address';
import { ProblemFilter } from './problem.filter';
import { documentRefusals } from './refusals';
import { documentProblemResponses } from './problem-responses';
import { StorableTextPipe } from './storable-text';
import { undocumentedAnswersFromEnv } from './undocumented-answers';
import { validationPipe } from './validation';

export interface HttpAppOptions {
  readonly title: string;
  readonly description: string;
  readonly version?: string;
  /** Nest's own SIGTERM hooks (default on); off when the service installs `installGracefulShutdown`. */
  readonly shutdownHooks?: boolean;
  /** How long a JSON or form body may take to arrive (`VANGUARD_BODY_DEADLINE_MS`, 30 s by default). */
  readonly bodyDeadlineMs?: number;
}

/** Everything a Vanguard HTTP service shares: logger, text check and validation, error shape, OpenAPI at /docs (loopback only). */
export function configureHttpApp(app: INestApplication, options: HttpAppOptions): OpenAPIObject {
  app.useLogger(app.get(Logger));
  checkTrustedProxies();
  // Express names itself on every answer otherwise: nothing a caller needs, a hint to one probing.
  (app.getHttpAdapter().getInstance() as { disable?: (setting: string) => void }).disable?.('x-powered-by');
  // First: guards read the path and query before any pipe could lower-case their ids.
  app.use(canonicalUuidUrls());
  // Before the body parsers, which Nest mounts at init: they must not wait on a body for ever.
  const deadlineMs = options.bodyDeadlineMs ?? bodyDeadlineFromEnv();
  app.use(bodyDeadline(deadlineMs));
  limitRequestTime(app.getHttpServer() as Server, deadlineMs);
  // Text Postgres cannot store is refused first, so validation and handlers never see it.
  app.useGlobalPipes(new StorableTextPipe(), validationPipe());
  // A guard, so before the module's interceptors (idempotency keys): a body no parser read is 415.
  // A parameter the route does not take likewise, after the token's guard (ADR 0152).
  app.useGlobalGuards(new BodyMediaTypeGuard(app.get(Reflector)), new KnownQueryParametersGuard(app.get(Reflector)));
  // Before the docs are mounted: /metrics and /docs answer only on this machine (operator-endpoints.ts).
  app.use(operatorEndpointsGuard());
  const problems = new ProblemFilter();
  app.useGlobalFilters(problems);
  if (options.shutdownHooks !== false) app.enableShutdownHooks();
  const doc = openApiDocument(app, options);
  problems.noteAnswersIn(undocumentedAnswersFromEnv(doc));
  SwaggerModule.setup('docs', app, doc, { jsonDocumentUrl: 'docs/openapi.json' });
  return doc;
}

/**
 * The OpenAPI document /docs serves: the routes' own decorators and their validators' limits
 * (ADR 0145), then what the platform adds to every route.
 */
export function openApiDocument(app: INestApplication, options: Pick<HttpAppOptions, 'title' | 'description' | 'version'>): OpenAPIObject {
  const doc = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle(options.title)
      .setDescription(options.description)
      .setVersion(options.version ?? '1')
      .addBearerAuth()
      .build(),
  );
  documentValidationLimits(doc, handlerParameterClasses(app));
  documentParameterLimits(doc, app);
  // A route's own refusals first: the key's of the same status follow them.
  documentRefusals(doc, app);
  if (keepsIdempotencyKeys(app)) documentIdempotencyKey(doc);
  documentProblemResponses(doc);
  return doc;
}

export interface ServiceAppOptions extends Omit<HttpAppOptions, 'shutdownHooks'> {
  /** From SIGTERM to the exit (installGracefulShutdown); `<SERVICE>_SHUTDOWN_DEADLINE_MS`, see shutdownDeadlineFromEnv. */
  readonly shutdownDeadlineMs: number;
}

/**
 * A service as main.ts runs it: configured as above, and stopped by SIGTERM within its deadline,
 * waiting on the long work its module registers (`LongWork`), if any. Nest's own hooks would wait
 * for every open connection, for as long as a client keeps one.
 */
export async function createHttpApp(module: Type<unknown> | DynamicModule, options: ServiceAppOptions): Promise<INestApplication> {
  // abortOnError off: with it, Nest exits the process (code 1) on any `app.get` miss, even inside
  // a try. Provider checks ask the container (providesToken); a failed bootstrap still ends main.ts.
  const app = await NestFactory.create(module, { bufferLogs: true, abortOnError: false });
  configureHttpApp(app, { ...options, shutdownHooks: false });
  const longWork = providesToken(app, LongWork) ? app.get(LongWork) : new LongWork();
  installGracefulShutdown(app, { deadlineMs: options.shutdownDeadlineMs, longWork });
  return app;
}
