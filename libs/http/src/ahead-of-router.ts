import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { HttpAdapterHost } from '@nestjs/core';
import { hasBody } from './body-media-type';
import { canonicalUrl } from './canonical-uuids';

/** Answers a request and says so (true), or leaves it to the framework (false) without touching `res`. */
export type AheadOfRouter = (req: IncomingMessage, res: ServerResponse) => boolean;

type RequestListener = (req: IncomingMessage, res: ServerResponse) => void;

/**
 * Puts `answer` in front of the server's own request listeners — Express and everything Nest
 * mounts on it: the access logger, the metrics middleware, the router, guards, pipes. A public
 * page read thousands of times a second and already rendered (ADR 0066) then costs Node's HTTP
 * parsing and one write, not a walk through a dozen middleware layers; whatever `answer` leaves
 * reaches those listeners exactly as before. Call it once the server exists (Nest creates it with
 * the application, so an OnApplicationBootstrap hook will do); what `answer` skips — an access-log
 * line, a metric — it must do itself.
 */
export function answerAheadOfRouter(server: Server, answer: AheadOfRouter): void {
  const framework = server.listeners('request') as RequestListener[];
  server.removeAllListeners('request');
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    // The fast path sees ids as the router will (canonicalUuidUrls): one spelling of each.
    if (req.url) req.url = canonicalUrl(req.url);
    try {
      // A request carrying a body goes the long way, where the body's clock and Connection: close
      // apply (ADR 0115): answered here, a trickled body held a keep-alive socket for minutes.
      if (!hasBody(req) && answer(req, res)) return;
    } catch {
      // Outside Express nothing would catch it and the process would go down: Express answers instead,
      // unless the fast path had begun writing, in which case the connection is cut.
      if (res.headersSent) return void res.destroy();
    }
    for (const listener of framework) listener.call(server, req, res);
  });
}

/**
 * answerAheadOfRouter on the application's HTTP server, for a provider's OnApplicationBootstrap
 * hook (the server exists by then); an application context without one (a script) serves nothing.
 */
export function answerAheadOnceServing(adapterHost: HttpAdapterHost | undefined, answer: AheadOfRouter): void {
  const server = adapterHost?.httpAdapter?.getHttpServer() as Server | undefined;
  if (server) answerAheadOfRouter(server, answer);
}
