import { Body, Controller, Get, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '@vanguard/auth';
import { ApiRefusals } from '@vanguard/http';
import type { CommandContext } from '../../../application/commands/command-context';
import { NominateQuarterPioneerHandler } from '../../../application/commands/nominate-quarter-pioneer/nominate-quarter-pioneer.handler';
import { SelectQuarterPioneerHandler } from '../../../application/commands/select-quarter-pioneer/select-quarter-pioneer.handler';
import { BenchmarkPioneerQueries } from '../../../application/queries/benchmarks-pioneers/benchmark-pioneer.queries';
import { VersionResponse } from '../dto/campaign.dto';
import { Ctx, PLEDGE_ROLES, READ_ROLES } from '../request-context';
import { NominatePioneerRequest, PioneerPageResponse, PioneersQuery, SelectPioneerRequest } from './benchmark-pioneer.dto';

/** 一季一先锋: nominated in an open cycle, selected by a majority; the selection explains itself. */
@ApiTags('pioneers')
@ApiBearerAuth()
@Controller('pioneers')
export class PioneersHttpController {
  constructor(
    private readonly nominate: NominateQuarterPioneerHandler,
    private readonly select: SelectQuarterPioneerHandler,
    private readonly queries: BenchmarkPioneerQueries,
  ) {}

  @Post('nominations')
  @Roles(...PLEDGE_ROLES)
  @ApiOperation({ summary: '先锋推荐 / nominate a candidate in the open cycle' })
  @ApiCreatedResponse({ type: VersionResponse })
  @ApiRefusals({
    404: ['ORGANIZATION.NOT_FOUND: unknown organisation', 'CAMPAIGN.NOT_FOUND: no launched campaign with that id planning the cycle'],
    409: [
      'PIONEER.ALREADY_NOMINATED: the candidate is nominated already this cycle',
      'STREAM.CONCURRENT_CHANGE: changed meanwhile; reload and try again',
    ],
    422: [
      'PIONEER.OUTSIDE_CAMPAIGN: the organisation is outside the campaign’s subtree',
      'PIONEER.CYCLE_NOT_OPEN: the cycle is not open',
      'PIONEER.NOMINEE_NOT_IN_SUBTREE: the nominee is not an active member or an organisation of the nominating subtree',
    ],
  })
  nomination(@Ctx() ctx: CommandContext, @Body() b: NominatePioneerRequest): Promise<VersionResponse> {
    const { campaignId, cycleId, orgId, candidate, deeds } = b;
    return this.nominate.execute({ campaignId, cycleId, orgId, candidate: { kind: candidate.kind, id: candidate.id }, deeds }, ctx);
  }

  @Post('selections')
  @Roles(...PLEDGE_ROLES)
  @ApiOperation({ summary: '先锋评选 / select a nominee carried by a majority' })
  @ApiCreatedResponse({ type: VersionResponse })
  @ApiRefusals({
    403: ['PIONEER.NOT_ENTITLED: only the organisation or a level above selects its pioneers'],
    404: [
      'PIONEER.NOT_FOUND: no nominations for this organisation and cycle, or outside your subtree',
      'ORGANIZATION.NOT_FOUND: its organisation is no longer in the tree',
    ],
    409: [
      'PIONEER.NOT_A_NOMINEE: the candidate is not a nominee of the cycle, or is selected already',
      'STREAM.CONCURRENT_CHANGE: changed meanwhile; reload and try again',
    ],
    422: ['PIONEER.NO_MAJORITY: not more than half of the votes cast'],
  })
  selection(@Ctx() ctx: CommandContext, @Body() b: SelectPioneerRequest): Promise<VersionResponse> {
    const { cycleId, orgId, candidate, votesFor, votesCast, reason } = b;
    return this.select.execute({ cycleId, orgId, candidate: { kind: candidate.kind, id: candidate.id }, votesFor, votesCast, reason }, ctx);
  }

  @Get()
  @Roles(...READ_ROLES)
  @ApiOperation({ summary: '先锋名单 / nominees and pioneers of a subtree, optionally in one cycle' })
  @ApiOkResponse({ type: PioneerPageResponse })
  list(@Ctx() ctx: CommandContext, @Query() q: PioneersQuery): Promise<PioneerPageResponse> {
    return this.queries.pioneers(
      {
        limit: q.limit ?? 50,
        offset: q.offset ?? 0,
        ...(q.subtreeOf ? { subtreeOf: q.subtreeOf } : {}),
        ...(q.cycleId ? { cycleId: q.cycleId } : {}),
      },
      ctx,
    );
  }
}
