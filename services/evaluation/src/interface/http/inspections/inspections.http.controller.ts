import { Body, Controller, Get, Inject, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '@vanguard/auth';
import { replayDraw, type InspectionState } from '@vanguard/evaluation-domain';
import { ApiRefusals } from '@vanguard/http';
import { DomainError } from '@vanguard/kernel';
import type { CommandContext } from '../../../application/commands/command-context';
import { loadInspectionInScope } from '../../../application/commands/inspections/inspection-access';
import { LaunchInspectionHandler } from '../../../application/commands/inspections/launch-inspection.handler';
import { RecordInspectionFindingsHandler } from '../../../application/commands/inspections/record-inspection-findings.handler';
import { ORG_TREE, type OrgTreePort } from '../../../application/ports/org-tree.port';
import { InspectionQueries } from '../../../application/queries/inspections/inspection-queries';
import { STREAMS, type StreamsPort } from '../../../application/ports/streams.port';
import { CommentCreatedResponse } from '../comments/comment.dto';
import { Ctx, PLEDGE_ROLES, READ_ROLES, uuidParam } from '../request-context';
import {
  DrawReplayResponse,
  InspectionLaunchedResponse,
  InspectionPageResponse,
  LaunchInspectionRequest,
  ListInspectionsQuery,
  RecordInspectionFindingsRequest,
} from './inspection.dto';

class NotADrawError extends DomainError {
  constructor() {
    super('INSPECTION.NOT_RANDOM', 'conflict', '专项检查没有随机抽取记录 / a special inspection has no draw to replay');
  }
}

/**
 * 督导检查 (ADR 0038): launch a special or random inspection, read it, replay its draw, record what it
 * found at a unit. The findings' rectifications are then the comment slice's: completed at
 * `POST /comments/:commentId/findings/:findingId/complete`, overdue when read, listed at `GET /rectifications`.
 */
@ApiTags('inspections')
@ApiBearerAuth()
@Controller('inspections')
export class InspectionsHttpController {
  constructor(
    private readonly launchHandler: LaunchInspectionHandler,
    private readonly findingsHandler: RecordInspectionFindingsHandler,
    private readonly queries: InspectionQueries,
    @Inject(STREAMS) private readonly streams: StreamsPort,
    @Inject(ORG_TREE) private readonly tree: OrgTreePort,
  ) {}

  @Post()
  @Roles('admin', 'organizer', 'branch_secretary')
  @ApiOperation({
    summary: '派出督导检查组 / launch a special or random inspection (a random one is drawn by the system with a recorded seed)',
  })
  @ApiCreatedResponse({ type: InspectionLaunchedResponse })
  @ApiRefusals({
    403: ['INSPECTION.NOT_ENTITLED: not a leader (admin, organizer, branch secretary) of the scope’s organisation or one above it'],
    404: ['ORGANIZATION.NOT_FOUND: the scope or a unit named is unknown'],
    422: [
      'INSPECTION.UNIT_OUT_OF_SCOPE: a unit named lies outside the group’s scope, or is named twice',
      'INSPECTION.TOO_FEW_CANDIDATES: fewer units in the scope than the count to draw',
      'INSPECTION.SCOPE_TOO_LARGE: the scope holds more than 5,000 units to draw from; draw within each part of it',
    ],
  })
  launch(@Ctx() ctx: CommandContext, @Body() b: LaunchInspectionRequest): Promise<InspectionLaunchedResponse> {
    const { name, leader, members, scopeOrgId } = b.group;
    return this.launchHandler.execute(
      {
        topic: b.topic,
        group: { name, leader, members, scopeOrgId },
        selection:
          b.kind === 'special'
            ? { kind: 'special', units: b.units! }
            : { kind: 'random', count: b.count!, ...(b.level ? { level: b.level } : {}) },
        reason: b.reason,
      },
      ctx,
    );
  }

  @Get()
  @Roles(...READ_ROLES)
  @ApiOperation({ summary: '督导检查列表 / inspections whose group’s scope lies in a subtree of yours, newest first, paged' })
  @ApiOkResponse({ type: InspectionPageResponse })
  list(@Ctx() ctx: CommandContext, @Query() q: ListInspectionsQuery): Promise<InspectionPageResponse> {
    return this.queries.list({ limit: q.limit ?? 50, offset: q.offset ?? 0, ...(q.subtreeOf ? { subtreeOf: q.subtreeOf } : {}) }, ctx);
  }

  @Get(':id')
  @Roles(...READ_ROLES)
  @ApiOperation({ summary: '督导检查详情 / one inspection: group, units, draw and the decision that launched it' })
  @ApiRefusals({
    404: ['INSPECTION.NOT_FOUND: unknown, or neither in your subtree nor yours as a group member'],
  })
  async get(
    @Ctx() ctx: CommandContext,
    @Param('id', uuidParam('id')) id: string,
  ): Promise<NonNullable<InspectionState['inspection']> & { version: number }> {
    const { inspection, version } = await loadInspectionInScope(this.streams, this.tree, ctx, id);
    return { ...inspection, version };
  }

  @Get(':id/draw/replay')
  @Roles(...READ_ROLES)
  @ApiOperation({ summary: '复核随机抽取 / replay the recorded draw from its seed and candidates, as an auditor would' })
  @ApiOkResponse({ type: DrawReplayResponse })
  @ApiRefusals({
    404: ['INSPECTION.NOT_FOUND: unknown, or neither in your subtree nor yours as a group member'],
    409: ['INSPECTION.NOT_RANDOM: a special inspection has no draw to replay'],
  })
  async replay(@Ctx() ctx: CommandContext, @Param('id', uuidParam('id')) id: string): Promise<DrawReplayResponse> {
    const { inspection } = await loadInspectionInScope(this.streams, this.tree, ctx, id);
    if (!inspection.draw) throw new NotADrawError();
    const { units, matches } = replayDraw(inspection.draw, inspection.units);
    const d = inspection.draw;
    return { algorithm: d.algorithm, seed: d.seed, candidates: d.candidates.length, recorded: inspection.units, replayed: units, matches };
  }

  @Post(':id/findings')
  @Roles(...PLEDGE_ROLES)
  @ApiOperation({
    summary: '记录检查发现的问题 / record what the inspection found at one unit, each with a rectification and deadline (a group member)',
  })
  @ApiCreatedResponse({ type: CommentCreatedResponse, description: 'the findings stream is `comment-<commentId>`' })
  @ApiRefusals({
    403: ['INSPECTION.NOT_GROUP_MEMBER: only a member of the inspection group records what it found'],
    404: ['INSPECTION.NOT_FOUND: unknown, or neither in your subtree nor yours as a group member', 'ORGANIZATION.NOT_FOUND: unknown unit'],
    422: ['INSPECTION.UNIT_NOT_INSPECTED: the unit is not one this inspection checks'],
  })
  findings(
    @Ctx() ctx: CommandContext,
    @Param('id', uuidParam('id')) id: string,
    @Body() b: RecordInspectionFindingsRequest,
  ): Promise<CommentCreatedResponse> {
    return this.findingsHandler.execute(
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
