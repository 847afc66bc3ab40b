import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '@vanguard/auth';
import { ApiRefusals } from '@vanguard/http';
import type { CommandContext } from '../../../application/commands/command-context';
import { CompleteRectificationHandler } from '../../../application/commands/complete-rectification/complete-rectification.handler';
import { MakeLeaderCommentHandler } from '../../../application/commands/make-leader-comment/make-leader-comment.handler';
import { MarkOverdueRectificationsHandler } from '../../../application/commands/mark-overdue-rectifications/mark-overdue-rectifications.handler';
import { CommentQueries } from '../../../application/queries/comments/comment.queries';
import { VersionResponse } from '../dto/campaign.dto';
import { Ctx, PLEDGE_ROLES, READ_ROLES, uuidParam } from '../request-context';
import {
  CommentCreatedResponse,
  CommentPageResponse,
  CommentResponse,
  CommentsQuery,
  CompleteRectificationRequest,
  MakeCommentRequest,
  OverdueCheckResponse,
} from './comment.dto';

/** 领导点评 with findings and rectifications. A comment outside the caller's subtree answers like one that does not exist (404). */
@ApiTags('comments')
@ApiBearerAuth()
@Controller('comments')
export class CommentsHttpController {
  constructor(
    private readonly make: MakeLeaderCommentHandler,
    private readonly complete: CompleteRectificationHandler,
    private readonly markOverdue: MarkOverdueRectificationsHandler,
    private readonly queries: CommentQueries,
  ) {}

  @Post()
  @Roles(...PLEDGE_ROLES)
  @ApiOperation({
    summary: '领导点评 / a leader above, or the contact-point leader, comments with findings and deadlines',
    description:
      'A `cycleId` names a cycle of a campaign over the organisation, opened already: 400 COMMENT.UNKNOWN_CYCLE for an unknown one or another subtree’s, 422 COMMENT.CYCLE_NOT_OPENED for one only planned; nothing is recorded then (ADR 0138).',
  })
  @ApiCreatedResponse({ type: CommentCreatedResponse })
  @ApiRefusals({
    403: ['COMMENT.NOT_ENTITLED: neither a leader of an organisation above it nor the leader whose contact point it is'],
    404: ['ORGANIZATION.NOT_FOUND: unknown organisation'],
    422: ['COMMENT.CYCLE_NOT_OPENED: the cycle named is only planned'],
  })
  create(@Ctx() ctx: CommandContext, @Body() b: MakeCommentRequest): Promise<CommentCreatedResponse> {
    return this.make.execute(
      {
        orgId: b.orgId,
        cycleId: b.cycleId ?? null,
        form: b.form,
        summary: b.summary,
        findings: b.findings.map(({ problem, rectification, deadline }) => ({ problem, rectification, deadline })),
        reason: b.reason ?? '',
      },
      ctx,
    );
  }

  @Post('overdue-check')
  @HttpCode(200)
  @Roles(...PLEDGE_ROLES)
  @ApiOperation({ summary: '逾期检查 / mark each undone rectification past its deadline overdue, once, in the caller’s subtree' })
  @ApiOkResponse({ type: OverdueCheckResponse })
  async overdueCheck(@Ctx() ctx: CommandContext): Promise<OverdueCheckResponse> {
    return this.markOverdue.execute(await this.queries.dueForOverdueCheck(ctx), ctx);
  }

  @Post(':id/findings/:findingId/complete')
  @HttpCode(200)
  @Roles(...PLEDGE_ROLES)
  @ApiOperation({ summary: '整改销号 / a level above confirms the rectification done today' })
  @ApiOkResponse({ type: VersionResponse })
  @ApiRefusals({
    403: ['COMMENT.NOT_CONFIRMING_LEVEL: only a level above the organisation confirms a rectification'],
    404: ['COMMENT.NOT_FOUND: unknown, or outside your subtree', 'ORGANIZATION.NOT_FOUND: its organisation is no longer in the tree'],
    409: [
      'COMMENT.RECTIFICATION_NOT_OPEN: no such finding, or its rectification is done already',
      'STREAM.CONCURRENT_CHANGE: changed meanwhile; reload and try again',
    ],
  })
  completeRectification(
    @Ctx() ctx: CommandContext,
    @Param('id', uuidParam('id')) id: string,
    @Param('findingId', uuidParam('findingId')) findingId: string,
    @Body() b: CompleteRectificationRequest,
  ): Promise<VersionResponse> {
    return this.complete.execute(id, findingId, { reason: b.reason }, ctx);
  }

  @Get()
  @Roles(...READ_ROLES)
  @ApiOperation({ summary: '点评列表 / comments on a subtree, with their findings as of today' })
  @ApiOkResponse({ type: CommentPageResponse })
  list(@Ctx() ctx: CommandContext, @Query() q: CommentsQuery): Promise<CommentPageResponse> {
    return this.queries.comments(
      {
        limit: q.limit ?? 50,
        offset: q.offset ?? 0,
        ...(q.subtreeOf ? { subtreeOf: q.subtreeOf } : {}),
        ...(q.cycleId ? { cycleId: q.cycleId } : {}),
      },
      ctx,
    );
  }

  @Get(':id')
  @Roles(...READ_ROLES)
  @ApiOperation({ summary: '点评详情 / one comment with its findings as of today' })
  @ApiOkResponse({ type: CommentResponse })
  @ApiRefusals({
    404: ['COMMENT.NOT_FOUND: unknown, or outside your subtree'],
  })
  get(@Ctx() ctx: CommandContext, @Param('id', uuidParam('id')) id: string): Promise<CommentResponse> {
    return this.queries.comment(id, ctx);
  }
}
