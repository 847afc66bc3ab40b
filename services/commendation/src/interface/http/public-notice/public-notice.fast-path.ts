import type { OnApplicationBootstrap } from '@nestjs/common';
import type { HttpAdapterHost } from '@nestjs/core';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { answerAheadOnceServing, clientAddress, prepareJson, sendPreparedJson, sendRenderedJson, type PreparedJson } from '@vanguard/http';
import { CORRELATION_HEADER, correlationIdOf, recordAnsweredAhead, type AnsweredAheadReceipts } from '@vanguard/observability';
import type { PublicNoticeQueries, RenderedNotice } from '../../../application/public-notice/public-notice.queries';
import type { PublicRateLimiter } from '../../../infrastructure/public-notice/public-rate-limiter';

const NOTICE_PATH = /^\/public-notices\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\/?(?:\?.*)?$/i;
/** Express's name for the controller's route: the metric the fast path records is the one the controller's answers get. */
const ROUTE = '/public-notices/:programmeId';
const CACHE_CONTROL = 'public, max-age=5';

/** The notice's answer: cacheable for a few seconds, validated by its ETag (304 when the client holds the same text). */
export function sendNotice(req: IncomingMessage, res: ServerResponse, rendered: RenderedNotice): void {
  sendRenderedJson(req, res, rendered, CACHE_CONTROL);
}

/**
 * 公示 reads are the one route read thousands of times a second (issue 11: ≥ 2,000/s, p99 ≤ 50 ms).
 * A notice rendered in the last second is answered here, ahead of Express and everything on it
 * (access logger, metrics, router, guards, pipes; ADR 0066 as the honour roll does), with its
 * bytes prepared once per render: 304 to a client holding the ETag, else the page. The
 * per-address budget is still taken; the correlation id is echoed, the access line and the
 * duration metric are recorded as the skipped layers would. Anything else — a miss, an unknown
 * notice, a refused budget — goes on to Express untouched, and the controller reads, fills the
 * cache and answers (404, 429) in the platform's error shape.
 */
export class PublicNoticeFastPath implements OnApplicationBootstrap {
  private readonly prepared = new WeakMap<RenderedNotice, PreparedJson>();

  constructor(
    private readonly queries: Pick<PublicNoticeQueries, 'cached'>,
    private readonly limiter: Pick<PublicRateLimiter, 'readWait'>,
    private readonly receipts: AnsweredAheadReceipts = {},
    private readonly adapterHost?: HttpAdapterHost,
  ) {}

  onApplicationBootstrap(): void {
    answerAheadOnceServing(this.adapterHost, (req, res) => this.answer(req, res));
  }

  /** True when answered here; false, with `res` untouched, to let Express have it. */
  answer(req: IncomingMessage, res: ServerResponse): boolean {
    if (req.method !== 'GET') return false;
    const programmeId = NOTICE_PATH.exec(req.url ?? '')?.[1];
    const rendered = programmeId ? this.queries.cached(programmeId.toLowerCase()) : undefined;
    if (!rendered) return false;
    const started = performance.now();
    const client = clientAddress(req);
    if (this.limiter.readWait(client) > 0) return false;
    const correlationId = correlationIdOf(req);
    if (!sendPreparedJson(req, res, this.preparedOf(rendered), [CORRELATION_HEADER, correlationId])) return false;
    recordAnsweredAhead(this.receipts, req, res, ROUTE, correlationId, started, client);
    return true;
  }

  private preparedOf(rendered: RenderedNotice): PreparedJson {
    let p = this.prepared.get(rendered);
    if (!p) this.prepared.set(rendered, (p = prepareJson(rendered.etag, rendered.body, CACHE_CONTROL)));
    return p;
  }
}
