import { Body, Controller, Get, Inject, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '@vanguard/auth';
import { ApiRefusals } from '@vanguard/http';
import type { Actor, CommandContext } from '../../application/ports/context.port';
import { READ_MODEL, type AssistanceReadModel, type PairingView } from '../../application/ports/read-model.port';
import { NotFoundError } from '../../application/scope/scope';
import { FormPairingHandler } from '../../application/use-cases/pairings.use-cases';
import { ASSISTANCE_WRITE_ROLES, READ_ROLES } from './access';
import { FormPairingRequest, ListByVillageQuery } from './dto/pairing.dto';
import { pageOf } from './page';
import { CommandCtx, ReadCtx, uuidParam } from './request-context';

@ApiTags('pairings')
@ApiBearerAuth()
@Controller('pairings')
export class PairingsHttpController {
  constructor(
    private readonly form: FormPairingHandler,
    @Inject(READ_MODEL) private readonly reads: AssistanceReadModel,
  ) {}

  @Post()
  @Roles(...ASSISTANCE_WRITE_ROLES)
  @ApiOperation({ summary: '结对帮扶 / pair a helper unit with a village (lagging: one-village plan and five fixed points)' })
  @ApiRefusals({
    404: ['ORGANIZATION.NOT_FOUND: unknown village, or outside your subtree'],
    422: [
      'HELPER_UNIT.UNKNOWN: helperOrgId names no active organisation',
      'ORGANIZATION.NOT_A_VILLAGE: not an active village or community',
      'PERIOD.ENDS_BEFORE_START: the pairing ends before it starts',
      'PAIRING.LAGGING_VILLAGE_INCOMPLETE: a lagging village needs its one-village plan and all five fixed points',
      'PAIRING.PLAN_WITHOUT_LAGGING: only a lagging village has a plan and five fixed points',
      'PAIRING.TOWNSHIP_NOT_ABOVE_VILLAGE: the guiding township is not the one the village lies in',
    ],
  })
  async create(@CommandCtx() ctx: CommandContext, @Body() body: FormPairingRequest): Promise<PairingView> {
    const { villageId, fiveFixedPoints, helperOrgId, villagePlan, ...rest } = body;
    const { id } = await this.form.execute(ctx, villageId, {
      ...rest,
      ...(helperOrgId ? { helperOrgId } : {}),
      ...(villagePlan ? { villagePlan } : {}),
      ...(fiveFixedPoints ? { fiveFixedPoints: { ...fiveFixedPoints } } : {}),
    });
    return this.get(ctx.actor, id);
  }

  @Get()
  @Roles(...READ_ROLES)
  @ApiOperation({ summary: '结对列表 / pairings in your subtree' })
  list(@ReadCtx() actor: Actor, @Query() q: ListByVillageQuery): Promise<PairingView[]> {
    return this.reads.pairings(actor, { ...(q.villageId ? { villageId: q.villageId } : {}) }, pageOf(q));
  }

  @Get(':id')
  @Roles(...READ_ROLES)
  @ApiRefusals({ 404: ['PAIRING.NOT_FOUND: unknown, or outside your subtree'] })
  async get(@ReadCtx() actor: Actor, @Param('id', uuidParam('id')) id: string): Promise<PairingView> {
    const view = await this.reads.pairing(actor, id);
    if (!view) throw new NotFoundError('PAIRING', id);
    return view;
  }
}
