import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { CallHandler, ExecutionContext, NestInterceptor } from '@nestjs/common';
import type { HttpAdapterHost } from '@nestjs/core';
import { hasBody, mediaTypeOf, PARSED_BODY_TYPES } from './body-media-type';

/** Thirty seconds: a 100 KB JSON body (the parser's limit) at 30 kbit/s, a poor rural link, still arrives. */
export const DEFAULT_BODY_DEADLINE_MS = 30_000;

/** Express's JSON and form parsers' limit as Nest mounts them (100 kB): a body declared larger is refused before it is read. */
export const PARSED_BODY_LIMIT_BYTES = 100 * 1024;

/** Past a body's own deadline, so the route's answer (408 naming its limit) comes before Node's bare one. */
export const REQUEST_TIMEOUT_GRACE_MS = 5_000;

/** The longest delay a Node timer keeps: a longer one fires at once (TimeoutOverflowWarning). */
const MAX_TIMER_MS = 2_147_483_647;

/** `VANGUARD_BODY_DEADLINE_MS`, a positive whole number of milliseconds a timer can hold, or the default. */
export function bodyDeadlineFromEnv(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env['VANGUARD_BODY_DEADLINE_MS'];
  if (raw === undefined || raw === '') return DEFAULT_BODY_DEADLINE_MS;
  if (!/^\d+$/.test(raw) || Number(raw) <= 0 || Number(raw) > MAX_TIMER_MS)
    throw new Error(`VANGUARD_BODY_DEADLINE_MS must be a positive number of milliseconds up to ${MAX_TIMER_MS}, not ${raw}`);
  return Number(raw);
}

const parsedType = (req: IncomingMessage) => (PARSED_BODY_TYPES as readonly string[]).includes(mediaTypeOf(req.headers['content-type']));

/**
 * Two clocks on request bodies (ADR 0115):
 *
 * - A JSON or form body must arrive whole within `deadlineMs` of reaching the app, or the request
 *   is answered 408 and its connection closed. Without it a client sending a byte every few
 *   seconds held its socket and the parser's buffer for Node's five-minute request timeout. A
 *   total deadline, not an idle one: an idle timer restarts on every byte. Uploads read their own
 *   bodies under their own limits (`receiveUpload`), so only the parsers' types are timed.
 * - Any body still arriving when its answer starts (a 401, 404 or 415 given without reading it)
 *   gets `Connection: close`: Node would otherwise read it to its end, for as long as the client
 *   takes, before the connection could carry another request.
 *
 * Plain Node request and response, mounted before the parsers, so it works under any adapter.
 */
export function bodyDeadline(deadlineMs: number) {
  return (req: IncomingMessage, res: ServerResponse, next: () => void): void => {
    if (!hasBody(req)) return next();
    closeIfAnsweredBeforeTheBody(req, res);
    if (!parsedType(req)) return next();
    // The parser would answer 413 only after reading the whole body to its end, however slowly it came.
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > PARSED_BODY_LIMIT_BYTES) return tooLarge(res);
    startBodyClock(req, res, deadlineMs);
    next();
  };
}

/**
 * The body must have arrived within `deadlineMs`, or the request is answered 408 naming the limit
 * (and its connection closed: closeIfAnsweredBeforeTheBody, or Node's own Connection: close).
 */
function startBodyClock(req: IncomingMessage, res: ServerResponse, deadlineMs: number): void {
  const timer = setTimeout(() => {
    if (req.complete || res.headersSent) return;
    res.shouldKeepAlive = false;
    res.statusCode = 408;
    res.setHeader('connection', 'close');
    res.setHeader('content-type', 'application/json; charset=utf-8');
    res.end(
      JSON.stringify({
        statusCode: 408,
        code: 'REQUEST.TIMEOUT',
        message: `请求体未在 ${deadlineMs} 毫秒内传完 / the request body did not arrive within ${deadlineMs} ms`,
        errors: [{ field: 'body', reason: `not complete within ${deadlineMs} ms` }],
      }),
    );
  }, deadlineMs);
  const settle = () => clearTimeout(timer);
  req.once('end', settle);
  req.once('close', settle);
  res.once('close', settle);
}

/**
 * The same clock for a route whose body a reader without one takes (multer, for publicity's
 * attachments): listed before that reader in `@UseInterceptors`, so the clock runs while it reads.
 * Raise Node's request timeout to match (allowBodiesLasting), or Node's net cuts it first.
 */
export function bodyClock(deadlineMs: number): NestInterceptor {
  return {
    intercept(context: ExecutionContext, next: CallHandler) {
      const http = context.switchToHttp();
      const req = http.getRequest<IncomingMessage>();
      if (hasBody(req) && !req.complete) startBodyClock(req, http.getResponse<ServerResponse>(), deadlineMs);
      return next.handle();
    },
  };
}

function tooLarge(res: ServerResponse): void {
  res.statusCode = 413;
  res.setHeader('content-type', 'application/json; charset=utf-8');
  res.end(
    JSON.stringify({
      statusCode: 413,
      code: 'REQUEST.TOO_LARGE',
      message: `请求体超过上限 ${PARSED_BODY_LIMIT_BYTES} 字节 / the body exceeds the limit of ${PARSED_BODY_LIMIT_BYTES} bytes`,
      errors: [{ field: 'body', reason: `at most ${PARSED_BODY_LIMIT_BYTES} bytes` }],
    }),
  );
}

/** Wraps `writeHead`, which every answer passes through (an implicit one too), to close a connection whose body is unfinished. */
function closeIfAnsweredBeforeTheBody(req: IncomingMessage, res: ServerResponse): void {
  const writeHead = res.writeHead.bind(res);
  res.writeHead = function (this: ServerResponse, ...args: Parameters<ServerResponse['writeHead']>) {
    if (!req.complete && !this.headersSent) {
      this.shouldKeepAlive = false;
      this.setHeader('connection', 'close');
    }
    return writeHead(...args);
  } as ServerResponse['writeHead'];
}

/**
 * Node's own request timeout cuts any request whose body has not all arrived — a bare 408, or a
 * dropped connection when a route was still reading — counted from the request's first byte;
 * five minutes by default, which cut a roster upload its route allows ten. Set from the app's own
 * clocks instead, headers included (Node's `headersTimeout`), so a route's clock always fires
 * first: the JSON deadline here (configureHttpApp), raised by every route that reads a longer
 * body itself (`allowBodiesLasting`). Node checks every 30 s, so it acts within that.
 */
export function limitRequestTime(server: Server, bodyDeadlineMs: number): void {
  server.requestTimeout = server.headersTimeout + bodyDeadlineMs + REQUEST_TIMEOUT_GRACE_MS;
}

/** Raises the request timeout (never lowers it) for a route whose bodies may take `bodyMs` once their headers are in. */
export function allowBodiesLasting(server: Server, bodyMs: number): void {
  server.requestTimeout = Math.max(server.requestTimeout, server.headersTimeout + bodyMs + REQUEST_TIMEOUT_GRACE_MS);
}

/** allowBodiesLasting on the application's server, for an OnApplicationBootstrap hook; a script without one serves nothing. */
export function allowBodiesLastingOnceServing(adapterHost: HttpAdapterHost | undefined, bodyMs: number): void {
  const server = adapterHost?.httpAdapter?.getHttpServer() as Server | undefined;
  if (server) allowBodiesLasting(server, bodyMs);
}
