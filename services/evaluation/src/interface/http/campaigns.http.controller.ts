import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '@vanguard/auth';
import { ApiRefusals } from '@vanguard/http';
import type { CommandContext } from '../../application/commands/command-context';
import { CloseCycleHandler } from '../../application/commands/close-cycle/close-cycle.handler';
import { LaunchCampaignHandler } from '../../application/commands/launch-campaign/launch-campaign.handler';
import { OpenCycleHandler } from '../../application/commands/open-cycle/open-cycle.handler';
import { PlanCycleHandler } from '../../application/commands/plan-cycle/plan-cycle.handler';
import {
  CampaignCreatedResponse,
  CycleCreatedResponse,
  LaunchCampaignRequest,
  PlanCycleRequest,
  VersionResponse,
} from './dto/campaign.dto';
import { CAMPAIGN_ROLES, Ctx, uuidParam } from './request-context';

@ApiTags('campaigns')
@ApiBearerAuth()
@Controller('campaigns')
export class CampaignsHttpController {
  constructor(
    private readonly launchCampaign: LaunchCampaignHandler,
    private readonly planCycle: PlanCycleHandler,
    private readonly openCycle: OpenCycleHandler,
    private readonly closeCycle: CloseCycleHandler,
  ) {}

  @Post()
  @Roles(...CAMPAIGN_ROLES)
  @ApiOperation({ summary: '启动创先争优活动 / launch a campaign over a subtree, with its four phases' })
  @ApiCreatedResponse({ type: CampaignCreatedResponse })
  launch(@Ctx() ctx: CommandContext, @Body() body: LaunchCampaignRequest): Promise<CampaignCreatedResponse> {
    return this.launchCampaign.execute({ orgId: body.orgId, name: body.name, phases: body.phases }, ctx);
  }

  @Post(':id/cycles')
  @Roles(...CAMPAIGN_ROLES)
  @ApiOperation({ summary: '计划季度周期 / plan a quarterly cycle with its themes (一季一主题)' })
  @ApiCreatedResponse({ type: CycleCreatedResponse })
  @ApiRefusals({
    404: ['CAMPAIGN.NOT_FOUND: unknown, or outside your subtree'],
    409: ['CAMPAIGN.CYCLE_EXISTS: the quarter has a cycle already', 'STREAM.CONCURRENT_CHANGE: changed meanwhile; reload and try again'],
  })
  plan(
    @Ctx() ctx: CommandContext,
    @Param('id', uuidParam('id')) id: string,
    @Body() body: PlanCycleRequest,
  ): Promise<CycleCreatedResponse> {
    const { quarter, startsOn, endsOn, themes } = body;
    return this.planCycle.execute(
      id,
      { quarter, startsOn, endsOn, themes: { default: themes.default, bySector: themes.bySector ?? {} } },
      ctx,
    );
  }

  @Post(':id/cycles/:cycleId/open')
  @HttpCode(200)
  @Roles(...CAMPAIGN_ROLES)
  @ApiOperation({ summary: '开始周期 / open a planned cycle' })
  @ApiOkResponse({ type: VersionResponse })
  @ApiRefusals({
    404: ['CAMPAIGN.NOT_FOUND: unknown, or outside your subtree'],
    409: [
      'CAMPAIGN.CYCLE_NOT_PLANNED: no such cycle, or it is open or closed already',
      'STREAM.CONCURRENT_CHANGE: changed meanwhile; reload and try again',
    ],
    422: ['CAMPAIGN.CYCLE_ALREADY_OPEN: another cycle is still open'],
  })
  open(@Ctx() ctx: CommandContext, @Param('id', uuidParam('id')) id: string, @Param('cycleId', uuidParam('cycleId')) cycleId: string) {
    return this.openCycle.execute(id, cycleId, ctx);
  }

  @Post(':id/cycles/:cycleId/close')
  @HttpCode(200)
  @Roles(...CAMPAIGN_ROLES)
  @ApiOperation({ summary: '结束周期 / close the open cycle' })
  @ApiOkResponse({ type: VersionResponse })
  @ApiRefusals({
    404: ['CAMPAIGN.NOT_FOUND: unknown, or outside your subtree'],
    409: ['CAMPAIGN.CYCLE_NOT_OPEN: no such cycle, or it is not open', 'STREAM.CONCURRENT_CHANGE: changed meanwhile; reload and try again'],
  })
  close(@Ctx() ctx: CommandContext, @Param('id', uuidParam('id')) id: string, @Param('cycleId', uuidParam('cycleId')) cycleId: string) {
    return this.closeCycle.execute(id, cycleId, ctx);
  }
}
