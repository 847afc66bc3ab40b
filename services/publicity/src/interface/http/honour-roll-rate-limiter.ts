import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import { clientAddress, TokenBuckets, tooManyRequests } from '@vanguard/http';

/** Per-address budget of honour-roll reads (each replica counts its own, as commendation's public notice does). */
export class HonourRollRateLimiter {
  private readonly buckets: TokenBuckets;
  constructor(
    perMinute: number,
    private readonly now: () => number = Date.now,
    maxKeys?: number,
  ) {
    this.buckets = TokenBuckets.perMinute(perMinute, maxKeys);
  }

  /** 0 when a read is allowed, else the milliseconds until one is. */
  take(key: string): number {
    return this.buckets.take(key, this.now());
  }
}

/** The same budget on the controller's path: a refusal is 429 LIMIT.TOO_MANY in the platform's error shape. */
@Injectable()
export class HonourRollRateGuard implements CanActivate {
  constructor(private readonly limiter: HonourRollRateLimiter) {}
  canActivate(ctx: ExecutionContext): boolean {
    const req = ctx.switchToHttp().getRequest<Request>();
    const waitMs = this.limiter.take(clientAddress(req));
    if (waitMs > 0) throw tooManyRequests(waitMs, { zh: '请求', en: 'reads' });
    return true;
  }
}
