import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import { clientAddress } from '@vanguard/http';
import { PublicRateLimiter } from '../../../infrastructure/public-notice/public-rate-limiter';

/**
 * Takes an objection's budget (per address, per notice) before the body is parsed into a
 * command or validated: guards run before pipes, so a flood is refused at the cost of the refusal.
 */
@Injectable()
export class ObjectionRateGuard implements CanActivate {
  constructor(private readonly limiter: PublicRateLimiter) {}

  canActivate(ctx: ExecutionContext): boolean {
    const req = ctx.switchToHttp().getRequest<Request>();
    const programmeId = typeof req.params['programmeId'] === 'string' ? req.params['programmeId'] : '-';
    this.limiter.objection(clientAddress(req), programmeId);
    return true;
  }
}
