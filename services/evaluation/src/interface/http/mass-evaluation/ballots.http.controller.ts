import { Body, Controller, Get, Header, HttpCode, Param, Post, Req, UseGuards } from '@nestjs/common';
import { ApiCreatedResponse, ApiForbiddenResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { Public } from '@vanguard/auth';
import { ApiRefusals, clientAddress, perAddressRateGuard } from '@vanguard/http';
import { CastBallotHandler } from '../../../application/commands/mass-evaluation/cast-ballot.handler';
import { MassEvaluationQueries } from '../../../application/commands/mass-evaluation/mass-evaluation.queries';
import { BallotRateLimiter } from '../../../infrastructure/mass-evaluation/ballot-rate-limiter';
import { uuidParam } from '../request-context';
import { CastBallotRequest } from './mass-evaluation.dto';

/** Result reads a minute each address may make (`EVALUATION_RESULT_RPM`, default 600). */
const resultsPerMinute = (): number => Number(process.env['EVALUATION_RESULT_RPM'] ?? 600);

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
  @ApiRefusals({ 429: ['LIMIT.TOO_MANY: with Retry-After, per address and per window'] })
  async cast(@Req() req: Request, @Param('id', uuidParam('id')) id: string, @Body() b: CastBallotRequest): Promise<{ counted: true }> {
    this.limiter.check(clientAddress(req), id);
    await this.castBallot.execute(id, b.code, b.rating, b.comment ?? null);
    return { counted: true };
  }

  @Get(':id/result')
  @Public()
  // Each read folds the window's stream from Postgres: without a token, a flood cost the pool.
  @UseGuards(perAddressRateGuard(resultsPerMinute, { zh: '请求', en: 'reads' }))
  @ApiOkResponse({
    description: '{ windowId, orgId, subjectKind, tally, ballotsCast, satisfactionPermille }: counts and a rate, nobody’s name',
  })
  @ApiOperation({ summary: '评议结果 / a published window’s tally and satisfaction rate (404 until published)' })
  @ApiRefusals({
    404: ['MASS_EVALUATION.NOT_FOUND: no such window, or not published yet'],
    429: ['LIMIT.TOO_MANY: 同一地址请求过多 / too many reads from one address; Retry-After says when to come back'],
  })
  result(@Param('id', uuidParam('id')) id: string) {
    return this.queries.published(id);
  }
}
