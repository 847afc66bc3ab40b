import { HttpException, HttpStatus, Injectable, type CanActivate, type ExecutionContext, type Type } from '@nestjs/common';
import { clientAddress, type AddressedRequest } from './client-address';

interface Bucket {
  tokens: number;
  at: number;
}

/**
 * Token buckets, one per key (a calling address, a ballot window, a notice), in this process:
 * each replica counts its own (ADR 0027), which bounds one caller per replica, not across
 * replicas. Keys are forgotten oldest first past `maxKeys`, so a flood of addresses cannot
 * grow memory without bound; a forgotten key starts again with a full bucket.
 */
export class TokenBuckets {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    private readonly capacity: number,
    private readonly perMs: number,
    private readonly maxKeys = 100_000,
  ) {
    if (!(capacity > 0) || !(perMs > 0)) throw new Error(`a rate limit needs a positive budget (capacity ${capacity}, refill ${perMs}/ms)`);
  }

  static perMinute(n: number, maxKeys?: number): TokenBuckets {
    return new TokenBuckets(n, n / 60_000, maxKeys);
  }

  static perSecond(n: number, maxKeys?: number): TokenBuckets {
    return new TokenBuckets(n, n / 1_000, maxKeys);
  }

  static perHour(n: number, maxKeys?: number): TokenBuckets {
    return new TokenBuckets(n, n / 3_600_000, maxKeys);
  }

  /** 0 when a token was taken, else the milliseconds until one is there (nothing taken). */
  take(key: string, now: number): number {
    const b = this.buckets.get(key) ?? { tokens: this.capacity, at: now };
    b.tokens = Math.min(this.capacity, b.tokens + (now - b.at) * this.perMs);
    b.at = now;
    // Re-inserting moves the key to the end: the Map's order is then least recently used first.
    this.buckets.delete(key);
    this.buckets.set(key, b);
    if (this.buckets.size > this.maxKeys) this.buckets.delete(this.buckets.keys().next().value!);
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return 0;
    }
    return Math.ceil((1 - b.tokens) / this.perMs);
  }

  /** Returns a token taken for a request the server could not serve (never past the capacity). */
  giveBack(key: string): void {
    const b = this.buckets.get(key);
    if (b) b.tokens = Math.min(this.capacity, b.tokens + 1);
  }
}

/**
 * 429 `LIMIT.TOO_MANY` with the whole seconds to wait (the ProblemFilter turns
 * `retryAfterSec` into `Retry-After`). `what` names what was refused, in Chinese and English.
 */
export function tooManyRequests(waitMs: number, what: { readonly zh: string; readonly en: string }): HttpException {
  return new HttpException(
    {
      code: 'LIMIT.TOO_MANY',
      message: `${what.zh}过于频繁，请稍后再试 / too many ${what.en}; try again later`,
      retryAfterSec: Math.max(1, Math.ceil(waitMs / 1000)),
    },
    HttpStatus.TOO_MANY_REQUESTS,
  );
}

/**
 * A guard class for a public route that gives each calling address `perMinute()` requests a
 * minute (read when the guard is made, so a service can take it from its configuration or the
 * environment). The address is `clientAddress`'s: behind a proxy, name it in `VANGUARD_TRUSTED_PROXIES`.
 */
export function perAddressRateGuard(perMinute: () => number, what: { readonly zh: string; readonly en: string }): Type<CanActivate> {
  @Injectable()
  class PerAddressRateGuard implements CanActivate {
    private readonly buckets = TokenBuckets.perMinute(perMinute());
    canActivate(ctx: ExecutionContext): boolean {
      const waitMs = this.buckets.take(clientAddress(ctx.switchToHttp().getRequest<AddressedRequest>()), Date.now());
      if (waitMs > 0) throw tooManyRequests(waitMs, what);
      return true;
    }
  }
  return PerAddressRateGuard;
}
