import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '@vanguard/auth';
import { PaginationQuery } from '@vanguard/http';
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
  async get(@ReadCtx() actor: Actor, @Param('id', uuidParam('id')) id: string): Promise<ProjectDetailView> {
    const view = await this.reads.project(actor, id);
    if (!view) throw new NotFoundError('PROJECT', id);
    return view;
  }

  @Post(':id/approve')
  @HttpCode(200)
  @Roles(...ASSISTANCE_WRITE_ROLES)
  @ApiOperation({ summary: '批准 / approve a planned project' })
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
  @ApiOperation({ summary: '资金下达 / allocate funds from a source (integer fen; allocations stay within the budget)' })
  allocate(
    @CommandCtx() ctx: CommandContext,
    @Param('id', uuidParam('id')) id: string,
    @Body() body: AllocateRequest,
  ): Promise<LedgerView> {
    return this.funds.allocate(ctx, id, { source: body.source, amountFen: body.amountFen, on: body.on });
  }

  @Post(':id/disbursements')
  @Roles(...ASSISTANCE_WRITE_ROLES)
  @ApiOperation({ summary: '资金拨付 / disburse from a source; refused (422 FUNDS.INSUFFICIENT_BALANCE) above what remains' })
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
  async movements(@ReadCtx() actor: Actor, @Param('id', uuidParam('id')) id: string, @Query() q: PaginationQuery): Promise<MovementView[]> {
    const rows = await this.reads.movements(actor, id, pageOf(q));
    if (!rows) throw new NotFoundError('PROJECT', id);
    return rows;
  }
}
