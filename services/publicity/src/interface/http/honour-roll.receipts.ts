import { metricsRegistry } from '@vanguard/observability';
import { PinoLogger } from 'nestjs-pino';
import type { Histogram } from 'prom-client';
import type { RollReadReceipts } from './honour-roll.fast-path';

/**
 * The access line and the duration metric of a roll read answered ahead of Express, written
 * where pino-http and the metrics middleware would have written them: the same logger (its
 * level and redaction), a `request completed` line with the correlation id, method, url, address
 * and status; the same histogram, labelled with the controller's route (before ADR 0066 the
 * middleware answer was labelled `unmatched`). The line carries no headers: a public read has
 * nothing in them the log needs.
 */
export function rollReadReceipts(): RollReadReceipts {
  const histogram = metricsRegistry.getSingleMetric('http_request_duration_seconds') as
    Histogram<'method' | 'route' | 'status'> | undefined;
  return {
    observe: (route, status, seconds) => histogram?.observe({ method: 'GET', route, status: String(status) }, seconds),
    log: ({ correlationId, method, url, remoteAddress, statusCode, responseTime }) => {
      const logger = PinoLogger.root as PinoLogger['logger'] | undefined;
      if (!logger?.isLevelEnabled('info')) return;
      // Flat fields, not `req`/`res`: the logger's request/response serializers (pino-http's) read
      // real objects — given plain ones they logged every hit with statusCode null and no address.
      logger.info({ correlationId, method, url, remoteAddress, statusCode, responseTime }, 'request completed');
    },
  };
}
