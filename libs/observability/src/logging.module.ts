import { Module } from '@nestjs/common';
import type { IncomingMessage } from 'node:http';
import { routedPath } from '@vanguard/kernel';
import { clientAddress } from '@vanguard/http';
import { LoggerModule, type Params } from 'nestjs-pino';
import { correlationIdFor } from './correlation';

/**
 * Routes whose callers are promised anonymity: casting a 群众评议 ballot (ADR 0027), and loading the
 * voting page a voter opens seconds before (ADR 0146: its line would give the same time and address
 * the ballot's withheld one would). A request line
 * there would tie a time, an address and a port to each vote; with the ballot table's insertion
 * order that re-links ballots to people. Unexpected errors are still logged by the problem filter,
 * with the error and correlation id only. Matched on the path as the router reads it (`routedPath`):
 * `/Mass-Evaluations/w1/BALLOTS` casts a ballot too. `.+` for the window id, not one segment: a
 * decoded `%2F` inside an id still reaches the route, and a path that only looks like one costs
 * nothing but a 404's log line.
 */
const ANONYMOUS_ROUTES = [/^\/mass-evaluations\/.+\/ballots\/?$/, /^\/vote\/?$/];

/** Requests that get no access-log line: probes and metrics (noise), anonymous routes (privacy). */
export function isUnloggedRequest(req: Pick<IncomingMessage, 'url'> & { originalUrl?: string }): boolean {
  // Express rewrites `url` under a mounted middleware; `originalUrl` is what the caller sent.
  const path = routedPath(req.originalUrl ?? req.url ?? '');
  return path === '/metrics' || path.startsWith('/health') || ANONYMOUS_ROUTES.some((route) => route.test(path));
}

/**
 * Each request's caller as the limits judge it, worked out once while the request is arriving:
 * pino-http asks again when the response is over, by which time its socket may be gone (a request
 * cut short at shutdown: `req.socket` null, and the throw in a response listener ended the service).
 */
const clients = new WeakMap<IncomingMessage, string>();
function clientOf(req: IncomingMessage): string {
  let client = clients.get(req);
  if (client === undefined) clients.set(req, (client = clientAddress(req)));
  return client;
}

/** The request logger's options; exported so a test can run them against a captured stream. */
export const pinoHttpOptions = {
  level: process.env['LOG_LEVEL'] ?? 'info',
  genReqId: correlationIdFor,
  customAttributeKeys: { reqId: 'correlationId' },
  // Credentials never reach the log: bearer tokens, cookies, and what a client sends its proxy.
  redact: ['req.headers.authorization', 'req.headers.cookie', 'req.headers["proxy-authorization"]'],
  autoLogging: { ignore: isUnloggedRequest },
  // pino-http binds the request (address, port, headers) to every line written while it runs, the
  // problem filter's "unhandled error" included: on a route promised anonymity it is its method alone.
  serializers: { req: (r: { raw: IncomingMessage; method: string }) => (isUnloggedRequest(r.raw) ? { method: r.method } : r) },
  // Who called, as the per-address limits judge it (ADR 0149): behind a trusted proxy the line's
  // `req.remoteAddress` is the proxy's for everyone. None on an unlogged route, whatever logs there.
  customProps: (req: IncomingMessage) => (isUnloggedRequest(req) ? {} : { client: clientOf(req) }),
} satisfies Params['pinoHttp'];

/** pino JSON logs, one line per request, each carrying the request's correlation id. */
@Module({ imports: [LoggerModule.forRoot({ pinoHttp: pinoHttpOptions })] })
export class LoggingModule {}
