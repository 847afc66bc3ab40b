import { Body, Controller, Get, HttpCode, Inject, NotFoundException, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles, ScopeService } from '@vanguard/auth';
import { ApiRefusals } from '@vanguard/http';
import { AllocateQuotaHandler } from '../../../application/commands/programmes/allocate-quota.handler';
import { LaunchAwardProgrammeHandler } from '../../../application/commands/programmes/launch-award-programme.handler';
import { NoteOverdueReviewsHandler } from '../../../application/commands/nominations/note-overdue-reviews.handler';
import { PublishNoticeHandler } from '../../../application/commands/nominations/publish-notice.handler';
import { callerOrgId, type CommandContext } from '../../../application/commands/command-context';
import { CLOCK, type ClockPort } from '../../../application/ports/clock.port';
import { BOARD_QUERIES, type BoardQueriesPort, type ProgrammeView } from '../../../application/queries/board-queries.port';
import { Ctx, PROGRAMME_ROLES, READ_ROLES, uuidParam } from '../request-context';
import { AllocateQuotaRequest, LaunchProgrammeRequest, NominationsQuery, OptionalReasonRequest } from './nomination.dto';

const notFound = () => new NotFoundException({ code: 'PROGRAMME.NOT_FOUND', message: '没有这项表彰 / no such programme' });

/** 表彰项目: launch, places per unit, the public notice, and the board (dashboards, lists, overdue). */
@ApiTags('programmes')
@ApiBearerAuth()
@Controller('programmes')
export class ProgrammesHttpController {
  constructor(
    private readonly launch: LaunchAwardProgrammeHandler,
    private readonly allocate: AllocateQuotaHandler,
    private readonly publish: PublishNoticeHandler,
    private readonly noteOverdue: NoteOverdueReviewsHandler,
    @Inject(BOARD_QUERIES) private readonly board: BoardQueriesPort,
    @Inject(CLOCK) private readonly clock: ClockPort,
    private readonly scope: ScopeService,
  ) {}

  @Post()
  @Roles(...PROGRAMME_ROLES)
  @ApiOperation({ summary: '部署表彰 / the awarding body launches a programme: categories, years, timeline, policies' })
  @ApiRefusals({
    403: ['PROGRAMME.NOT_AWARDING_BODY: only the awarding body’s own organisers launch its programme (orgId is not your organisation)'],
    404: ['ORGANIZATION.NOT_FOUND: the awarding organisation is not in the service’s tree copy'],
    422: [
      'PROGRAMME.LEVEL_MISMATCH: the programme’s level is not the awarding body’s',
      'PROGRAMME.CATEGORY_NOT_AT_LEVEL: advanced county committees are commended from city level up, and no category is listed twice',
    ],
  })
  create(@Ctx() ctx: CommandContext, @Body() b: LaunchProgrammeRequest): Promise<{ programmeId: string; version: number }> {
    return this.launch.execute(
      {
        name: b.name,
        orgId: b.orgId,
        level: b.level,
        categories: b.categories,
        years: b.years,
        timeline: {
          nominationOpensOn: b.timeline.nominationOpensOn,
          nominationClosesOn: b.timeline.nominationClosesOn,
          reviewDeadlines: b.timeline.reviewDeadlines.map(({ level, dueOn }) => ({ level, dueOn })),
          notice: { days: b.timeline.notice.days, dayKind: b.timeline.notice.dayKind },
          decisionOn: b.timeline.decisionOn,
        },
        ...(b.eligibilityPolicies ? { eligibilityPolicies: b.eligibilityPolicies.map(({ id, version }) => ({ id, version })) } : {}),
        ...(b.reason ? { reason: b.reason } : {}),
      },
      ctx,
    );
  }

  @Post(':id/quotas')
  @HttpCode(200)
  @Roles(...PROGRAMME_ROLES)
  @ApiOperation({ summary: '分配名额 / places in a category for a unit directly below the awarding body' })
  @ApiRefusals({
    403: ['PROGRAMME.NOT_AWARDING_BODY: only the awarding body’s organisers allocate its places'],
    404: ['PROGRAMME.NOT_FOUND: no such launched programme', 'ORGANIZATION.NOT_FOUND: the unit is not in the service’s tree copy'],
    409: ['STREAM.CONCURRENT_CHANGE: the programme changed meanwhile; reload and try again'],
    422: [
      'PROGRAMME.CATEGORY_NOT_OFFERED: the programme does not award this category',
      'PROGRAMME.NOT_SUBORDINATE_UNIT: places go to the units directly below the awarding body',
      'PROGRAMME.NOMINATIONS_CLOSED: places cannot change after nominations close',
    ],
  })
  quota(
    @Ctx() ctx: CommandContext,
    @Param('id', uuidParam('id')) id: string,
    @Body() b: AllocateQuotaRequest,
  ): Promise<{ version: number }> {
    return this.allocate.execute(
      id,
      { unitOrgId: b.unitOrgId, category: b.category, places: b.places, ...(b.reason ? { reason: b.reason } : {}) },
      ctx,
    );
  }

  @Post(':id/notice')
  @HttpCode(200)
  @Roles(...PROGRAMME_ROLES)
  @ApiOperation({ summary: '公示 / publish the shortlist from today for the programme’s notice period (a changed shortlist: a new round)' })
  @ApiRefusals({
    403: ['NOTICE.NOT_AWARDING_BODY: only the awarding body publishes its notice'],
    404: ['PROGRAMME.NOT_FOUND: no such launched programme'],
    409: [
      'NOTICE.UNCHANGED: the shortlist has not changed since the last notice',
      'OBJECTIONS.BUSY: a decision on the programme held it longer than the wait, or no connection was free (ADR 0113); nothing was published, and Retry-After says when to ask again',
      'STREAM.CONCURRENT_CHANGE: the notice, the programme or a listed nomination changed meanwhile; try again',
    ],
    422: [
      'NOTICE.NOT_SHORTLISTED: the programme has no shortlisted nomination, or one listed is no longer shortlisted',
      'NOTICE.TOO_LONG: more than 2,000 nominations to list; publish the programme in parts',
    ],
  })
  notice(@Ctx() ctx: CommandContext, @Param('id', uuidParam('id')) id: string, @Body() b: OptionalReasonRequest) {
    return this.publish.execute(id, b.reason, ctx);
  }

  @Post(':id/overdue-check')
  @HttpCode(200)
  @Roles(...PROGRAMME_ROLES)
  @ApiOperation({ summary: '逾期检查 / note, once, each nomination whose awaited level let its deadline pass (caller’s subtree)' })
  @ApiRefusals({ 404: ['PROGRAMME.NOT_FOUND: unknown, or neither above nor within the awarding body’s subtree'] })
  async overdueCheck(@Ctx() ctx: CommandContext, @Param('id', uuidParam('id')) id: string): Promise<{ noted: number; skipped: number }> {
    await this.one(ctx, id);
    return this.noteOverdue.execute(id, ctx);
  }

  @Get()
  @Roles(...READ_ROLES)
  @ApiOperation({ summary: '表彰项目 / the programmes of the caller’s organisation, above it and below it' })
  list(@Ctx() ctx: CommandContext): Promise<ProgrammeView[]> {
    return ctx.caller.orgId ? this.board.programmesIn(ctx.caller.orgId) : Promise.resolve([]);
  }

  @Get(':id')
  @Roles(...READ_ROLES)
  @ApiOperation({ summary: '表彰项目 / one programme with its timeline and places' })
  @ApiRefusals({ 404: ['PROGRAMME.NOT_FOUND: unknown, or neither above nor within the awarding body’s subtree'] })
  async one(@Ctx() ctx: CommandContext, @Param('id', uuidParam('id')) id: string): Promise<ProgrammeView> {
    const programme = await this.board.programme(id);
    // As the list shows them: to callers inside the awarding body's subtree or above it; to anyone
    // else, the same 404 as no programme (every id once answered, with its quotas, to any reader).
    const orgId = callerOrgId(ctx);
    const seen = programme && (this.scope.isWithin({ orgId }, programme.orgId) || this.scope.isWithin({ orgId: programme.orgId }, orgId));
    return seen ? programme : Promise.reject(notFound());
  }

  @Get(':id/dashboard')
  @Roles(...READ_ROLES)
  @ApiOperation({
    summary: '看板 / nominated, endorsed, returned, rejected, under notice, objections open, decided — in all and per level',
  })
  @ApiRefusals({ 404: ['PROGRAMME.NOT_FOUND: unknown, or neither above nor within the awarding body’s subtree'] })
  async dashboard(@Ctx() ctx: CommandContext, @Param('id', uuidParam('id')) id: string) {
    await this.one(ctx, id);
    return this.board.dashboard(id, callerOrgId(ctx), this.clock.today());
  }

  @Get(':id/nominations')
  @Roles(...READ_ROLES)
  @ApiOperation({ summary: '推荐名单 / nominations from inside the caller’s subtree; `overdue=true`: the overdue list' })
  @ApiRefusals({ 404: ['PROGRAMME.NOT_FOUND: unknown, or neither above nor within the awarding body’s subtree'] })
  async nominations(@Ctx() ctx: CommandContext, @Param('id', uuidParam('id')) id: string, @Query() q: NominationsQuery) {
    await this.one(ctx, id);
    const today = this.clock.today();
    return this.board.nominations(
      id,
      callerOrgId(ctx),
      {
        ...(q.status ? { status: q.status } : {}),
        ...(q.awaiting ? { awaiting: q.awaiting } : {}),
        ...(q.overdue === 'true' ? { overdueOn: today } : {}),
        limit: q.limit ?? 100,
        offset: q.offset ?? 0,
      },
      today,
    );
  }
}
