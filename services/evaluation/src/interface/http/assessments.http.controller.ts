import { Body, Controller, Get, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles, type Role } from '@vanguard/auth';
import { ApiRefusals } from '@vanguard/http';
import { AssessOrganizationHandler } from '../../application/commands/assess-organization/assess-organization.handler';
import type { CommandContext } from '../../application/commands/command-context';
import { AssessmentQueries } from '../../application/queries/assessment-queries';
import {
  AssessmentPageResponse,
  AssessmentReplayResponse,
  AssessmentResponse,
  AssessOrganizationRequest,
  ListAssessmentsQuery,
  PeriodQuery,
  TierChangeReportResponse,
} from './dto/assessment.dto';
import { VersionResponse } from './dto/campaign.dto';
import { YearParam } from './dto/review.dto';
import { Ctx, PLEDGE_ROLES, READ_ROLES, uuidParam } from './request-context';

/** A level above assesses: organisers and evaluators for their subtree, secretaries for the branches below theirs. */
const ASSESSOR_ROLES: Role[] = PLEDGE_ROLES;

/** 五个好 assessment: tier and stars by the versioned rule, tier changes (晋档升级) and replays. */
@ApiTags('assessments')
@ApiBearerAuth()
@Controller('assessments')
export class AssessmentsHttpController {
  constructor(
    private readonly assess: AssessOrganizationHandler,
    private readonly queries: AssessmentQueries,
  ) {}

  @Post(':orgId')
  @Roles(...ASSESSOR_ROLES)
  @ApiOperation({ summary: '五个好评定 / assess an organisation for a year; tier and stars from the rule version in force' })
  @ApiCreatedResponse({ type: VersionResponse })
  @ApiRefusals({
    403: ['ASSESSMENT.NOT_LEVEL_ABOVE: only a level above the organisation assesses it'],
    404: [
      'ASSESSMENT.NOT_FOUND: unknown organisation, or outside your subtree',
      'MASS_EVALUATION.NOT_FOUND: the satisfaction window (or county count) named is unknown, or outside your subtree',
    ],
    409: [
      'ASSESSMENT.PERIOD_DONE: the organisation is assessed for this year already',
      'ASSESSMENT.LATER_PERIOD_ASSESSED: a later year of the organisation is assessed already',
      'STREAM.CONCURRENT_CHANGE: changed meanwhile; reload and try again',
    ],
    422: [
      'PERIOD.NOT_BEGUN: the year has not begun',
      'ASSESSMENT.SATISFACTION_NOT_USABLE: the window or count is not this organisation’s, not closed with ballots, or not of the year',
      'ASSESSMENT.MONTHLY_REVIEW_NOT_USABLE: a monthly round read is not of the year or does not rank the unit',
      'ASSESSMENT.TOO_MANY_INPUTS: more inputs than a decision records (100)',
    ],
  })
  assessOrganization(@Ctx() ctx: CommandContext, @Param('orgId', uuidParam('orgId')) orgId: string, @Body() b: AssessOrganizationRequest) {
    const { leadership, membership, mechanism, performance, reputation } = b.scores;
    return this.assess.execute(
      orgId,
      {
        period: b.period,
        scores: { leadership, membership, mechanism, performance, reputation },
        satisfactionWindowId: b.satisfactionWindowId ?? null,
        satisfactionCountyTally: b.satisfactionCountyTally === true,
        reason: b.reason ?? '',
      },
      ctx,
    );
  }

  // Before `:orgId`, so "tier-changes" is not taken for an id.
  @Get('tier-changes')
  @Roles(...READ_ROLES)
  @ApiOperation({ summary: '晋档升级 / organisations of a subtree that moved up or down a tier in a year' })
  @ApiOkResponse({ type: TierChangeReportResponse })
  tierChanges(@Ctx() ctx: CommandContext, @Query() q: PeriodQuery) {
    return this.queries.tierChanges({ period: q.period, ...(q.subtreeOf ? { subtreeOf: q.subtreeOf } : {}) }, ctx);
  }

  @Get()
  @Roles(...READ_ROLES)
  @ApiOperation({ summary: '评定列表 / assessments of a subtree in a year' })
  @ApiOkResponse({ type: AssessmentPageResponse })
  list(@Ctx() ctx: CommandContext, @Query() q: ListAssessmentsQuery): Promise<AssessmentPageResponse> {
    const { period, subtreeOf } = q;
    return this.queries.list({ period, limit: q.limit ?? 50, offset: q.offset ?? 0, ...(subtreeOf ? { subtreeOf } : {}) }, ctx);
  }

  @Get(':orgId')
  @Roles(...READ_ROLES)
  @ApiOperation({ summary: '评定记录 / an organisation’s assessments, oldest first' })
  @ApiOkResponse({ type: [AssessmentResponse] })
  @ApiRefusals({
    404: ['ASSESSMENT.NOT_FOUND: no assessment of the organisation, or outside your subtree'],
  })
  ofOrganization(@Ctx() ctx: CommandContext, @Param('orgId', uuidParam('orgId')) orgId: string) {
    return this.queries.ofOrganization(orgId, ctx);
  }

  @Get(':orgId/:period/replay')
  @Roles(...READ_ROLES)
  @ApiOperation({ summary: '复核 / replay a recorded assessment with its recorded inputs and rule version' })
  @ApiOkResponse({ type: AssessmentReplayResponse })
  @ApiRefusals({
    404: ['ASSESSMENT.NOT_FOUND: no assessment of the organisation for that year, or outside your subtree'],
    422: ['ASSESSMENT.RULE_VERSION_MISSING: the recorded tier rule version is no longer in the code'],
  })
  replay(@Ctx() ctx: CommandContext, @Param('orgId', uuidParam('orgId')) orgId: string, @YearParam('period') period: number) {
    return this.queries.replay(orgId, String(period), ctx);
  }
}
