import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles, type Role } from '@vanguard/auth';
import { MEMBER_CRITERIA, type MemberCriterion } from '@vanguard/contracts';
import { APPROVING_ROLES } from '@vanguard/evaluation-domain';
import { ApiRefusals } from '@vanguard/http';
import { ApproveReviewHandler } from '../../application/commands/approve-review/approve-review.handler';
import type { CommandContext } from '../../application/commands/command-context';
import { ConcludeReviewHandler } from '../../application/commands/conclude-review/conclude-review.handler';
import { ReturnReviewHandler } from '../../application/commands/return-review/return-review.handler';
import { SubmitSelfAssessmentHandler } from '../../application/commands/submit-self-assessment/submit-self-assessment.handler';
import { TallyPeerBallotsHandler } from '../../application/commands/tally-peer-ballots/tally-peer-ballots.handler';
import { ReviewQueries } from '../../application/queries/review-queries';
import { VersionResponse } from './dto/campaign.dto';
import { DecisionRequest } from './dto/pledge.dto';
import {
  BallotsRequest,
  ConcludeReviewRequest,
  EvidencePackResponse,
  ListReviewsQuery,
  ReviewPageResponse,
  ReviewResponse,
  SelfAssessmentRequest,
  YearParam,
} from './dto/review.dto';
import { Ctx, PLEDGE_ROLES, READ_ROLES, uuidParam } from './request-context';

/** The branch records the review: secretaries for their branch, organisers and evaluators for their subtree. */
const BRANCH_ROLES: Role[] = PLEDGE_ROLES;
/** The level above approves or returns: the roles the domain's approval rule accepts. */
const APPROVER_ROLES: Role[] = [...APPROVING_ROLES];

/** Approving and returning alike: an approving role strictly above the organisation that concluded, never the one who concluded. */
const APPROVAL_FORBIDDEN = [
  'REVIEW.NOT_LEVEL_ABOVE: not an approving role (reviewer, organizer, admin) of an organisation above the one that concluded',
  'REVIEW.SAME_PERSON: the one who concluded does not approve or return their own conclusion',
];

/** 民主评议党员, one member and one year: `/reviews/:memberId/:year`. Someone else's answers 404. */
@ApiTags('reviews')
@ApiBearerAuth()
@Controller('reviews')
export class ReviewsHttpController {
  constructor(
    private readonly submit: SubmitSelfAssessmentHandler,
    private readonly tally: TallyPeerBallotsHandler,
    private readonly conclude: ConcludeReviewHandler,
    private readonly approve: ApproveReviewHandler,
    private readonly returnReview: ReturnReviewHandler,
    private readonly queries: ReviewQueries,
  ) {}

  @Get()
  @Roles(...READ_ROLES)
  @ApiOperation({ summary: '评议列表 / reviews of a subtree in a year' })
  @ApiOkResponse({ type: ReviewPageResponse })
  list(@Ctx() ctx: CommandContext, @Query() q: ListReviewsQuery): Promise<ReviewPageResponse> {
    const { year, subtreeOf, status } = q;
    return this.queries.list(
      { year, limit: q.limit ?? 50, offset: q.offset ?? 0, ...(subtreeOf ? { subtreeOf } : {}), ...(status ? { status } : {}) },
      ctx,
    );
  }

  @Get(':memberId/:year')
  @Roles(...READ_ROLES)
  @ApiOperation({ summary: '评议详情 / one member’s review of a year' })
  @ApiOkResponse({ type: ReviewResponse })
  @ApiRefusals({ 404: ['REVIEW.NOT_FOUND: no review of the member that year, or outside your subtree'] })
  get(@Ctx() ctx: CommandContext, @Param('memberId', uuidParam('memberId')) m: string, @YearParam() y: number) {
    return this.queries.get(m, y, ctx);
  }

  @Get(':memberId/:year/evidence')
  @Roles(...READ_ROLES)
  @ApiOperation({ summary: '评议材料 / the member’s year as already recorded, each item linked to its stream and version' })
  @ApiOkResponse({ type: EvidencePackResponse })
  @ApiRefusals({ 404: ['REVIEW.NOT_FOUND: no review of the member that year, or outside your subtree'] })
  evidence(@Ctx() ctx: CommandContext, @Param('memberId', uuidParam('memberId')) m: string, @YearParam() y: number) {
    return this.queries.evidencePack(m, y, ctx);
  }

  @Post(':memberId/:year/self-assessment')
  @Roles(...BRANCH_ROLES)
  @ApiOperation({ summary: '个人总结和党性分析 / record the member’s self-assessment; opens the year’s review' })
  @ApiOkResponse({ type: VersionResponse })
  @ApiRefusals({
    404: [
      'REVIEW.NOT_FOUND: the branch is outside your subtree or no longer in the tree, the member is not active in it, or the year’s review is another branch’s',
    ],
    409: [
      'REVIEW.ALREADY_STARTED: the year’s review has begun already',
      'STREAM.CONCURRENT_CHANGE: the review changed meanwhile; reload and try again',
    ],
    422: ['PERIOD.NOT_BEGUN: the year has not begun'],
  })
  selfAssessment(
    @Ctx() ctx: CommandContext,
    @Param('memberId', uuidParam('memberId')) memberId: string,
    @YearParam() year: number,
    @Body() b: SelfAssessmentRequest,
  ) {
    const { orgId, selfAssessment, partySpiritAnalysis } = b;
    return this.submit.execute({ memberId, year, orgId, selfAssessment, partySpiritAnalysis }, ctx);
  }

  @Post(':memberId/:year/ballots')
  @HttpCode(200)
  @Roles(...BRANCH_ROLES)
  @ApiOperation({ summary: '民主测评 / the tally of the peer ballots' })
  @ApiOkResponse({ type: VersionResponse })
  @ApiRefusals({
    403: ['REVIEW.NOT_THE_BRANCH: only the member’s own branch counts the ballots'],
    404: ['REVIEW.NOT_FOUND: no review of the member that year, or outside your subtree'],
    409: [
      'REVIEW.NOT_SELF_ASSESSED: ballots are counted once, after the self-assessment',
      'STREAM.CONCURRENT_CHANGE: the review changed meanwhile; reload and try again',
    ],
    422: [
      'REVIEW.NO_BALLOTS: a tally needs at least one ballot',
      'REVIEW.TOO_MANY_BALLOTS: more ballots than the branch’s active members',
      'REVIEW.CRITERIA_EXCEED_BALLOTS: a model judged on more ballots than were cast',
    ],
  })
  ballots(
    @Ctx() ctx: CommandContext,
    @Param('memberId', uuidParam('memberId')) m: string,
    @YearParam() y: number,
    @Body() b: BallotsRequest,
  ) {
    const { excellent, qualified, basicallyQualified, unqualified } = b.tally;
    // Rebuilt field by field: only what the contract knows reaches the event.
    const criteria = b.criteria
      ? Object.fromEntries(
          MEMBER_CRITERIA.map((c) => [c, { met: b.criteria![c].met, partlyMet: b.criteria![c].partlyMet, notMet: b.criteria![c].notMet }]),
        )
      : undefined;
    return this.tally.execute(
      m,
      y,
      {
        tally: { excellent, qualified, basicallyQualified, unqualified },
        ...(criteria ? { criteria: criteria as Record<MemberCriterion, { met: number; partlyMet: number; notMet: number }> } : {}),
      },
      ctx,
    );
  }

  @Post(':memberId/:year/conclude')
  @HttpCode(200)
  @Roles(...BRANCH_ROLES)
  @ApiOperation({ summary: '支部评定 / the branch concludes the grade; records the evidence pack read' })
  @ApiOkResponse({ type: VersionResponse })
  @ApiRefusals({
    403: ['REVIEW.NOT_THE_BRANCH: only the member’s own branch concludes'],
    404: ['REVIEW.NOT_FOUND: no review of the member that year, or outside your subtree'],
    409: [
      'REVIEW.NOT_TALLIED: no tally yet, or concluded already (awaiting approval, or approved)',
      'STREAM.CONCURRENT_CHANGE: the review changed meanwhile; reload and try again',
    ],
    422: [
      'REVIEW.GRADE_NOT_BORNE_OUT: no ballots; excellent without a majority of them; a lower grade without reasons',
      'REVIEW.EVIDENCE_TOO_LARGE: the evidence pack reads more streams than a conclusion records',
    ],
  })
  concludeReview(
    @Ctx() ctx: CommandContext,
    @Param('memberId', uuidParam('memberId')) m: string,
    @YearParam() y: number,
    @Body() b: ConcludeReviewRequest,
  ) {
    return this.conclude.execute(m, y, { grade: b.grade, reason: b.reason ?? '' }, ctx);
  }

  @Post(':memberId/:year/approve')
  @HttpCode(200)
  @Roles(...APPROVER_ROLES)
  @ApiOperation({ summary: '上级审批 / a level above approves the conclusion' })
  @ApiOkResponse({ type: VersionResponse })
  @ApiRefusals({
    403: APPROVAL_FORBIDDEN,
    404: ['REVIEW.NOT_FOUND: no review of the member that year, or outside your subtree'],
    409: [
      'REVIEW.NOT_CONCLUDED: no conclusion awaits approval',
      'STREAM.CONCURRENT_CHANGE: the review changed meanwhile; reload and try again',
    ],
  })
  approveReview(
    @Ctx() ctx: CommandContext,
    @Param('memberId', uuidParam('memberId')) m: string,
    @YearParam() y: number,
    @Body() b: DecisionRequest,
  ) {
    return this.approve.execute(m, y, { reason: b.reason ?? '' }, ctx);
  }

  @Post(':memberId/:year/return')
  @HttpCode(200)
  @Roles(...APPROVER_ROLES)
  @ApiOperation({ summary: '退回 / a level above returns the conclusion with its reason' })
  @ApiOkResponse({ type: VersionResponse })
  @ApiRefusals({
    403: APPROVAL_FORBIDDEN,
    404: ['REVIEW.NOT_FOUND: no review of the member that year, or outside your subtree'],
    409: [
      'REVIEW.NOT_CONCLUDED: no conclusion awaits approval',
      'STREAM.CONCURRENT_CHANGE: the review changed meanwhile; reload and try again',
    ],
  })
  return(
    @Ctx() ctx: CommandContext,
    @Param('memberId', uuidParam('memberId')) m: string,
    @YearParam() y: number,
    @Body() b: DecisionRequest,
  ) {
    return this.returnReview.execute(m, y, { reason: b.reason ?? '' }, ctx);
  }
}
