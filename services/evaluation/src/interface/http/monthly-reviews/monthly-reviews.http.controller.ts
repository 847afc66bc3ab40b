import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '@vanguard/auth';
import { ZONE_MAX_UNITS } from '@vanguard/evaluation-domain';
import { ApiRefusals } from '@vanguard/http';
import { OutOfScopeError, type CommandContext } from '../../../application/commands/command-context';
import { loadRoundVisible, loadZoneVisible } from '../../../application/commands/monthly-reviews/monthly-review-access';
import { MonthlyReviewHandlers } from '../../../application/commands/monthly-reviews/monthly-review.handlers';
import { ORG_TREE, type OrgTreePort } from '../../../application/ports/org-tree.port';
import { STREAMS, type StreamsPort } from '../../../application/ports/streams.port';
import { SqlMonthlyReviewResults, type MonthlyReviewResult } from '../../../infrastructure/field-work/sql-monthly-review-results';
import { CAMPAIGN_ROLES, Ctx, PLEDGE_ROLES, READ_ROLES, uuidParam } from '../request-context';
import {
  ConcludeMonthlyReviewRequest,
  DesignateZoneRequest,
  OpenMonthlyReviewRequest,
  RecordReviewFindingsRequest,
  RecordScoresRequest,
  ReviewResultsQuery,
} from './monthly-review.dto';

/** Every act on a round: its zone's guiding leader, or an organizer above (ADR 0047). */
const NOT_ZONE_LEADER = 'MONTHLY_REVIEW.NOT_ZONE_LEADER: only the zone’s leader, or an organizer of the campaign’s organisation or above';

/**
 * 片区 and 月度观摩点评 (ADR 0047): designate a zone, open a round on the quarter's theme, score its units in
 * batches, conclude with the units ranked, record findings whose rectifications are the comment slice's
 * (`POST /comments/:commentId/findings/:findingId/complete`, `GET /rectifications`), and read a unit's
 * results of a year — the evidence a five-goods assessment weighs.
 */
@ApiTags('monthly-reviews')
@ApiBearerAuth()
@Controller()
export class MonthlyReviewsHttpController {
  constructor(
    private readonly handlers: MonthlyReviewHandlers,
    private readonly results: SqlMonthlyReviewResults,
    @Inject(STREAMS) private readonly streams: StreamsPort,
    @Inject(ORG_TREE) private readonly tree: OrgTreePort,
  ) {}

  @Post('zones')
  @Roles(...CAMPAIGN_ROLES)
  @ApiOperation({ summary: '划分片区 / divide the campaign’s subtree: a zone with its guiding leader and units' })
  @ApiRefusals({
    403: ['ZONE.NOT_ENTITLED: only an organizer (or admin) of the campaign’s organisation or above designates zones'],
    404: [
      'CAMPAIGN.NOT_FOUND: unknown, not launched, or outside your subtree',
      'ORGANIZATION.NOT_FOUND: the campaign’s organisation is no longer in the tree',
    ],
    409: ['ZONE.CAMPAIGN_BUSY: another zone of the campaign is being designated; try again'],
    422: [
      'ZONE.UNIT_OUT_OF_SCOPE: no units, a unit outside the campaign’s subtree, or one named twice',
      'ZONE.UNIT_IN_ANOTHER_ZONE: a unit lies in another zone of the campaign already',
      `ZONE.TOO_MANY_UNITS: more than ${ZONE_MAX_UNITS} units`,
    ],
  })
  designate(@Ctx() ctx: CommandContext, @Body() b: DesignateZoneRequest) {
    return this.handlers.designateZone(
      {
        campaignId: b.campaignId,
        name: b.name,
        leader: b.leader,
        units: b.units ?? [],
        ...(b.under ? { under: { orgId: b.under.orgId, ...(b.under.level ? { level: b.under.level } : {}) } } : {}),
        reason: b.reason,
      },
      ctx,
    );
  }

  @Get('zones/:id')
  @Roles(...READ_ROLES)
  @ApiOperation({ summary: '片区详情 / one zone: leader, units, the decision that designated it' })
  @ApiRefusals({
    404: [
      'ZONE.NOT_FOUND: unknown, or neither yours to lead nor in your subtree',
      'ORGANIZATION.NOT_FOUND: the campaign’s organisation is no longer in the tree',
    ],
  })
  async zone(@Ctx() ctx: CommandContext, @Param('id', uuidParam('id')) id: string) {
    const { zone, version } = await loadZoneVisible(this.streams, this.tree, ctx, id);
    return { ...zone, version };
  }

  @Post('zones/:id/monthly-reviews')
  @Roles(...PLEDGE_ROLES)
  @ApiOperation({ summary: '开始月度观摩点评 / open the zone’s round for a month, on the quarter’s theme with the rubric in force' })
  @ApiRefusals({
    403: [NOT_ZONE_LEADER],
    404: [
      'ZONE.NOT_FOUND: unknown, or neither yours to lead nor in your subtree',
      'ORGANIZATION.NOT_FOUND: the campaign’s organisation is no longer in the tree',
    ],
    409: [
      'MONTHLY_REVIEW.ALREADY_OPENED: the zone’s round of that month is open already',
      'STREAM.CONCURRENT_CHANGE: the round changed meanwhile; reload and try again',
    ],
    422: [
      'CAMPAIGN.NO_CYCLE: the campaign has no cycle planned',
      'MONTHLY_REVIEW.MONTH_NOT_IN_CYCLE: the month lies in no quarter of the campaign',
      'PERIOD.NOT_BEGUN: the month has not begun',
    ],
  })
  open(@Ctx() ctx: CommandContext, @Param('id', uuidParam('id')) id: string, @Body() b: OpenMonthlyReviewRequest) {
    return this.handlers.open(
      id,
      { month: b.month, ...(b.rubricVersion ? { rubricVersion: b.rubricVersion } : {}), reason: b.reason },
      ctx,
    );
  }

  @Get('monthly-reviews/results')
  @Roles(...READ_ROLES)
  @ApiOperation({
    summary: '观摩点评结果 / a unit’s ranks and scores of a year, each with its round stream and version (assessment evidence)',
  })
  async unitResults(@Ctx() ctx: CommandContext, @Query() q: ReviewResultsQuery): Promise<{ items: MonthlyReviewResult[] }> {
    if (!this.tree.isWithin(ctx.caller.orgId, q.orgId)) throw new OutOfScopeError();
    return { items: await this.results.ofUnit(q.orgId, q.period) };
  }

  @Get('monthly-reviews/:id')
  @Roles(...READ_ROLES)
  @ApiOperation({ summary: '观摩点评详情 / one round: theme, rubric, units, how many scored, and its result once concluded' })
  @ApiRefusals({
    404: [
      'MONTHLY_REVIEW.NOT_FOUND: unknown, or neither yours to lead nor in your subtree',
      'ORGANIZATION.NOT_FOUND: the campaign’s organisation is no longer in the tree',
    ],
  })
  async round(@Ctx() ctx: CommandContext, @Param('id', uuidParam('id')) id: string) {
    const { state, version, round } = await loadRoundVisible(this.streams, this.tree, ctx, id);
    return { ...round, unitsScored: state.points.size, concluded: state.concluded, version };
  }

  @Post('monthly-reviews/:id/scores')
  @Roles(...PLEDGE_ROLES)
  @ApiOperation({
    summary: '观摩评分 / one batch of the caller’s points (the zone’s leader or an organizer above), one figure per criterion',
  })
  @ApiRefusals({
    403: [NOT_ZONE_LEADER],
    404: [
      'MONTHLY_REVIEW.NOT_FOUND: unknown, or neither yours to lead nor in your subtree',
      'ORGANIZATION.NOT_FOUND: the campaign’s organisation is no longer in the tree',
    ],
    409: ['MONTHLY_REVIEW.NOT_OPEN: the round is concluded', 'STREAM.CONCURRENT_CHANGE: the round changed meanwhile; reload and try again'],
    422: ['MONTHLY_REVIEW.UNIT_NOT_IN_ROUND: a unit scored is not one of the round’s'],
  })
  score(@Ctx() ctx: CommandContext, @Param('id', uuidParam('id')) id: string, @Body() b: RecordScoresRequest) {
    return this.handlers.score(id, { scores: b.scores.map(({ orgId, points }) => ({ orgId, points })), reason: b.reason }, ctx);
  }

  @Post('monthly-reviews/:id/conclude')
  @HttpCode(200)
  @Roles(...PLEDGE_ROLES)
  @ApiOperation({ summary: '汇总排名 / conclude: units ranked within the zone by the round’s rubric version' })
  @ApiRefusals({
    403: [NOT_ZONE_LEADER],
    404: [
      'MONTHLY_REVIEW.NOT_FOUND: unknown, or neither yours to lead nor in your subtree',
      'ORGANIZATION.NOT_FOUND: the campaign’s organisation is no longer in the tree',
    ],
    409: ['MONTHLY_REVIEW.NOT_OPEN: concluded already', 'STREAM.CONCURRENT_CHANGE: the round changed meanwhile; reload and try again'],
    422: ['MONTHLY_REVIEW.NO_SCORES: nobody has scored the round yet'],
  })
  conclude(@Ctx() ctx: CommandContext, @Param('id', uuidParam('id')) id: string, @Body() b: ConcludeMonthlyReviewRequest) {
    return this.handlers.conclude(id, { reason: b.reason }, ctx);
  }

  @Post('monthly-reviews/:id/findings')
  @Roles(...PLEDGE_ROLES)
  @ApiOperation({ summary: '记录观摩发现的问题 / findings at one unit of the round, each with a rectification and deadline' })
  @ApiRefusals({
    403: [NOT_ZONE_LEADER],
    404: [
      'MONTHLY_REVIEW.NOT_FOUND: unknown, or neither yours to lead nor in your subtree',
      'ORGANIZATION.NOT_FOUND: the unit, or the campaign’s organisation, is no longer in the tree',
    ],
    422: ['MONTHLY_REVIEW.UNIT_NOT_IN_ROUND: the unit is not one of the round’s'],
  })
  findings(@Ctx() ctx: CommandContext, @Param('id', uuidParam('id')) id: string, @Body() b: RecordReviewFindingsRequest) {
    return this.handlers.recordFindings(
      id,
      {
        orgId: b.orgId,
        summary: b.summary,
        findings: b.findings.map(({ problem, rectification, deadline }) => ({ problem, rectification, deadline })),
        reason: b.reason,
      },
      ctx,
    );
  }
}
