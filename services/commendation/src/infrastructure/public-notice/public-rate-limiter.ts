import { HttpException, HttpStatus } from '@nestjs/common';
import type { PublicLimits } from '../../commendation.config';

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

const tooMany = (waitMs: number, what: string) =>
  new HttpException(
    {
      code: 'LIMIT.TOO_MANY',
      message: `请求过于频繁，请稍后再试 / too many ${what}; try again later`,
      retryAfterSec: Math.max(1, Math.ceil(waitMs / 1000)),
    },
    HttpStatus.TOO_MANY_REQUESTS,
  );

/**
 * The public endpoints' limits, in this process (each replica counts its own, as the ballot
 * box does, ADR 0027): notice reads per address; objections per address and per notice. A
 * refusal is 429 LIMIT.TOO_MANY with the seconds to wait. The objection budget is taken
 * before anything is validated or stored, so a flood costs nothing but the refusal.
 */
export class PublicRateLimiter {
  private readonly reads: Buckets;
  private readonly objectionsByAddress: Buckets;
  private readonly objectionsByNotice: Buckets;

  constructor(
    limits: PublicLimits,
    private readonly now: () => number = Date.now,
  ) {
    this.reads = new Buckets(limits.readsPerAddressPerMinute, limits.readsPerAddressPerMinute / 60_000);
    this.objectionsByAddress = new Buckets(limits.objectionsPerAddressPerHour, limits.objectionsPerAddressPerHour / 3_600_000);
    this.objectionsByNotice = new Buckets(limits.objectionsPerNoticePerMinute, limits.objectionsPerNoticePerMinute / 60_000);
  }

  read(address: string): void {
    const waitMs = this.reads.take(address, this.now());
    if (waitMs > 0) throw tooMany(waitMs, 'reads');
  }

  objection(address: string, programmeId: string): void {
    const now = this.now();
    const waitMs = this.objectionsByAddress.take(address, now) || this.objectionsByNotice.take(programmeId, now);
    if (waitMs > 0) throw tooMany(waitMs, 'objections');
  }
}
