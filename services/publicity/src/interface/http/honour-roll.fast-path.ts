import type { OnApplicationBootstrap } from '@nestjs/common';
import type { HttpAdapterHost } from '@nestjs/core';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { answerAheadOnceServing, clientAddress, etagMatches, sendPreparedJson } from '@vanguard/http';
import { CORRELATION_HEADER, correlationIdOf, recordAnsweredAhead, type AnsweredAheadReceipts } from '@vanguard/observability';
import type { HonourRollVersion } from '../../infrastructure/honour-roll/honour-roll-version';
import { HonourRollPages, rollPage } from './honour-roll.pages';
import type { HonourRollRateLimiter } from './honour-roll-rate-limiter';

const ROLL_PATH = /^\/honour-roll(\/history)?\/?(?:\?(.*))?$/;

/**
 * 光荣榜 reads are the service's one route read thousands of times a second (issue 15: ≥ 2,000/s,
 * p99 ≤ 50 ms). When this process knows the roll's version (HonourRollVersion, kept by
 * LISTEN/NOTIFY) and holds the page rendered at that version, the request is answered here,
 * ahead of Express and everything on it (access logger, metrics, router, guards, pipes; ADR
 * 0066), with no query: 304 to a client holding the ETag, else the page's bytes. The
 * per-address budget is still taken; the correlation id is echoed, the access line and the
 * duration metric are recorded as the skipped layers would. Anything else — the version
 * unknown, a page not rendered yet, a query the controller must judge, a refused budget — goes
 * on to Express untouched, and the controller reads, fills the cache and answers (400, 429).
 */
export class HonourRollFastPath implements OnApplicationBootstrap {
  constructor(
    private readonly version: Pick<HonourRollVersion, 'current'>,
    private readonly pages: HonourRollPages,
    private readonly limiter: HonourRollRateLimiter,
    private readonly receipts: AnsweredAheadReceipts = {},
    private readonly adapterHost?: HttpAdapterHost,
  ) {}

  onApplicationBootstrap(): void {
    answerAheadOnceServing(this.adapterHost, (req, res) => this.answer(req, res));
  }

  /** True when answered here; false, with `res` untouched, to let Express have it. */
  answer(req: IncomingMessage, res: ServerResponse): boolean {
    if (req.method !== 'GET') return false;
    const url = req.url ?? '';
    const m = ROLL_PATH.exec(url);
    const version = m ? this.version.current() : undefined;
    const page = m && version ? rollPage(m[2]) : undefined;
    if (!m || !version || !page) return false;
    const started = performance.now();
    const what = m[1] ? 'history' : 'roll';
    // A client holding the current version needs no page: 304 even before the page is rendered.
    const held = this.pages.notModified(what, version);
    const prepared = etagMatches(req.headers['if-none-match'], held.etag) ? held : this.pages.get(what, version, page.limit, page.offset);
    if (!prepared) return false;
    const client = clientAddress(req);
    if (this.limiter.take(client) > 0) return false;
    const correlationId = correlationIdOf(req);
    sendPreparedJson(req, res, prepared, [CORRELATION_HEADER, correlationId]);
    recordAnsweredAhead(this.receipts, req, res, m[1] ? '/honour-roll/history' : '/honour-roll', correlationId, started, client);
    return true;
  }
}
