import { Injectable, type NestMiddleware } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { etagMatches, sendRenderedJson } from '@vanguard/http';
import { HonourRollVersion } from '../../infrastructure/honour-roll/honour-roll-version';
import { HonourRollPages, ROLL_CACHE_CONTROL, rollEtag, rollPage } from './honour-roll.pages';
import { HonourRollRateLimiter } from './honour-roll-rate-limiter';

const ROLL_PATH = /^\/honour-roll(\/history)?\/?(?:\?(.*))?$/;

/**
 * 光荣榜 reads are the service's one route read thousands of times a second (issue 15: ≥ 2,000/s,
 * p99 ≤ 50 ms). When this process knows the roll's version (HonourRollVersion, kept by
 * LISTEN/NOTIFY) and holds the page rendered at that version, the request is answered here,
 * before guards, pipes and interceptors, with no query: 304 to a client holding the ETag, else
 * the page's text. The per-address budget is still taken. Anything else — the version unknown,
 * a page not rendered yet, a query the controller must judge, a refused budget — goes on to
 * the controller, which reads, fills the cache and answers (400, 429) in the platform's shape.
 */
@Injectable()
export class HonourRollFastPath implements NestMiddleware {
  constructor(
    private readonly version: HonourRollVersion,
    private readonly pages: HonourRollPages,
    private readonly limiter: HonourRollRateLimiter,
  ) {}

  use(req: IncomingMessage & { originalUrl?: string }, res: ServerResponse, next: () => void): void {
    const m = req.method === 'GET' ? ROLL_PATH.exec(req.originalUrl ?? req.url ?? '') : null;
    const version = m ? this.version.current() : undefined;
    const page = m && version ? rollPage(m[2]) : undefined;
    if (!m || !version || !page) return next();
    const what = m[1] ? 'history' : 'roll';
    const etag = rollEtag(what, version);
    // A client holding the current version needs no page: 304 even before the page is rendered.
    const held = etagMatches(req.headers['if-none-match'], etag);
    const rendered = held ? { value: null, body: '', etag } : this.pages.get(what, version, page.limit, page.offset);
    if (!rendered || this.limiter.take(req.socket.remoteAddress ?? 'unknown') > 0) return next();
    sendRenderedJson(req, res, rendered, ROLL_CACHE_CONTROL);
  }
}
