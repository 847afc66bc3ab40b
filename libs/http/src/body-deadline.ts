import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { HttpAdapterHost } from '@nestjs/core';
import { hasBody, mediaTypeOf, PARSED_BODY_TYPES } from './body-media-type';

/** Thirty seconds: a 100 KB JSON body (the parser's limit) at 30 kbit/s, a poor rural link, still arrives. */
export const DEFAULT_BODY_DEADLINE_MS = 30_000;

/** `VANGUARD_BODY_DEADLINE_MS`, a positive whole number of milliseconds, or the default. */
export function bodyDeadlineFromEnv(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env['VANGUARD_BODY_DEADLINE_MS'];
  if (raw === undefined || raw === '') return DEFAULT_BODY_DEADLINE_MS;
  if (!/^\d+$/.test(raw) || Number(raw) <= 0)
    throw new Error(`VANGUARD_BODY_DEADLINE_MS must be a positive number of milliseconds, not ${raw}`);
  return Number(raw);
}

/**
 * A JSON or form body must arrive whole within `deadlineMs`, or the request is answered 408 and its
 * connection closed. Without it a client sending a byte every few seconds held its socket, and the
 * body parser's buffer, for Node's five-minute request timeout, and a few hundred such clients
 * held every socket a service would accept. A total deadline, not an idle one: an idle timer
 * restarts on every byte. Uploads read their own bodies under their own limits (`receiveUpload`:
 * idle, total and size), so only the types the app's parsers read are timed here.
 *
 * Plain Node request and response, mounted before the parsers, so it works under any adapter.
 */
export function bodyDeadline(deadlineMs: number) {
  return (req: IncomingMessage, res: ServerResponse, next: () => void): void => {
    if (!hasBody(req) || !(PARSED_BODY_TYPES as readonly string[]).includes(mediaTypeOf(req.headers['content-type']))) {
      next();
      return;
    }
    const timer = setTimeout(() => {
      if (req.complete || res.headersSent) return;
      // Closing, not waiting for the rest: Node would otherwise read the body to its end first.
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
    next();
  };
}

/** Past a body's own deadline, so the route's answer (408 naming its limit) comes before Node's bare one. */
export const REQUEST_TIMEOUT_GRACE_MS = 5_000;

/**
 * Node's own request timeout cuts any request whose body has not all arrived — a 408 without a
 * reason, or a dropped connection when the route was already reading — five minutes after it
 * began by default: an organisation's roster upload, allowed ten minutes, was cut at five. Set
 * from the app's deadlines instead: the JSON deadline here (configureHttpApp), raised by every
 * route that reads longer bodies itself (`allowBodiesLasting`). It is then the net for bodies no
 * route reads (a refused media type, an unknown path), which Node would otherwise read to their
 * end for as long as the client takes. Node checks every 30 s, so the net holds within that.
 */
export function limitRequestTime(server: Server, bodyDeadlineMs: number): void {
  server.requestTimeout = bodyDeadlineMs + REQUEST_TIMEOUT_GRACE_MS;
  // Node reads the headers' limit only when it is the shorter of the two.
  server.headersTimeout = Math.min(server.headersTimeout, server.requestTimeout);
}

/** Raises the request timeout (never lowers it) for a route whose bodies may take `bodyMs` to arrive. */
export function allowBodiesLasting(server: Server, bodyMs: number): void {
  server.requestTimeout = Math.max(server.requestTimeout, bodyMs + REQUEST_TIMEOUT_GRACE_MS);
}

/** allowBodiesLasting on the application's server, for an OnApplicationBootstrap hook; a script without one serves nothing. */
export function allowBodiesLastingOnceServing(adapterHost: HttpAdapterHost | undefined, bodyMs: number): void {
  const server = adapterHost?.httpAdapter?.getHttpServer() as Server | undefined;
  if (server) allowBodiesLasting(server, bodyMs);
}
