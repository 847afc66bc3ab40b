import { Body, Controller, Get, Header, HttpCode, Param, Post, Req, Res, UseGuards } from '@nestjs/common';
import { ApiCreatedResponse, ApiHeader, ApiNotModifiedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { randomUUID } from 'node:crypto';
import { Public } from '@vanguard/auth';
import { ApiRefusals, clientAddress } from '@vanguard/http';
import { FileObjectionHandler } from '../../../application/commands/objections/file-objection.handler';
import { ObjectionFilingsBusyError } from '../../../application/ports/objection-filings.port';
import type { ObjectionStatus } from '../../../application/public-notice/public-notice-read-model.port';
import { PublicNoticeQueries } from '../../../application/public-notice/public-notice.queries';
import { PublicRateLimiter } from '../../../infrastructure/public-notice/public-rate-limiter';
import { uuidParam } from '../request-context';
import { sendNotice } from './public-notice.fast-path';
import { FileObjectionRequest, TrackingCodeResponse } from './public-notice.dto';
import { ObjectionRateGuard } from './public-rate.guard';

/**
 * 公示 and 异议 for everyone, without a token, rate-limited: the notice shows only name,
 * organisation, category and deeds summary; an objection is answered with a tracking code.
 */
@ApiTags('public notice (public)')
@Controller('public-notices')
export class PublicNoticeHttpController {
  constructor(
    private readonly queries: PublicNoticeQueries,
    private readonly file: FileObjectionHandler,
    private readonly limiter: PublicRateLimiter,
  ) {}

  /** Reached on a cache miss (or a refused budget): a hit is answered by PublicNoticeFastPath with the same text and ETag. */
  @Get(':programmeId')
  @Public()
  @ApiOperation({ summary: '公示 / the programme’s current notice: period and entries (name, organisation, category, deeds summary)' })
  @ApiOkResponse({ description: '{ programmeId, programmeName, round, startsOn, endsOn, days, dayKind, entries }, with its ETag' })
  @ApiHeader({ name: 'If-None-Match', required: false })
  @ApiNotModifiedResponse({ description: 'the notice has not changed since that ETag' })
  @ApiRefusals({
    404: ['NOTICE.NOT_FOUND: no such programme, or it has published no notice'],
    429: ['LIMIT.TOO_MANY per address'],
  })
  async notice(
    @Req() req: Request,
    @Res() res: Response,
    @Param('programmeId', uuidParam('programmeId')) programmeId: string,
  ): Promise<void> {
    this.limiter.read(clientAddress(req));
    sendNotice(req, res, await this.queries.rendered(programmeId));
  }

  @Post(':programmeId/objections')
  @Public()
  @UseGuards(ObjectionRateGuard)
  @HttpCode(201)
  @Header('Cache-Control', 'no-store')
  @ApiOperation({
    summary: '提出异议 / object to a nomination on the notice, named or anonymous, while the notice runs',
    description:
      '同一异议再次提交（同一轮公示、同一推荐、同样理由），答复原查询码，不另立案 / the same objection sent again (same notice round, nomination and grounds) answers the first one’s tracking code and files nothing; the first one’s name and contact stand',
  })
  @ApiCreatedResponse({ type: TrackingCodeResponse })
  @ApiRefusals({
    404: [
      'NOTICE.NOT_FOUND: the programme has published no notice',
      'OBJECTION.NOT_ON_NOTICE: the nomination is not on the notice (or was withdrawn or rejected since)',
    ],
    409: [
      'OBJECTIONS.BUSY: a decision on the programme held the filings longer than the wait, the service had no connection free for them, the filing could not take its place within 25 s of arriving (ADR 0113), or the notice or nomination changed under each of its attempts (ADR 0114); nothing was filed and Retry-After says when to send it again (judged by when it is sent again). Turned away behind a decision, the attempt does not count against the address’s limit (up to that limit’s own number of times an hour)',
    ],
    422: ['OBJECTION.NOTICE_NOT_RUNNING: objections are taken only while the notice runs'],
    429: ['LIMIT.TOO_MANY per address and per notice'],
  })
  async object(
    @Req() req: Request,
    @Param('programmeId', uuidParam('programmeId')) programmeId: string,
    @Body() b: FileObjectionRequest,
  ): Promise<TrackingCodeResponse> {
    try {
      return await this.file.execute(
        { programmeId, nominationId: b.nominationId, grounds: b.grounds, name: b.name?.trim() || null, contact: b.contact?.trim() || null },
        typeof req.id === 'string' ? req.id : randomUUID(),
      );
    } catch (e) {
      // Turned away through no fault of the objector's: the attempt is given back to the address's limit.
      if (e instanceof ObjectionFilingsBusyError && (e.behind === 'decision' || e.behind === 'late-lock' || e.behind === 'moving'))
        this.limiter.objectionNotServed(clientAddress(req));
      throw e;
    }
  }

  @Get('objections/:trackingCode')
  @Public()
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ summary: '异议查询 / an objection’s status by its tracking code' })
  @ApiRefusals({ 404: ['OBJECTION.NOT_FOUND: no objection with this tracking code'], 429: ['LIMIT.TOO_MANY per address'] })
  objection(@Req() req: Request, @Param('trackingCode') trackingCode: string): Promise<ObjectionStatus> {
    this.limiter.read(clientAddress(req));
    return this.queries.objection(trackingCode.toUpperCase());
  }
}
