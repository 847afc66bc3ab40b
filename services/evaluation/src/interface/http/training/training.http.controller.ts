import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '@vanguard/auth';
import { ApiRefusals } from '@vanguard/http';
import type { TrainingTargetGroup } from '../../../application/commands/training/training-types';
import { OutOfScopeError, type CommandContext } from '../../../application/commands/command-context';
import { TrainingClassHandler } from '../../../application/commands/training/training-class.handler';
import { ORG_TREE, type OrgTreePort } from '../../../application/ports/org-tree.port';
import { SqlTrainingCounts, type TrainingCounts } from '../../../infrastructure/training/sql-training-counts';
import { Ctx, READ_ROLES, uuidParam } from '../request-context';
import { EnrolTraineesRequest, OpenTrainingClassRequest, RecordAttendanceRequest, TrainingCountsQuery } from './training.dto';

const RUN_ROLES = ['admin', 'organizer', 'branch_secretary'] as const;
/** Opening, enrolling and attendance alike: a leader of the organising organisation or above runs the class. */
const NOT_ENTITLED =
  'TRAINING.NOT_ENTITLED: not a leader (admin, organizer, branch secretary) of the organising organisation or one above it';

/** 教育培训 (issue 13): classes, trainees from the roster, attendance and completion, counts per subtree and period. */
@ApiTags('training')
@ApiBearerAuth()
@Controller()
export class TrainingHttpController {
  constructor(
    private readonly handler: TrainingClassHandler,
    private readonly countsModel: SqlTrainingCounts,
    @Inject(ORG_TREE) private readonly tree: OrgTreePort,
  ) {}

  @Post('training-classes')
  @Roles(...RUN_ROLES)
  @ApiOperation({ summary: '开班 / open a training class (a leader of the organising organisation or above)' })
  @ApiRefusals({
    403: [NOT_ENTITLED],
    404: ['ORGANIZATION.NOT_FOUND: unknown organisation'],
  })
  open(@Ctx() ctx: CommandContext, @Body() b: OpenTrainingClassRequest): Promise<{ classId: string; version: number }> {
    const { orgId, topic, base, targetGroup, startsOn, endsOn, sessions, reason } = b;
    return this.handler.open(
      { orgId, topic, base, targetGroup: targetGroup as TrainingTargetGroup, startsOn, endsOn, sessions, reason },
      ctx,
    );
  }

  @Post('training-classes/:id/trainees')
  @Roles(...RUN_ROLES)
  @ApiOperation({ summary: '报名 / enrol members, each an active member of the organiser’s subtree per the roster' })
  @ApiRefusals({
    403: [NOT_ENTITLED],
    404: [
      'TRAINING.NOT_FOUND: unknown class, or outside your subtree',
      'ORGANIZATION.NOT_FOUND: its organisation is no longer in the tree',
    ],
    409: [
      'TRAINING.NOT_OPEN: the class has ended, or its attendance is recorded',
      'STREAM.CONCURRENT_CHANGE: changed meanwhile; reload and try again',
    ],
    422: [
      'TRAINING.NOT_ON_ROSTER: a trainee is not an active member of the organiser’s subtree, is listed twice, or is enrolled already',
      'TRAINING.CLASS_FULL: the class would hold more than 500 trainees',
    ],
  })
  enrol(
    @Ctx() ctx: CommandContext,
    @Param('id', uuidParam('id')) id: string,
    @Body() b: EnrolTraineesRequest,
  ): Promise<{ version: number }> {
    return this.handler.enrol(id, b.memberIds, b.reason, ctx);
  }

  @Post('training-classes/:id/attendance')
  @HttpCode(200)
  @Roles(...RUN_ROLES)
  @ApiOperation({ summary: '结业考勤 / after the end: sessions attended by every trainee; four fifths complete (rule v1)' })
  @ApiRefusals({
    403: [NOT_ENTITLED],
    404: [
      'TRAINING.NOT_FOUND: unknown class, or outside your subtree',
      'ORGANIZATION.NOT_FOUND: its organisation is no longer in the tree',
    ],
    409: ['STREAM.CONCURRENT_CHANGE: changed meanwhile; reload and try again'],
    422: ['TRAINING.BAD_ATTENDANCE: before the end or recorded already, not every trainee once, or more sessions than the class held'],
  })
  attendance(
    @Ctx() ctx: CommandContext,
    @Param('id', uuidParam('id')) id: string,
    @Body() b: RecordAttendanceRequest,
  ): Promise<{ version: number }> {
    return this.handler.attendance(
      id,
      b.attendance.map(({ memberId, sessionsAttended }) => ({ memberId, sessionsAttended })),
      b.reason,
      ctx,
    );
  }

  @Get('training/counts')
  @Roles(...READ_ROLES)
  @ApiOperation({ summary: '培训统计 / classes, trainees and completions of a subtree’s classes that ended in [from, to]' })
  counts(@Ctx() ctx: CommandContext, @Query() q: TrainingCountsQuery): Promise<TrainingCounts> {
    if (!this.tree.isWithin(ctx.caller.orgId, q.subtreeOf)) throw new OutOfScopeError();
    return this.countsModel.counts(q.subtreeOf, q.from, q.to);
  }
}
