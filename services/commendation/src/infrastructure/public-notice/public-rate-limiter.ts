import { TokenBuckets, tooManyRequests } from '@vanguard/http';
import type { PublicLimits } from '../../commendation.config';

/**
 * The public endpoints' limits, in this process (each replica counts its own, as the ballot
 * box does, ADR 0027): notice reads per address; objections per address and per notice. A
 * refusal is 429 LIMIT.TOO_MANY with the seconds to wait. The objection budget is taken
 * before anything is validated or stored, so a flood costs nothing but the refusal.
 */
export class PublicRateLimiter {
  private readonly reads: TokenBuckets;
  private readonly objectionsByAddress: TokenBuckets;
  private readonly objectionsByNotice: TokenBuckets;
  private readonly refundsByAddress: TokenBuckets;

  constructor(
    limits: PublicLimits,
    private readonly now: () => number = Date.now,
  ) {
    this.reads = TokenBuckets.perMinute(limits.readsPerAddressPerMinute);
    this.objectionsByAddress = TokenBuckets.perHour(limits.objectionsPerAddressPerHour);
    this.objectionsByNotice = TokenBuckets.perMinute(limits.objectionsPerNoticePerMinute);
    this.refundsByAddress = TokenBuckets.perHour(limits.objectionsPerAddressPerHour);
  }

  read(address: string): void {
    const waitMs = this.readWait(address);
    if (waitMs > 0) throw tooManyRequests(waitMs, { zh: '请求', en: 'reads' });
  }

  /** Takes a read from the address's budget: 0, or the milliseconds to wait (nothing taken). */
  readWait(address: string): number {
    return this.reads.take(address, this.now());
  }

  objection(address: string, programmeId: string): void {
    const now = this.now();
    const waitMs = this.objectionsByAddress.take(address, now) || this.objectionsByNotice.take(programmeId, now);
    if (waitMs > 0) throw tooManyRequests(waitMs, { zh: '异议', en: 'objections' });
  }

  /**
   * An objection turned away because a decision held the programme (OBJECTIONS.BUSY) does not
   * count against its address, up to the address's own budget of such refunds an hour: a busy
   * service is no way round the limit. The notice's budget, the cap an address spread cannot
   * get round, stays spent, and so does the address's when the refusal was load's (no connection).
   */
  objectionNotServed(address: string): void {
    if (this.refundsByAddress.take(address, this.now()) === 0) this.objectionsByAddress.giveBack(address);
  }
}
