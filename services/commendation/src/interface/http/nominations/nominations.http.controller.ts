import { Body, Controller, Get, HttpCode, Inject, NotFoundException, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { REVIEWING_ROLES } from '@vanguard/commendation-domain';
import { Roles, ScopeService, type Role } from '@vanguard/auth';
import { ApiRefusals } from '@vanguard/http';
import type { CommandContext } from '../../../application/commands/command-context';
import { AmendNominationHandler } from '../../../application/commands/nominations/amend-nomination.handler';
import {
  DecideCommendationHandler,
  RevokeCommendationHandler,
} from '../../../application/commands/nominations/decide-commendation.handler';
import {
  EndorseNominationHandler,
  RejectNominationHandler,
  ReturnNominationHandler,
} from '../../../application/commands/nominations/review-nomination.handlers';
import { SubmitNominationHandler } from '../../../application/commands/nominations/submit-nomination.handler';
import { CLOCK, type ClockPort } from '../../../application/ports/clock.port';
import { BOARD_QUERIES, type BoardQueriesPort, type NominationView } from '../../../application/queries/board-queries.port';
import { CHAIN_ROLES, Ctx, PROGRAMME_ROLES, READ_ROLES, uuidParam } from '../request-context';
import {
  AmendNominationRequest,
  DecideCommendationRequest,
  ReasonRequest,
  RevokeCommendationRequest,
  SubmitNominationRequest,
} from './nomination.dto';

/** Reviewers of the chain, as the domain names them (its rule checks the role recorded). */
const REVIEW_ROLES: Role[] = [...REVIEWING_ROLES];

/**
 * 推荐 → 逐级审核 → 表彰决定 → 撤销. Every decision is the domain's: the caller's organisation must
 * be the level the nomination waits on (or the awarding body); refusals name their rule.
 */
@ApiTags('nominations')
@ApiBearerAuth()
@Controller('nominations')
export class NominationsHttpController {
  constructor(
    private readonly submit: SubmitNominationHandler,
    private readonly endorseHandler: EndorseNominationHandler,
    private readonly returnHandler: ReturnNominationHandler,
    private readonly rejectHandler: RejectNominationHandler,
    private readonly amendHandler: AmendNominationHandler,
    private readonly decideHandler: DecideCommendationHandler,
    private readonly revokeHandler: RevokeCommendationHandler,
    @Inject(BOARD_QUERIES) private readonly board: BoardQueriesPort,
    @Inject(CLOCK) private readonly clock: ClockPort,
    private readonly scope: ScopeService,
  ) {}

  @Post()
  @Roles(...CHAIN_ROLES)
  @ApiOperation({ summary: '推荐 / the caller’s branch or township nominates a member or organisation with its deeds' })
  @ApiRefusals({
    403: [
      'NOMINATION.NOT_BELOW_AWARDING_BODY: your organisation is not below the programme’s awarding body',
      'NOMINATION.NOMINEE_OUTSIDE: the nominee is not your organisation, one below it, or a member of one of them',
    ],
    404: [
      'PROGRAMME.NOT_FOUND: no such launched programme',
      'ORGANIZATION.NOT_FOUND: the nominee’s organisation, or the caller’s, is not in the service’s tree copy',
    ],
    409: [
      'NOMINATION.DUPLICATE: the nominee is already nominated in this programme and category',
      'STREAM.CONCURRENT_CHANGE: the nomination (or its unit’s places) changed meanwhile; reload and try again',
    ],
    422: [
      'PROGRAMME.CATEGORY_NOT_OFFERED: the programme does not award this category',
      'NOMINATION.OUTSIDE_WINDOW: nominations are not open today',
      'NOMINATION.OVER_QUOTA: the unit’s places in this category are used up',
      'ELIGIBILITY.REVIEW_GRADE: a member not graded at least qualified in every programme year (and, in version 2, excellent in one), or ever graded unqualified',
      'ELIGIBILITY.ORG_TIER: an organisation whose latest assessment in the programme years is neither advanced nor four stars or more',
      'ELIGIBILITY.MASS_SATISFACTION: not mass-evaluated in the programme years, or below 80 % satisfied in one of them',
    ],
  })
  create(@Ctx() ctx: CommandContext, @Body() b: SubmitNominationRequest) {
    return this.submit.execute(
      {
        programmeId: b.programmeId,
        category: b.category,
        nominee: { kind: b.nominee.kind, id: b.nominee.id, name: b.nominee.name, orgId: b.nominee.orgId },
        deeds: { summary: b.deeds.summary, record: b.deeds.record },
        ...(b.reason ? { reason: b.reason } : {}),
      },
      ctx,
    );
  }

  @Post(':id/endorse')
  @HttpCode(200)
  @Roles(...REVIEW_ROLES)
  @ApiOperation({ summary: '同意上报 / the awaited level endorses, within its places; the awarding body’s endorsement shortlists' })
  @ApiRefusals({
    403: ['NOMINATION.NOT_THE_NEXT_LEVEL: your organisation is not the level the nomination waits on; no level is skipped'],
    404: ['NOMINATION.NOT_FOUND: unknown, or outside your subtree and the nomination’s review chain'],
    409: [
      'NOMINATION.NOT_UNDER_REVIEW: the nomination is not waiting for a review',
      'STREAM.CONCURRENT_CHANGE: the nomination (or its unit’s places) changed meanwhile; reload and try again',
    ],
    422: [
      'NOMINATION.NOT_ELIGIBLE: the nominee failed the latest eligibility check',
      'NOMINATION.OVER_QUOTA: the unit’s places in this category are used up at this level',
    ],
  })
  endorse(@Ctx() ctx: CommandContext, @Param('id', uuidParam('id')) id: string, @Body() b: ReasonRequest) {
    return this.endorseHandler.execute(id, b.reason, ctx);
  }

  @Post(':id/return')
  @HttpCode(200)
  @Roles(...REVIEW_ROLES)
  @ApiOperation({ summary: '退回修改 / the awaited level returns it to the nominator with a reason' })
  @ApiRefusals({
    403: ['NOMINATION.NOT_THE_NEXT_LEVEL: your organisation is not the level the nomination waits on; no level is skipped'],
    404: ['NOMINATION.NOT_FOUND: unknown, or outside your subtree and the nomination’s review chain'],
    409: [
      'NOMINATION.NOT_UNDER_REVIEW: the nomination is not waiting for a review',
      'STREAM.CONCURRENT_CHANGE: the nomination changed meanwhile; reload and try again',
    ],
  })
  return(@Ctx() ctx: CommandContext, @Param('id', uuidParam('id')) id: string, @Body() b: ReasonRequest) {
    return this.returnHandler.execute(id, b.reason, ctx);
  }

  @Post(':id/reject')
  @HttpCode(200)
  @Roles(...REVIEW_ROLES)
  @ApiOperation({ summary: '不予推荐 / the awaited level rejects it with a reason' })
  @ApiRefusals({
    403: ['NOMINATION.NOT_THE_NEXT_LEVEL: your organisation is not the level the nomination waits on; no level is skipped'],
    404: ['NOMINATION.NOT_FOUND: unknown, or outside your subtree and the nomination’s review chain'],
    409: [
      'NOMINATION.NOT_UNDER_REVIEW: the nomination is not waiting for a review',
      'STREAM.CONCURRENT_CHANGE: the nomination (or its unit’s places) changed meanwhile; reload and try again',
    ],
  })
  reject(@Ctx() ctx: CommandContext, @Param('id', uuidParam('id')) id: string, @Body() b: ReasonRequest) {
    return this.rejectHandler.execute(id, b.reason, ctx);
  }

  @Post(':id/amend')
  @HttpCode(200)
  @Roles(...CHAIN_ROLES)
  @ApiOperation({ summary: '修改重报 / the nominator amends a returned nomination; eligibility is checked again' })
  @ApiRefusals({
    403: ['NOMINATION.NOT_THE_NOMINATOR: only the nominating organisation amends it'],
    404: ['NOMINATION.NOT_FOUND: unknown, or outside your subtree and the nomination’s review chain'],
    409: [
      'NOMINATION.NOT_RETURNED: only a returned nomination is amended',
      'STREAM.CONCURRENT_CHANGE: the nomination (or its unit’s places) changed meanwhile; reload and try again',
    ],
    422: [
      'ELIGIBILITY.REVIEW_GRADE: a member not graded at least qualified in every programme year (and, in version 2, excellent in one), or ever graded unqualified',
      'ELIGIBILITY.ORG_TIER: an organisation whose latest assessment in the programme years is neither advanced nor four stars or more',
      'ELIGIBILITY.MASS_SATISFACTION: not mass-evaluated in the programme years, or below 80 % satisfied in one of them',
    ],
  })
  amend(@Ctx() ctx: CommandContext, @Param('id', uuidParam('id')) id: string, @Body() b: AmendNominationRequest) {
    return this.amendHandler.execute(id, { summary: b.deeds.summary, record: b.deeds.record }, b.reason, ctx);
  }

  @Post(':id/decide')
  @HttpCode(200)
  @Roles(...PROGRAMME_ROLES)
  @ApiOperation({ summary: '表彰决定 / after the full notice, with no objection open, with a document number' })
  @ApiOkResponse({
    description: '已决定 / decided: the nomination’s new version',
    schema: { type: 'object', required: ['version'], properties: { version: { type: 'integer' } } },
  })
  @ApiRefusals({
    403: ['NOMINATION.NOT_AWARDING_BODY: only the awarding body decides'],
    404: ['NOMINATION.NOT_FOUND: unknown, or outside your subtree and the nomination’s review chain'],
    409: [
      'OBJECTIONS.BUSY: an objection was being filed for longer than the wait, or the nomination’s stream was held that long, or it is the first 25 s of a day in China, when objections sent before midnight may still be on their way (ADR 0113); nothing was decided, and Retry-After says when to ask again',
      'OBJECTIONS.CATCHING_UP: objections just filed are still being recorded; try again shortly',
      'OBJECTIONS.INCOMPLETE: an objection event could not be recorded; no decision until an operator rebuilds',
      'NOMINATION.NOT_SHORTLISTED: only a shortlisted nomination is decided',
      'NOMINATION.OBJECTION_OPEN: an objection in the programme is still open, or one to this nomination was upheld',
      'STREAM.CONCURRENT_CHANGE: the nomination changed meanwhile; reload and try again',
    ],
    422: [
      'NOMINATION.NOT_ELIGIBLE: the nominee failed the latest eligibility check',
      'NOMINATION.NOTICE_NOT_OVER: the latest notice listing the nomination has not run its full period',
    ],
  })
  decide(@Ctx() ctx: CommandContext, @Param('id', uuidParam('id')) id: string, @Body() b: DecideCommendationRequest) {
    return this.decideHandler.execute(id, { documentNumber: b.documentNumber, ...(b.reason ? { reason: b.reason } : {}) }, ctx);
  }

  @Post(':id/revoke')
  @HttpCode(200)
  @Roles(...PROGRAMME_ROLES)
  @ApiOperation({ summary: '撤销表彰 / the awarding body revokes a decided commendation with a reason' })
  @ApiRefusals({
    403: ['NOMINATION.NOT_AWARDING_BODY: only the awarding body revokes'],
    404: ['NOMINATION.NOT_FOUND: unknown, or outside your subtree and the nomination’s review chain'],
    409: [
      'NOMINATION.NOT_DECIDED: only a decided commendation is revoked',
      'STREAM.CONCURRENT_CHANGE: the nomination changed meanwhile; reload and try again',
    ],
  })
  revoke(@Ctx() ctx: CommandContext, @Param('id', uuidParam('id')) id: string, @Body() b: RevokeCommendationRequest) {
    return this.revokeHandler.execute(id, b.reason, ctx);
  }

  @Get(':id')
  @Roles(...READ_ROLES)
  @ApiOperation({ summary: '推荐 / one nomination with its status and each level’s outcome (404 outside the caller’s subtree and chain)' })
  @ApiRefusals({ 404: ['NOMINATION.NOT_FOUND: unknown, or outside your subtree and the nomination’s review chain'] })
  async one(@Ctx() ctx: CommandContext, @Param('id', uuidParam('id')) id: string): Promise<NominationView> {
    const n = await this.board.nomination(id, this.clock.today());
    const mine = (org: string) => this.scope.isWithin({ orgId: ctx.caller.orgId }, org);
    // Visible to the nominator's subtree and to every level of its chain; otherwise it does not exist for the caller.
    if (!n || !(mine(n.nominatorOrgId) || n.levels.some((l) => mine(l.orgId))))
      throw new NotFoundException({ code: 'NOMINATION.NOT_FOUND', message: '没有这条推荐 / no such nomination' });
    return n;
  }
}
