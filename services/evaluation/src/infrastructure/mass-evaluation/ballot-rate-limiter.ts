import { HttpException, HttpStatus } from '@nestjs/common';

export interface BallotRateLimits {
  /** Ballots one address may post per minute (a village meeting hall shares one address). */
  readonly perAddressPerMinute: number;
  /** Ballots one window takes per second, from everyone together. */
  readonly perWindowPerSecond: number;
}

interface Bucket {
  tokens: number;
  at: number;
}

/** Token buckets, one per key, forgotten oldest first past `maxKeys` so memory stays bounded. */
class Buckets {
  private readonly buckets = new Map<string, Bucket>();
  constructor(
    private readonly capacity: number,
    private readonly perMs: number,
    private readonly maxKeys = 100_000,
  ) {}

  /** 0 when a token was taken, else the milliseconds until one is there. */
  take(key: string, now: number): number {
    const b = this.buckets.get(key) ?? { tokens: this.capacity, at: now };
    b.tokens = Math.min(this.capacity, b.tokens + (now - b.at) * this.perMs);
    b.at = now;
    this.buckets.delete(key);
    this.buckets.set(key, b);
    if (this.buckets.size > this.maxKeys) this.buckets.delete(this.buckets.keys().next().value!);
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return 0;
    }
    return Math.ceil((1 - b.tokens) / this.perMs);
  }
}

/**
 * The public ballot endpoint's limits, per calling address and per window, in this process
 * (each replica counts its own; ADR 0027). A refusal is 429 with Retry-After in whole seconds.
 */
export class BallotRateLimiter {
  private readonly byAddress: Buckets;
  private readonly byWindow: Buckets;

  constructor(
    limits: BallotRateLimits,
    private readonly now: () => number = Date.now,
  ) {
    this.byAddress = new Buckets(limits.perAddressPerMinute, limits.perAddressPerMinute / 60_000);
    this.byWindow = new Buckets(limits.perWindowPerSecond, limits.perWindowPerSecond / 1000);
  }

  check(address: string, windowId: string): void {
    const now = this.now();
    const waitMs = this.byAddress.take(address, now) || this.byWindow.take(windowId, now);
    if (waitMs > 0) {
      throw new HttpException(
        {
          code: 'LIMIT.TOO_MANY',
          message: '投票过于频繁，请稍后再试 / too many ballots; try again later',
          retryAfterSec: Math.max(1, Math.ceil(waitMs / 1000)),
        },
        HttpStatus.TOO_MANY_REQUESTS,
      );
    }
  }
}
