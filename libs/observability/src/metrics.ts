import { Controller, Get, Header, Injectable, Module, type NestMiddleware, type MiddlewareConsumer, type NestModule } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Public } from '@vanguard/auth';
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** One registry per process; libraries (consumers, relays) register their own metrics on it. */
export const metricsRegistry = new Registry();
collectDefaultMetrics({ register: metricsRegistry });

const httpDuration = new Histogram({
  name: 'http_request_duration_seconds',
  help: 'HTTP request duration by method, route and status',
  labelNames: ['method', 'route', 'status'] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
  registers: [metricsRegistry],
});

const parkedEvents = new Counter({
  name: 'vanguard_projection_parked_events_total',
  help: 'Events a read model could not store and skipped (projection_parked_events, ADR 0090): any rise is an alarm',
  labelNames: ['projection'] as const,
  registers: [metricsRegistry],
});

/**
 * The alarm for an event a read model parked: counted for the scrape and logged as an error with
 * its place and the database's code only (the message, which may quote a value, stays in the table).
 */
export function parkedEventAlarm(logger: { error(message: string): void }) {
  return (projection: string, event: { eventId: string; type: string; streamId: string }, reason: { code: string }): void => {
    parkedEvents.inc({ projection });
    logger.error(
      `projection ${projection} parked event ${event.eventId} (${event.type}, stream ${event.streamId}): the database refused it with ${reason.code}; see projection_parked_events, fix, then rebuild`,
    );
  };
}

/**
 * The status label of a request whose client went away before the answer was sent: nginx's 499
 * ("client closed request"), so abandoned requests — often the slowest — still reach the histogram.
 */
export const CLIENT_CLOSED_STATUS = '499';

@Injectable()
class HttpMetricsMiddleware implements NestMiddleware {
  use(req: IncomingMessage & { route?: { path?: string }; baseUrl?: string }, res: ServerResponse, next: () => void): void {
    const end = httpDuration.startTimer();
    let recorded = false;
    const record = (status: string) => {
      if (recorded) return;
      recorded = true;
      // The matched route pattern, not the raw URL, keeps label cardinality bounded.
      const route = req.route?.path ? `${req.baseUrl ?? ''}${req.route.path}` : 'unmatched';
      end({ method: req.method ?? 'GET', route, status });
    };
    res.on('finish', () => record(String(res.statusCode)));
    // 'close' follows 'finish' on every answered request; alone, it means the client left first.
    res.on('close', () => record(res.writableFinished ? String(res.statusCode) : CLIENT_CLOSED_STATUS));
    next();
  }
}

@ApiExcludeController()
@Public()
@Controller('metrics')
class MetricsController {
  @Get()
  @Header('Content-Type', metricsRegistry.contentType)
  scrape(): Promise<string> {
    return metricsRegistry.metrics();
  }
}

@Module({ controllers: [MetricsController] })
export class MetricsModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(HttpMetricsMiddleware).forRoutes('*path');
  }
}
