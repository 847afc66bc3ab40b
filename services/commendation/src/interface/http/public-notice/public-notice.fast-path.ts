import { Injectable, type NestMiddleware } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendRenderedJson } from '@vanguard/http';
import { PublicNoticeQueries, type RenderedNotice } from '../../../application/public-notice/public-notice.queries';
import { PublicRateLimiter } from '../../../infrastructure/public-notice/public-rate-limiter';

const NOTICE_PATH = /^\/public-notices\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\/?(?:\?.*)?$/i;

/** The notice's answer: cacheable for a few seconds, validated by its ETag (304 when the client holds the same text). */
export function sendNotice(req: IncomingMessage, res: ServerResponse, rendered: RenderedNotice): void {
  sendRenderedJson(req, res, rendered, 'public, max-age=5');
}

/**
 * 公示 reads are the one route read thousands of times a second (issue 11: ≥ 2,000/s). A notice
 * rendered in the last second is answered here, before guards, pipes and interceptors, with its
 * pre-rendered text; the per-address budget is still taken. Anything else — a miss, an unknown
 * notice, a refused budget — goes on to the controller, which reads, fills the cache and answers
 * (404, 429) in the platform's error shape.
 */
@Injectable()
export class PublicNoticeFastPath implements NestMiddleware {
  constructor(
    private readonly queries: PublicNoticeQueries,
    private readonly limiter: PublicRateLimiter,
  ) {}

  use(req: IncomingMessage & { originalUrl?: string }, res: ServerResponse, next: () => void): void {
    const programmeId = req.method === 'GET' ? NOTICE_PATH.exec(req.originalUrl ?? req.url ?? '')?.[1] : undefined;
    const rendered = programmeId ? this.queries.cached(programmeId.toLowerCase()) : undefined;
    if (!rendered) return next();
    try {
      this.limiter.read(req.socket.remoteAddress ?? 'unknown');
    } catch {
      return next();
    }
    sendNotice(req, res, rendered);
  }
}
