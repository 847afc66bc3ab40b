import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '@vanguard/auth';
import { ApiRefusals } from '@vanguard/http';
import type { CommandContext } from '../../application/commands/command-context';
import { PledgeQueries } from '../../application/queries/pledge-queries';
import { LedgerQuery, LedgerResponse, ListPledgesQuery, PledgePageResponse, PledgeResponse } from './dto/pledge.dto';
import { Ctx, READ_ROLES, uuidParam } from './request-context';

/** Reads from the pledge projection: it follows the store within moments of a command. */
@ApiTags('pledges')
@ApiBearerAuth()
@Controller('pledges')
export class PledgeQueriesHttpController {
  constructor(private readonly queries: PledgeQueries) {}

  // Before `:id`, so "ledger" is not taken for an id.
  @Get('ledger')
  @Roles(...READ_ROLES)
  @ApiOperation({ summary: '承诺台账 / made, filed, returned, fulfilled, lapsed and the fulfilment rate of a subtree in a cycle' })
  @ApiOkResponse({ type: LedgerResponse })
  ledger(@Ctx() ctx: CommandContext, @Query() q: LedgerQuery): Promise<LedgerResponse> {
    return this.queries.ledger({ cycleId: q.cycleId, ...(q.subtreeOf ? { subtreeOf: q.subtreeOf } : {}) }, ctx);
  }

  @Get()
  @Roles(...READ_ROLES)
  @ApiOperation({ summary: '承诺列表 / pledges of a subtree, optionally in one cycle' })
  @ApiOkResponse({ type: PledgePageResponse })
  list(@Ctx() ctx: CommandContext, @Query() q: ListPledgesQuery): Promise<PledgePageResponse> {
    return this.queries.list(
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
  @ApiOperation({ summary: '承诺详情 / one pledge' })
  @ApiOkResponse({ type: PledgeResponse })
  @ApiRefusals({
    404: ['PLEDGE.NOT_FOUND: unknown, or outside your subtree'],
  })
  get(@Ctx() ctx: CommandContext, @Param('id', uuidParam('id')) id: string): Promise<PledgeResponse> {
    return this.queries.get(id, ctx);
  }
}
