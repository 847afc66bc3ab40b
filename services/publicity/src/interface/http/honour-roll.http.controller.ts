import { Controller, Get, Query, Req, Res, UseGuards } from '@nestjs/common';
import { ApiHeader, ApiNotModifiedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Public } from '@vanguard/auth';
import { ApiRefusals, PaginationQuery, etagMatches, renderJson, sendPreparedJson } from '@vanguard/http';
import { HonourRollService } from '../../application/honour-roll.service';
import { HonourRollVersion } from '../../infrastructure/honour-roll/honour-roll-version';
import { DEFAULT_ROLL_LIMIT, HonourRollPages, rollEtag, type RollListing } from './honour-roll.pages';
import { HonourRollRateGuard } from './honour-roll-rate-limiter';

/**
 * 光荣榜 for everyone, without a token, read-only, rate-limited. Every change to what it shows
 * moves one version in the changing transaction; the ETag is that version, so a revocation
 * changes the ETag the moment it commits. `no-cache`: caches keep the page but ask every time.
 * A page already rendered at the current version is answered by HonourRollFastPath ahead of
 * Express; this is the path of a miss, which reads, renders and fills the cache.
 */
@ApiTags('honour roll (public)')
@Controller('honour-roll')
@UseGuards(HonourRollRateGuard)
export class HonourRollHttpController {
  constructor(
    private readonly roll: HonourRollService,
    private readonly version: HonourRollVersion,
    private readonly pages: HonourRollPages,
  ) {}

  @Get()
  @Public()
  @ApiOperation({ summary: '光荣榜 / decided commendations and published exemplars: name, organisation, category only' })
  @ApiOkResponse({ description: '{ items: [{ kind, name, orgName, category, documentNumber, on, story }], total, limit, offset }' })
  @ApiHeader({ name: 'If-None-Match', required: false })
  @ApiNotModifiedResponse({ description: 'the roll has not changed since that ETag' })
  @ApiRefusals({ 429: ['LIMIT.TOO_MANY: too many reads from your address; try again after Retry-After'] })
  async list(@Query() q: PaginationQuery, @Req() req: Request, @Res() res: Response): Promise<void> {
    await this.answer(req, res, 'roll', q, (limit, offset) => this.roll.page(limit, offset));
  }

  @Get('history')
  @Public()
  @ApiOperation({ summary: '光荣榜变更记录 / when entries came and went, and why (revocations give the decision and its reason)' })
  @ApiOkResponse({ description: '{ items: [{ at, change, name, orgName, category, documentNumber, reason }], total, limit, offset }' })
  @ApiRefusals({ 429: ['LIMIT.TOO_MANY: too many reads from your address; try again after Retry-After'] })
  async history(@Query() q: PaginationQuery, @Req() req: Request, @Res() res: Response): Promise<void> {
    await this.answer(req, res, 'history', q, (limit, offset) => this.roll.history(limit, offset));
  }

  private async answer(
    req: Request,
    res: Response,
    what: RollListing,
    q: PaginationQuery,
    read: (limit: number, offset: number) => Promise<{ items: unknown[]; total: number }>,
  ): Promise<void> {
    const limit = q.limit ?? DEFAULT_ROLL_LIMIT;
    const offset = q.offset ?? 0;
    // The version first, then the page: a page is never older than the version it is kept under.
    const version = this.version.current() ?? (await this.roll.version());
    const etag = rollEtag(what, version);
    const cached = etagMatches(req.headers['if-none-match'], etag)
      ? this.pages.notModified(what, version)
      : this.pages.get(what, version, limit, offset);
    if (cached) {
      sendPreparedJson(req, res, cached);
      return;
    }
    const page = renderJson({ ...(await read(limit, offset)), limit, offset }, etag);
    sendPreparedJson(req, res, this.pages.put(what, version, limit, offset, page));
  }
}
