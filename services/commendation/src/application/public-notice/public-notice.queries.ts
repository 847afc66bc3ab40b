import { Inject, Injectable } from '@nestjs/common';
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

/** The public reads, with a short cache in front of the notice (it changes once a round). */
@Injectable()
export class PublicNoticeQueries {
  private readonly cache = new Map<string, { at: number; notice: PublicNotice | null }>();

  constructor(@Inject(PUBLIC_NOTICE_READ_MODEL) private readonly reads: PublicNoticeReadModel) {}

  async notice(programmeId: string, now = Date.now()): Promise<PublicNotice> {
    const hit = this.cache.get(programmeId);
    const notice = hit && now - hit.at < NOTICE_TTL_MS ? hit.notice : await this.fresh(programmeId, now);
    if (!notice) throw new PublicNoticeNotFoundError();
    return notice;
  }

  async objection(trackingCode: string): Promise<ObjectionStatus> {
    const status = await this.reads.objection(trackingCode);
    if (!status) throw new TrackingCodeNotFoundError();
    return status;
  }

  private async fresh(programmeId: string, now: number): Promise<PublicNotice | null> {
    const notice = await this.reads.notice(programmeId);
    this.cache.delete(programmeId);
    this.cache.set(programmeId, { at: now, notice });
    if (this.cache.size > MAX_CACHED) this.cache.delete(this.cache.keys().next().value!);
    return notice;
  }
}
