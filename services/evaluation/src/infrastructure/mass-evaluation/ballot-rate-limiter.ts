import { TokenBuckets, tooManyRequests } from '@vanguard/http';

export interface BallotRateLimits {
  /** Ballots one address may post per minute (a village meeting hall shares one address). */
  readonly perAddressPerMinute: number;
  /** Ballots one window takes per second, from everyone together. */
  readonly perWindowPerSecond: number;
}

/**
 * The public ballot endpoint's limits, per calling address and per window, in this process
 * (each replica counts its own; ADR 0027). A refusal is 429 with Retry-After in whole seconds.
 */
export class BallotRateLimiter {
  private readonly byAddress: TokenBuckets;
  private readonly byWindow: TokenBuckets;

  constructor(
    limits: BallotRateLimits,
    private readonly now: () => number = Date.now,
  ) {
    this.byAddress = TokenBuckets.perMinute(limits.perAddressPerMinute);
    this.byWindow = TokenBuckets.perSecond(limits.perWindowPerSecond);
  }

  check(address: string, windowId: string): void {
    const now = this.now();
    const waitMs = this.byAddress.take(address, now) || this.byWindow.take(windowId, now);
    if (waitMs > 0) throw tooManyRequests(waitMs, { zh: '投票', en: 'ballots' });
  }
}
