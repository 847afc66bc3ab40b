import { Inject, Injectable } from '@nestjs/common';
import { renderJson, type RenderedJson } from '@vanguard/http';
import { DomainError } from '@vanguard/kernel';
import {
  PUBLIC_NOTICE_READ_MODEL,
  type ObjectionStatus,
  type PublicNotice,
  type PublicNoticeReadModel,
} from './public-notice-read-model.port';

export class PublicNoticeNotFoundError extends DomainError {
  constructor() {
    super('NOTICE.NOT_FOUND', 'not_found', '没有这项公示 / no such notice');
  }
}

export class TrackingCodeNotFoundError extends DomainError {
  constructor() {
    super('OBJECTION.NOT_FOUND', 'not_found', '没有这个查询码 / no objection with this tracking code');
  }
}

/** How long a read notice is served from memory: a public page read thousands of times a second may be a second old. */
const NOTICE_TTL_MS = 1000;
const MAX_CACHED = 1000;

/** A notice as sent: its JSON text, rendered once per refill, and a strong validator of that text (libs/http). */
export type RenderedNotice = RenderedJson<PublicNotice>;

/**
 * The public reads, with a short cache in front of the notice (it changes once a round, or when
 * an entry is withdrawn). Each refill renders the JSON once and hashes it into the ETag, so a hit
 * costs neither a query nor a serialisation, and a client holding the text gets 304.
 */
@Injectable()
export class PublicNoticeQueries {
  private readonly cache = new Map<string, { at: number; rendered: RenderedNotice | null }>();

  constructor(@Inject(PUBLIC_NOTICE_READ_MODEL) private readonly reads: PublicNoticeReadModel) {}

  async notice(programmeId: string, now = Date.now()): Promise<PublicNotice> {
    return (await this.rendered(programmeId, now)).value;
  }

  /** The notice as rendered text with its ETag (404 NOTICE.NOT_FOUND when there is none). */
  async rendered(programmeId: string, now = Date.now()): Promise<RenderedNotice> {
    const rendered = this.cached(programmeId, now) ?? (await this.fresh(programmeId, now));
    if (!rendered) throw new PublicNoticeNotFoundError();
    return rendered;
  }

  /** A rendered notice still fresh in memory, without waiting (undefined on a miss, null for a known absence). */
  cached(programmeId: string, now = Date.now()): RenderedNotice | null | undefined {
    const hit = this.cache.get(programmeId);
    return hit && now - hit.at < NOTICE_TTL_MS ? hit.rendered : undefined;
  }

  async objection(trackingCode: string): Promise<ObjectionStatus> {
    const status = await this.reads.objection(trackingCode);
    if (!status) throw new TrackingCodeNotFoundError();
    return status;
  }

  private async fresh(programmeId: string, now: number): Promise<RenderedNotice | null> {
    const notice = await this.reads.notice(programmeId);
    const rendered = notice ? renderJson(notice) : null;
    this.cache.delete(programmeId);
    this.cache.set(programmeId, { at: now, rendered });
    if (this.cache.size > MAX_CACHED) this.cache.delete(this.cache.keys().next().value!);
    return rendered;
  }
}
