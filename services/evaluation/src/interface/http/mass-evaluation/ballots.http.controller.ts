import { Body, Controller, Get, Header, HttpCode, Param, Post, Req } from '@nestjs/common';
import { ApiCreatedResponse, ApiForbiddenResponse, ApiOperation, ApiTags, ApiTooManyRequestsResponse } from '@nestjs/swagger';
import type { Request } from 'express';
import { Public } from '@vanguard/auth';
import { CastBallotHandler } from '../../../application/commands/mass-evaluation/cast-ballot.handler';
import { MassEvaluationQueries } from '../../../application/commands/mass-evaluation/mass-evaluation.queries';
import { BallotRateLimiter } from '../../../infrastructure/mass-evaluation/ballot-rate-limiter';
import { uuidParam } from '../request-context';
import { CastBallotRequest } from './mass-evaluation.dto';

/**
 * The public side of 群众评议: casting a ballot with a one-time code (no account, rate-limited)
 * and reading a published result. Neither shows anything about a person.
 */
@ApiTags('mass-evaluations (public)')
@Controller('mass-evaluations')
export class BallotsHttpController {
  constructor(
    private readonly castBallot: CastBallotHandler,
    private readonly queries: MassEvaluationQueries,
    private readonly limiter: BallotRateLimiter,
  ) {}

  @Post(':id/ballots')
  @Public()
  @HttpCode(201)
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ summary: '投票 / cast one ballot with a one-time code; no account' })
  @ApiCreatedResponse({ description: '{ "counted": true }' })
  @ApiForbiddenResponse({ description: 'BALLOT.CODE_REFUSED: the same answer for an unknown or used code and a window not open' })
  @ApiTooManyRequestsResponse({ description: 'LIMIT.TOO_MANY with Retry-After, per address and per window' })
  async cast(@Req() req: Request, @Param('id', uuidParam('id')) id: string, @Body() b: CastBallotRequest): Promise<{ counted: true }> {
    this.limiter.check(req.socket.remoteAddress ?? 'unknown', id);
    await this.castBallot.execute(id, b.code, b.rating, b.comment ?? null);
    return { counted: true };
  }

  @Get(':id/result')
  @Public()
  @ApiOperation({ summary: '评议结果 / a published window’s tally and satisfaction rate (404 until published)' })
  result(@Param('id', uuidParam('id')) id: string) {
    return this.queries.published(id);
  }
}
