import {
  Controller,
  Get,
  HttpStatus,
  Injectable,
  Query,
  Req,
  Res,
  UseGuards,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import { ApiHeader, ApiNotModifiedResponse, ApiOperation, ApiTags, ApiTooManyRequestsResponse } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Public } from '@vanguard/auth';
import { PaginationQuery, TokenBuckets, tooManyRequests } from '@vanguard/http';
import { HonourRollService, type HonourRollChange, type HonourRollEntry } from '../../application/honour-roll.service';

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

@Injectable()
export class HonourRollRateGuard implements CanActivate {
  constructor(private readonly limiter: HonourRollRateLimiter) {}
  canActivate(ctx: ExecutionContext): boolean {
    const req = ctx.switchToHttp().getRequest<Request>();
    const waitMs = this.limiter.take(req.socket.remoteAddress ?? 'unknown');
    if (waitMs > 0) throw tooManyRequests(waitMs, { zh: '请求', en: 'reads' });
    return true;
  }
}

interface Page<T> {
  items: T[];
  total: number;
  limit: number;
  offset: number;
}

/**
 * 光荣榜 for everyone, without a token, read-only, rate-limited. Every change to what it shows
 * moves one version in the changing transaction; the ETag is that version, so a client that
 * has the current page gets 304 from one primary-key read, and a revocation changes the ETag
 * the moment it commits. `no-cache`: caches keep the page but ask again every time.
 */
@ApiTags('honour roll (public)')
@Controller('honour-roll')
@UseGuards(HonourRollRateGuard)
export class HonourRollHttpController {
  constructor(private readonly roll: HonourRollService) {}

  @Get()
  @Public()
  @ApiOperation({ summary: '光荣榜 / decided commendations and published exemplars: name, organisation, category only' })
  @ApiHeader({ name: 'If-None-Match', required: false })
  @ApiNotModifiedResponse({ description: 'the roll has not changed since that ETag' })
  @ApiTooManyRequestsResponse({ description: 'LIMIT.TOO_MANY' })
  async list(
    @Query() q: PaginationQuery,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<Page<HonourRollEntry> | undefined> {
    return this.conditional(req, res, 'roll', async (limit, offset) => ({ ...(await this.roll.page(limit, offset)), limit, offset }), q);
  }

  @Get('history')
  @Public()
  @ApiOperation({ summary: '光荣榜变更记录 / when entries came and went, and why (revocations give the decision and its reason)' })
  async history(
    @Query() q: PaginationQuery,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<Page<HonourRollChange> | undefined> {
    return this.conditional(
      req,
      res,
      'history',
      async (limit, offset) => ({ ...(await this.roll.history(limit, offset)), limit, offset }),
      q,
    );
  }

  private async conditional<T>(
    req: Request,
    res: Response,
    what: string,
    read: (limit: number, offset: number) => Promise<T>,
    q: PaginationQuery,
  ): Promise<T | undefined> {
    const etag = `W/"${what}-${await this.roll.version()}"`;
    res.setHeader('ETag', etag);
    res.setHeader('Cache-Control', 'public, no-cache');
    const match = req.headers['if-none-match'];
    if (match && match.split(',').some((t) => t.trim() === etag || t.trim() === '*')) {
      res.status(HttpStatus.NOT_MODIFIED);
      return undefined;
    }
    // The page at this version is cached: the version row is read on every request anyway, so a
    // change is seen at once, and an unchanged roll costs that one primary-key read (measured:
    // uncached pages ran at a third of the 304 rate).
    const key = `${etag}|${q.limit ?? 50}|${q.offset ?? 0}`;
    const hit = this.pages.get(key);
    if (hit) return hit as T;
    const page = await read(q.limit ?? 50, q.offset ?? 0);
    if (this.pages.size >= 500) this.pages.clear();
    this.pages.set(key, page);
    return page;
  }

  private readonly pages = new Map<string, unknown>();
}
