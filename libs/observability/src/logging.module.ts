import { Module } from '@nestjs/common';
import type { IncomingMessage } from 'node:http';
import { LoggerModule, type Params } from 'nestjs-pino';
import { correlationIdFor } from './correlation';

/**
 * Routes whose callers are promised anonymity: casting a 群众评议 ballot (ADR 0027). A request line
 * there would tie a time, an address and a port to each vote; with the ballot table's insertion
 * order that re-links ballots to people. Unexpected errors are still logged by the problem filter,
 * with the error and correlation id only.
 */
const ANONYMOUS_ROUTES = [/^\/mass-evaluations\/[^/?#]+\/ballots\/?(?:[?#].*)?$/];

/** Requests that get no access-log line: probes and metrics (noise), anonymous routes (privacy). */
export function isUnloggedRequest(req: Pick<IncomingMessage, 'url'>): boolean {
  const url = req.url ?? '';
  return url === '/metrics' || url.startsWith('/health') || ANONYMOUS_ROUTES.some((route) => route.test(url));
}

/** The request logger's options; exported so a test can run them against a captured stream. */
export const pinoHttpOptions = {
  level: process.env['LOG_LEVEL'] ?? 'info',
  genReqId: correlationIdFor,
  customAttributeKeys: { reqId: 'correlationId' },
  // Bearer tokens and cookies never reach the log.
  redact: ['req.headers.authorization', 'req.headers.cookie'],
  autoLogging: { ignore: isUnloggedRequest },
} satisfies Params['pinoHttp'];

/** pino JSON logs, one line per request, each carrying the request's correlation id. */
@Module({ imports: [LoggerModule.forRoot({ pinoHttp: pinoHttpOptions })] })
export class LoggingModule {}
