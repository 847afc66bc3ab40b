import { Body, Controller, Get, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '@vanguard/auth';
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
  nomination(@Ctx() ctx: CommandContext, @Body() b: NominatePioneerRequest): Promise<VersionResponse> {
    const { campaignId, cycleId, orgId, candidate, deeds } = b;
    return this.nominate.execute({ campaignId, cycleId, orgId, candidate: { kind: candidate.kind, id: candidate.id }, deeds }, ctx);
  }

  @Post('selections')
  @Roles(...PLEDGE_ROLES)
  @ApiOperation({ summary: '先锋评选 / select a nominee carried by a majority' })
  @ApiCreatedResponse({ type: VersionResponse })
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
