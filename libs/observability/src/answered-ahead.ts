import type { IncomingMessage, ServerResponse } from 'node:http';
import { PinoLogger } from 'nestjs-pino';
import type { Histogram } from 'prom-client';
import { metricsRegistry } from './metrics';

/** The access line pino-http writes for a request, as flat fields. */
export interface AccessLine {
  readonly correlationId: string;
  readonly method: string;
  readonly url: string;
  readonly remoteAddress: string | undefined;
  /** The caller as the per-address limits judge it, behind a trusted proxy too (ADR 0149). */
  readonly client: string;
  readonly statusCode: number;
  readonly responseTime: number;
}

/**
 * What the access logger and the metrics middleware would have recorded for a request answered
 * ahead of them (libs/http `answerAheadOfRouter`, ADR 0066): a public page read thousands of
 * times a second skips both, so its fast path records them itself.
 */
export interface AnsweredAheadReceipts {
  /** One access-log line, written only when the logger's level would write one (info). */
  log?(line: AccessLine): void;
  /** The duration metric, under the controller's route as Express names it. */
  observe?(route: string, status: number, seconds: number): void;
}

/**
 * Receipts written where pino-http and the metrics middleware would have written them: the same
 * logger (its level and redaction), a `request completed` line; the same histogram. The line
 * carries no headers: a public read has nothing in them the log needs.
 */
export function answeredAheadReceipts(): AnsweredAheadReceipts {
  const histogram = metricsRegistry.getSingleMetric('http_request_duration_seconds') as
    Histogram<'method' | 'route' | 'status'> | undefined;
  return {
    observe: (route, status, seconds) => histogram?.observe({ method: 'GET', route, status: String(status) }, seconds),
    log: ({ correlationId, method, url, remoteAddress, client, statusCode, responseTime }) => {
      const logger = PinoLogger.root as PinoLogger['logger'] | undefined;
      if (!logger?.isLevelEnabled('info')) return;
      // Flat fields, not `req`/`res`: the logger's request/response serializers (pino-http's) read
      // real objects — given plain ones they logged every hit with statusCode null and no address.
      logger.info({ correlationId, method, url, remoteAddress, client, statusCode, responseTime }, 'request completed');
    },
  };
}

/**
 * Records a request the fast path has answered: the metric under `route`, then the access line.
 * `client` is the caller as its rate limit judged it (libs/http `clientAddress`), already worked out.
 */
export function recordAnsweredAhead(
  receipts: AnsweredAheadReceipts,
  req: IncomingMessage,
  res: ServerResponse,
  route: string,
  correlationId: string,
  startedMs: number,
  client: string,
): void {
  const ms = performance.now() - startedMs;
  receipts.observe?.(route, res.statusCode, ms / 1000);
  receipts.log?.({
    correlationId,
    method: req.method ?? 'GET',
    url: req.url ?? '',
    remoteAddress: req.socket?.remoteAddress,
    client,
    statusCode: res.statusCode,
    responseTime: Math.round(ms),
  });
}
