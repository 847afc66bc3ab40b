import { Inject, Injectable } from '@nestjs/common';
import { campaignDecider, type PlanCycle } from '@vanguard/evaluation-domain';
import { ID_GENERATOR, type IdGeneratorPort } from '../../ports/id-generator.port';
import { ORG_TREE, type OrgTreePort } from '../../ports/org-tree.port';
import { STREAMS, type StreamsPort } from '../../ports/streams.port';
import { streamContext, type CommandContext } from '../command-context';
import { campaignStream, loadCampaignInScope } from '../campaign-access';

export type PlanCycleInput = Omit<PlanCycle['data'], 'cycleId'>;

/** 一季一主题: a quarterly cycle with its theme, and a sector's own theme where it differs. */
@Injectable()
export class PlanCycleHandler {
  constructor(
    @Inject(STREAMS) private readonly streams: StreamsPort,
    @Inject(ORG_TREE) private readonly tree: OrgTreePort,
    @Inject(ID_GENERATOR) private readonly ids: IdGeneratorPort,
  ) {}

  async execute(campaignId: string, input: PlanCycleInput, ctx: CommandContext): Promise<{ cycleId: string }> {
    const campaign = await loadCampaignInScope(this.streams, this.tree, ctx, campaignId);
    const cycleId = this.ids.next();
    const events = campaignDecider.decide({ type: 'PlanCycle', data: { cycleId, ...input } }, campaign.state);
    await this.streams.append(campaignStream(campaignId), events, campaign.version, streamContext(ctx, campaign.orgId));
    return { cycleId };
  }
}
