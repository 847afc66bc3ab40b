import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '@vanguard/auth';
import { ApiRefusals } from '@vanguard/http';
import { AmendPledgeHandler } from '../../application/commands/amend-pledge/amend-pledge.handler';
import type { CommandContext } from '../../application/commands/command-context';
import { FilePledgeHandler } from '../../application/commands/file-pledge/file-pledge.handler';
import { FulfilPledgeHandler } from '../../application/commands/fulfil-pledge/fulfil-pledge.handler';
import { LapsePledgeHandler } from '../../application/commands/lapse-pledge/lapse-pledge.handler';
import { MakePledgeHandler } from '../../application/commands/make-pledge/make-pledge.handler';
import { PublishPledgeHandler } from '../../application/commands/publish-pledge/publish-pledge.handler';
import { RatePledgeHandler } from '../../application/commands/rate-pledge/rate-pledge.handler';
import { ReportPledgeProgressHandler } from '../../application/commands/report-pledge-progress/report-pledge-progress.handler';
import { ReturnPledgeHandler } from '../../application/commands/return-pledge/return-pledge.handler';
import { VersionResponse } from './dto/campaign.dto';
import {
  AmendPledgeRequest,
  DecisionRequest,
  MakePledgeRequest,
  PledgeCreatedResponse,
  ProgressRequest,
  RateRequest,
} from './dto/pledge.dto';
import { Ctx, PLEDGE_ROLES, uuidParam } from './request-context';

/** Filing and returning answer alike: the level above decides on a pledge awaiting filing. */
const FILING_DECISION_REFUSALS = {
  403: ['PLEDGE.NOT_LEVEL_ABOVE: only a level above the pledging organisation (its own, for a member’s pledge) files or returns it'],
  404: ['PLEDGE.NOT_FOUND: unknown, or outside your subtree', 'ORGANIZATION.NOT_FOUND: the pledging organisation is no longer in the tree'],
  409: [
    'PLEDGE.NOT_AWAITING_FILING: filed, returned or closed already',
    'STREAM.CONCURRENT_CHANGE: changed meanwhile; reload and try again',
  ],
};

/** 公开承诺 → 践诺 → 评诺. Someone else's pledge answers like one that does not exist (404). */
@ApiTags('pledges')
@ApiBearerAuth()
@Controller('pledges')
export class PledgesHttpController {
  constructor(
    private readonly makePledge: MakePledgeHandler,
    private readonly filePledge: FilePledgeHandler,
    private readonly returnPledge: ReturnPledgeHandler,
    private readonly amendPledge: AmendPledgeHandler,
    private readonly publishPledge: PublishPledgeHandler,
    private readonly reportProgress: ReportPledgeProgressHandler,
    private readonly fulfilPledge: FulfilPledgeHandler,
    private readonly lapsePledge: LapsePledgeHandler,
    private readonly ratePledge: RatePledgeHandler,
  ) {}

  @Post()
  @Roles(...PLEDGE_ROLES)
  @ApiOperation({ summary: '公开承诺 / make a pledge in an open cycle' })
  @ApiCreatedResponse({ type: PledgeCreatedResponse })
  @ApiRefusals({
    404: [
      'MEMBER.NOT_FOUND: the pledger is not an active member of the organisation',
      'CAMPAIGN.NOT_FOUND: no launched campaign with that id planning the cycle',
      'PLEDGE.NOT_FOUND: the pledge followed is unknown, or outside your subtree',
    ],
    422: [
      'PLEDGE.OUTSIDE_CAMPAIGN: the organisation is outside the campaign’s subtree',
      'PLEDGE.CYCLE_NOT_OPEN: the cycle is not open today',
      'PLEDGE.DUE_OUTSIDE_CYCLE: due before today or after the cycle ends',
      'PLEDGE.FOLLOWS_UNFULFILLED: the pledge followed is not fulfilled',
    ],
  })
  make(@Ctx() ctx: CommandContext, @Body() b: MakePledgeRequest): Promise<PledgeCreatedResponse> {
    const { campaignId, cycleId, pledger, orgId, category, content, dueOn, followsPledgeId } = b;
    return this.makePledge.execute(
      {
        campaignId,
        cycleId,
        pledger: { kind: pledger.kind, id: pledger.id },
        orgId,
        category,
        content,
        dueOn,
        followsPledgeId: followsPledgeId ?? null,
      },
      ctx,
    );
  }

  @Post(':id/file')
  @HttpCode(200)
  @Roles(...PLEDGE_ROLES)
  @ApiOperation({ summary: '把关备案 / the level above files the pledge' })
  @ApiOkResponse({ type: VersionResponse })
  @ApiRefusals(FILING_DECISION_REFUSALS)
  file(@Ctx() ctx: CommandContext, @Param('id', uuidParam('id')) id: string, @Body() b: DecisionRequest) {
    return this.filePledge.execute(id, { reason: b.reason ?? '' }, ctx);
  }

  @Post(':id/return')
  @HttpCode(200)
  @Roles(...PLEDGE_ROLES)
  @ApiOperation({ summary: '退回 / the level above returns the pledge with its reason' })
  @ApiOkResponse({ type: VersionResponse })
  @ApiRefusals(FILING_DECISION_REFUSALS)
  return(@Ctx() ctx: CommandContext, @Param('id', uuidParam('id')) id: string, @Body() b: DecisionRequest) {
    return this.returnPledge.execute(id, { reason: b.reason ?? '' }, ctx);
  }

  @Post(':id/amend')
  @HttpCode(200)
  @Roles(...PLEDGE_ROLES)
  @ApiOperation({ summary: '修改后重新报备 / amend a returned pledge' })
  @ApiOkResponse({ type: VersionResponse })
  @ApiRefusals({
    403: ['PLEDGE.NOT_PLEDGER: only the pledging organisation amends it'],
    404: ['PLEDGE.NOT_FOUND: unknown, or outside your subtree'],
    409: ['PLEDGE.NOT_RETURNED: only a returned pledge is amended', 'STREAM.CONCURRENT_CHANGE: changed meanwhile; reload and try again'],
    422: ['PLEDGE.DUE_OUTSIDE_CYCLE: due before today or after the cycle ends'],
  })
  amend(@Ctx() ctx: CommandContext, @Param('id', uuidParam('id')) id: string, @Body() b: AmendPledgeRequest) {
    return this.amendPledge.execute(id, { category: b.category, content: b.content, dueOn: b.dueOn }, ctx);
  }

  @Post(':id/publish')
  @HttpCode(200)
  @Roles(...PLEDGE_ROLES)
  @ApiOperation({ summary: '公开 / publish the filed pledge' })
  @ApiOkResponse({ type: VersionResponse })
  @ApiRefusals({
    404: ['PLEDGE.NOT_FOUND: unknown, or outside your subtree'],
    409: ['PLEDGE.NOT_FILED: not filed, or published already', 'STREAM.CONCURRENT_CHANGE: changed meanwhile; reload and try again'],
  })
  publish(@Ctx() ctx: CommandContext, @Param('id', uuidParam('id')) id: string) {
    return this.publishPledge.execute(id, {}, ctx);
  }

  @Post(':id/progress')
  @HttpCode(200)
  @Roles(...PLEDGE_ROLES)
  @ApiOperation({ summary: '践诺 / report progress' })
  @ApiOkResponse({ type: VersionResponse })
  @ApiRefusals({
    403: ['PLEDGE.NOT_PLEDGER: only the pledging organisation reports its progress'],
    404: ['PLEDGE.NOT_FOUND: unknown, or outside your subtree'],
    409: ['PLEDGE.NOT_PUBLISHED: not published, or closed already', 'STREAM.CONCURRENT_CHANGE: changed meanwhile; reload and try again'],
    422: ['PLEDGE.PROGRESS_BACKWARDS: below the last report'],
  })
  progress(@Ctx() ctx: CommandContext, @Param('id', uuidParam('id')) id: string, @Body() b: ProgressRequest) {
    return this.reportProgress.execute(id, { note: b.note, percent: b.percent }, ctx);
  }

  @Post(':id/fulfil')
  @HttpCode(200)
  @Roles(...PLEDGE_ROLES)
  @ApiOperation({ summary: '认定兑现 / the filing level accepts the pledge as kept' })
  @ApiOkResponse({ type: VersionResponse })
  @ApiRefusals({
    403: ['PLEDGE.NOT_FILING_LEVEL: only the level that filed the pledge, or one above it, decides whether it was kept'],
    404: ['PLEDGE.NOT_FOUND: unknown, or outside your subtree'],
    409: ['PLEDGE.NOT_PUBLISHED: not published, or closed already', 'STREAM.CONCURRENT_CHANGE: changed meanwhile; reload and try again'],
  })
  fulfil(@Ctx() ctx: CommandContext, @Param('id', uuidParam('id')) id: string, @Body() b: DecisionRequest) {
    return this.fulfilPledge.execute(id, { reason: b.reason ?? '' }, ctx);
  }

  @Post(':id/lapse')
  @HttpCode(200)
  @Roles(...PLEDGE_ROLES)
  @ApiOperation({ summary: '认定未兑现 / the filing level records the pledge as not kept, with the reason' })
  @ApiOkResponse({ type: VersionResponse })
  @ApiRefusals({
    403: ['PLEDGE.NOT_FILING_LEVEL: only the level that filed the pledge, or one above it, decides whether it was kept'],
    404: ['PLEDGE.NOT_FOUND: unknown, or outside your subtree'],
    409: ['PLEDGE.NOT_PUBLISHED: not published, or closed already', 'STREAM.CONCURRENT_CHANGE: changed meanwhile; reload and try again'],
  })
  lapse(@Ctx() ctx: CommandContext, @Param('id', uuidParam('id')) id: string, @Body() b: DecisionRequest) {
    return this.lapsePledge.execute(id, { reason: b.reason ?? '' }, ctx);
  }

  @Post(':id/rate')
  @HttpCode(200)
  @Roles(...PLEDGE_ROLES)
  @ApiOperation({ summary: '评诺 / record the masses’ rating of a kept or lapsed pledge' })
  @ApiOkResponse({ type: VersionResponse })
  @ApiRefusals({
    403: ['PLEDGE.NOT_FILING_LEVEL: only the level that filed the pledge, or one above it, records its rating'],
    404: ['PLEDGE.NOT_FOUND: unknown, or outside your subtree'],
    409: [
      'PLEDGE.NOT_RATEABLE: not fulfilled or lapsed yet, or rated already',
      'STREAM.CONCURRENT_CHANGE: changed meanwhile; reload and try again',
    ],
  })
  rate(@Ctx() ctx: CommandContext, @Param('id', uuidParam('id')) id: string, @Body() b: RateRequest) {
    const { satisfied, basicallySatisfied, dissatisfied } = b;
    return this.ratePledge.execute(id, { tally: { satisfied, basicallySatisfied, dissatisfied } }, ctx);
  }
}
