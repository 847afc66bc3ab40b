import { Controller, Get, Inject, Param, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Public, Roles } from '@vanguard/auth';
import { ApiRefusals, perAddressRateGuard } from '@vanguard/http';
import { ListByVillageQuery } from './dto/pairing.dto';
import type { Actor } from '../../application/ports/context.port';
import {
  OVERSIGHT_READ_MODEL,
  type OversightReadModel,
  type DisclosureView,
  type FundTotalsView,
  type LateMilestoneView,
  type OverdueVisitView,
} from '../../application/ports/read-model.port';
import { CLOCK, type Clock } from '../../application/ports/system.port';
import { NotFoundError } from '../../application/scope/scope';
import { READ_ROLES } from './access';
import { pageOf } from './page';
import { ReadCtx, uuidParam } from './request-context';

/**
 * Compliance without surveillance: lists of what is overdue (households not visited this
 * quarter, milestones late), totals per organisation. No GPS, no photo proof, and no ranking of
 * individuals: nothing here orders or scores people.
 */
@ApiTags('oversight')
@ApiBearerAuth()
@Controller()
export class OversightHttpController {
  constructor(
    @Inject(OVERSIGHT_READ_MODEL) private readonly reads: OversightReadModel,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Get('overdue/visits')
  @Roles(...READ_ROLES)
  @ApiOperation({ summary: '本季度未走访的联系户 / card-holding households not visited this quarter (China time)' })
  overdueVisits(@ReadCtx() actor: Actor, @Query() q: ListByVillageQuery): Promise<{ quarter: string; items: OverdueVisitView[] }> {
    return this.reads.overdueVisits(actor, this.clock.today(), { ...(q.villageId ? { villageId: q.villageId } : {}) }, pageOf(q));
  }

  @Get('overdue/milestones')
  @Roles(...READ_ROLES)
  @ApiOperation({ summary: '逾期节点 / milestones past due and not reached, of approved or started projects' })
  lateMilestones(@ReadCtx() actor: Actor, @Query() q: ListByVillageQuery): Promise<LateMilestoneView[]> {
    return this.reads.lateMilestones(actor, this.clock.today(), { ...(q.villageId ? { villageId: q.villageId } : {}) }, pageOf(q));
  }

  @Get('totals/:orgId')
  @Roles(...READ_ROLES)
  @ApiOperation({ summary: '资金汇总 / budget, allocated, disbursed and balance of every project under an organisation (e.g. a county)' })
  @ApiRefusals({ 404: ['ORGANIZATION.NOT_FOUND: unknown, or outside your subtree'] })
  async totals(@ReadCtx() actor: Actor, @Param('orgId', uuidParam('orgId')) orgId: string): Promise<FundTotalsView> {
    const view = await this.reads.fundTotals(actor, orgId);
    if (!view) throw new NotFoundError('ORGANIZATION', orgId);
    return view;
  }
}

/** Requests a minute each address may make of the public page (`ASSISTANCE_DISCLOSURE_RPM`, default 600). */
const disclosurePerMinute = (): number => Number(process.env['ASSISTANCE_DISCLOSURE_RPM'] ?? 600);

@ApiTags('public')
@Controller('public')
@UseGuards(perAddressRateGuard(disclosurePerMinute, { zh: '请求', en: 'reads' }))
export class DisclosureHttpController {
  constructor(@Inject(OVERSIGHT_READ_MODEL) private readonly reads: OversightReadModel) {}

  @Public()
  @Get('villages/:id')
  @ApiOkResponse({ description: 'DisclosureView: the village’s projects, funds, milestones and deeds' })
  @ApiOperation({ summary: '村务公开 / a village’s projects, money in and out, milestones and deeds; no personal data, no token' })
  @ApiRefusals({
    404: ['ORGANIZATION.NOT_FOUND: no village with this id'],
    429: ['LIMIT.TOO_MANY: 同一地址请求过多 / too many reads from one address; Retry-After says when to come back'],
  })
  async village(@Param('id', uuidParam('id')) id: string): Promise<DisclosureView> {
    const view = await this.reads.disclosure(id);
    if (!view) throw new NotFoundError('ORGANIZATION', id);
    return view;
  }
}
