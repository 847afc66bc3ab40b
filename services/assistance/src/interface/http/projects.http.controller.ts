import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '@vanguard/auth';
import { ApiRefusals, IdempotencyKeyRequired, PaginationQuery } from '@vanguard/http';
import type { Actor, CommandContext } from '../../application/ports/context.port';
import {
  READ_MODEL,
  type AssistanceReadModel,
  type MovementView,
  type ProjectDetailView,
  type ProjectView,
} from '../../application/ports/read-model.port';
import { NotFoundError } from '../../application/scope/scope';
import { FundHandlers, type LedgerView } from '../../application/use-cases/funds.use-cases';
import { ProjectHandlers } from '../../application/use-cases/projects.use-cases';
import type { Step } from '../../domain/project/project';
import { ASSISTANCE_WRITE_ROLES, READ_ROLES } from './access';
import {
  AddMilestoneRequest,
  AllocateRequest,
  DisburseRequest,
  EvaluateRequest,
  ListProjectsQuery,
  PlanProjectRequest,
  ReachMilestoneRequest,
  ReverseRequest,
  StepRequest,
} from './dto/project.dto';
import { pageOf } from './page';
import { CommandCtx, ReadCtx, uuidParam } from './request-context';

/** What refuses any movement of funds, beside each movement's own limit. */
const FUNDS_MOVEMENT_REFUSALS = [
  'FUNDS.PROJECT_NOT_OPEN: funds move only on an approved, started or completed project',
  'DAY.IN_FUTURE: on is after today',
  'DAY.BEFORE_ORIGIN: on is before the project was approved (or planned)',
];

@ApiTags('projects')
@ApiBearerAuth()
@Controller('projects')
export class ProjectsHttpController {
  constructor(
    private readonly projects: ProjectHandlers,
    private readonly funds: FundHandlers,
    @Inject(READ_MODEL) private readonly reads: AssistanceReadModel,
  ) {}

  @Post()
  @Roles(...ASSISTANCE_WRITE_ROLES)
  @ApiOperation({ summary: '帮扶项目立项 / plan a project (category of the ten practical things, budget in fen)' })
  @ApiRefusals({
    404: [
      'ORGANIZATION.NOT_FOUND: unknown village, or outside your subtree',
      'PAIRING.NOT_FOUND: the pairing named is unknown, or outside your subtree',
    ],
    422: [
      'PROJECT.PAIRING_ELSEWHERE: the pairing named is with another village',
      'ORGANIZATION.NOT_A_VILLAGE: not an active village or community',
      'DAY.IN_FUTURE: plannedOn is after today',
    ],
  })
  async plan(@CommandCtx() ctx: CommandContext, @Body() body: PlanProjectRequest): Promise<ProjectDetailView> {
    const { villageId, pairingId, ...rest } = body;
    const { id } = await this.projects.plan(ctx, villageId, { ...rest, pairingId: pairingId ?? null });
    return this.get(ctx.actor, id);
  }

  @Get()
  @Roles(...READ_ROLES)
  list(@ReadCtx() actor: Actor, @Query() q: ListProjectsQuery): Promise<ProjectView[]> {
    return this.reads.projects(
      actor,
      { ...(q.villageId ? { villageId: q.villageId } : {}), ...(q.status ? { status: q.status } : {}) },
      pageOf(q),
    );
  }

  @Get(':id')
  @Roles(...READ_ROLES)
  @ApiRefusals({ 404: ['PROJECT.NOT_FOUND: unknown, or outside your subtree'] })
  async get(@ReadCtx() actor: Actor, @Param('id', uuidParam('id')) id: string): Promise<ProjectDetailView> {
    const view = await this.reads.project(actor, id);
    if (!view) throw new NotFoundError('PROJECT', id);
    return view;
  }

  @Post(':id/approve')
  @HttpCode(200)
  @Roles(...ASSISTANCE_WRITE_ROLES)
  @ApiOperation({ summary: '批准 / approve a planned project' })
  @ApiRefusals({
    404: ['PROJECT.NOT_FOUND: unknown, or outside your subtree'],
    409: ['PROJECT.WRONG_STATE: the project is not in the state this step follows'],
    422: ['DAY.IN_FUTURE: on is after today', 'PROJECT.STEP_BEFORE_PREVIOUS: on is before the previous step'],
  })
  approve(
    @CommandCtx() ctx: CommandContext,
    @Param('id', uuidParam('id')) id: string,
    @Body() body: StepRequest,
  ): Promise<ProjectDetailView> {
    return this.step(ctx, id, 'approve', body.on);
  }

  @Post(':id/start')
  @HttpCode(200)
  @Roles(...ASSISTANCE_WRITE_ROLES)
  @ApiOperation({ summary: '开工 / start an approved project' })
  @ApiRefusals({
    404: ['PROJECT.NOT_FOUND: unknown, or outside your subtree'],
    409: ['PROJECT.WRONG_STATE: the project is not in the state this step follows'],
    422: ['DAY.IN_FUTURE: on is after today', 'PROJECT.STEP_BEFORE_PREVIOUS: on is before the previous step'],
  })
  start(
    @CommandCtx() ctx: CommandContext,
    @Param('id', uuidParam('id')) id: string,
    @Body() body: StepRequest,
  ): Promise<ProjectDetailView> {
    return this.step(ctx, id, 'start', body.on);
  }

  @Post(':id/complete')
  @HttpCode(200)
  @Roles(...ASSISTANCE_WRITE_ROLES)
  @ApiOperation({ summary: '完工 / complete a started project whose milestones are all reached' })
  @ApiRefusals({
    404: ['PROJECT.NOT_FOUND: unknown, or outside your subtree'],
    409: ['PROJECT.WRONG_STATE: the project is not in the state this step follows'],
    422: [
      'DAY.IN_FUTURE: on is after today',
      'PROJECT.STEP_BEFORE_PREVIOUS: on is before the previous step',
      'PROJECT.MILESTONES_OPEN: some milestone is not reached yet',
      'DAY.BEFORE_ORIGIN: on is before the last milestone was reached',
    ],
  })
  complete(
    @CommandCtx() ctx: CommandContext,
    @Param('id', uuidParam('id')) id: string,
    @Body() body: StepRequest,
  ): Promise<ProjectDetailView> {
    return this.step(ctx, id, 'complete', body.on);
  }

  @Post(':id/accept')
  @HttpCode(200)
  @Roles(...ASSISTANCE_WRITE_ROLES)
  @ApiOperation({ summary: '验收 / accept a completed project on inspection' })
  @ApiRefusals({
    404: ['PROJECT.NOT_FOUND: unknown, or outside your subtree'],
    409: ['PROJECT.WRONG_STATE: the project is not in the state this step follows'],
    422: [
      'DAY.IN_FUTURE: on is after today',
      'PROJECT.STEP_BEFORE_PREVIOUS: on is before the previous step',
      'DAY.BEFORE_ORIGIN: on is before the last day the project’s money moved',
    ],
  })
  accept(
    @CommandCtx() ctx: CommandContext,
    @Param('id', uuidParam('id')) id: string,
    @Body() body: StepRequest,
  ): Promise<ProjectDetailView> {
    return this.step(ctx, id, 'accept', body.on);
  }

  private async step(ctx: CommandContext, id: string, step: Step, on: string): Promise<ProjectDetailView> {
    await this.projects.advance(ctx, id, step, on);
    return this.get(ctx.actor, id);
  }

  @Post(':id/evaluate')
  @HttpCode(200)
  @Roles(...ASSISTANCE_WRITE_ROLES)
  @ApiOperation({ summary: '群众满意度评价 / the people served rate an accepted project' })
  @ApiRefusals({
    404: ['PROJECT.NOT_FOUND: unknown, or outside your subtree'],
    409: ['PROJECT.WRONG_STATE: the project is not in the state this step follows'],
    422: ['DAY.IN_FUTURE: on is after today', 'PROJECT.STEP_BEFORE_PREVIOUS: on is before the previous step'],
  })
  async evaluate(
    @CommandCtx() ctx: CommandContext,
    @Param('id', uuidParam('id')) id: string,
    @Body() body: EvaluateRequest,
  ): Promise<ProjectDetailView> {
    await this.projects.evaluate(ctx, id, body.satisfaction, body.on);
    return this.get(ctx.actor, id);
  }

  @Post(':id/milestones')
  @Roles(...ASSISTANCE_WRITE_ROLES)
  @ApiRefusals({
    404: ['PROJECT.NOT_FOUND: unknown, or outside your subtree'],
    409: ['PROJECT.WRONG_STATE: milestones are set only on a planned, approved or started project'],
    422: ['DAY.BEFORE_ORIGIN: dueOn is before the project was planned'],
  })
  addMilestone(
    @CommandCtx() ctx: CommandContext,
    @Param('id', uuidParam('id')) id: string,
    @Body() body: AddMilestoneRequest,
  ): Promise<{ id: string }> {
    return this.projects.addMilestone(ctx, id, { title: body.title, dueOn: body.dueOn });
  }

  @Post(':id/milestones/:milestoneId/reached')
  @HttpCode(200)
  @Roles(...ASSISTANCE_WRITE_ROLES)
  @ApiRefusals({
    404: ['PROJECT.NOT_FOUND: unknown, or outside your subtree', 'MILESTONE.NOT_FOUND: no such milestone of the project'],
    409: [
      'PROJECT.WRONG_STATE: milestones are reached only on an approved or started project',
      'MILESTONE.ALREADY_REACHED: the first record stands',
    ],
    422: ['DAY.IN_FUTURE: reachedOn is after today', 'DAY.BEFORE_ORIGIN: reachedOn is before the project was planned'],
  })
  async reach(
    @CommandCtx() ctx: CommandContext,
    @Param('id', uuidParam('id')) id: string,
    @Param('milestoneId', uuidParam('milestoneId')) milestoneId: string,
    @Body() body: ReachMilestoneRequest,
  ): Promise<ProjectDetailView> {
    await this.projects.reachMilestone(ctx, id, milestoneId, body.reachedOn);
    return this.get(ctx.actor, id);
  }

  @Post(':id/allocations')
  @Roles(...ASSISTANCE_WRITE_ROLES)
  @IdempotencyKeyRequired()
  @ApiOperation({ summary: '资金下达 / allocate funds from a source (integer fen; allocations stay within the budget)' })
  @ApiRefusals({
    404: ['PROJECT.NOT_FOUND: unknown, or outside your subtree'],
    422: [...FUNDS_MOVEMENT_REFUSALS, 'FUNDS.OVER_BUDGET: allocations from every source would exceed the budget'],
  })
  allocate(
    @CommandCtx() ctx: CommandContext,
    @Param('id', uuidParam('id')) id: string,
    @Body() body: AllocateRequest,
  ): Promise<LedgerView> {
    return this.funds.allocate(ctx, id, { source: body.source, amountFen: body.amountFen, on: body.on });
  }

  @Post(':id/disbursements')
  @Roles(...ASSISTANCE_WRITE_ROLES)
  @IdempotencyKeyRequired()
  @ApiOperation({ summary: '资金拨付 / disburse from a source; refused (422 FUNDS.INSUFFICIENT_BALANCE) above what remains' })
  @ApiRefusals({
    404: ['PROJECT.NOT_FOUND: unknown, or outside your subtree'],
    422: [...FUNDS_MOVEMENT_REFUSALS, 'FUNDS.INSUFFICIENT_BALANCE: more than remains from the source'],
  })
  disburse(
    @CommandCtx() ctx: CommandContext,
    @Param('id', uuidParam('id')) id: string,
    @Body() body: DisburseRequest,
  ): Promise<LedgerView> {
    return this.funds.disburse(ctx, id, { source: body.source, amountFen: body.amountFen, on: body.on, purpose: body.purpose });
  }

  @Post(':id/movements/:movementId/reversal')
  @Roles(...ASSISTANCE_WRITE_ROLES)
  @ApiOperation({ summary: '冲正 / reverse an allocation or disbursement with an opposite entry (entries are never edited)' })
  @ApiRefusals({
    404: ['PROJECT.NOT_FOUND: unknown, or outside your subtree', 'MOVEMENT.NOT_FOUND: no such movement of the project'],
    409: ['FUNDS.ALREADY_REVERSED: the movement was reversed already'],
    422: [
      'FUNDS.REVERSAL_NOT_REVERSIBLE: a reversal is not reversed; record a new movement instead',
      'DAY.IN_FUTURE: on is after today',
      'DAY.BEFORE_ORIGIN: on is before the project was approved (or planned), or before the entry it reverses',
      'FUNDS.INSUFFICIENT_BALANCE: reversing an allocation takes out more than remains from its source',
    ],
  })
  reverse(
    @CommandCtx() ctx: CommandContext,
    @Param('id', uuidParam('id')) id: string,
    @Param('movementId', uuidParam('movementId')) movementId: string,
    @Body() body: ReverseRequest,
  ): Promise<LedgerView> {
    return this.funds.reverse(ctx, id, movementId, { on: body.on, reason: body.reason });
  }

  @Get(':id/movements')
  @Roles(...READ_ROLES)
  @ApiOperation({ summary: '资金流水 / the project’s ledger, oldest first, with the running balance per source' })
  @ApiRefusals({ 404: ['PROJECT.NOT_FOUND: unknown, or outside your subtree'] })
  async movements(@ReadCtx() actor: Actor, @Param('id', uuidParam('id')) id: string, @Query() q: PaginationQuery): Promise<MovementView[]> {
    const rows = await this.reads.movements(actor, id, pageOf(q));
    if (!rows) throw new NotFoundError('PROJECT', id);
    return rows;
  }
}
