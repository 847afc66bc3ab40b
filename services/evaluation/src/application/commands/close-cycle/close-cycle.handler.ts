import { Inject, Injectable } from '@nestjs/common';
import { campaignDecider } from '@vanguard/evaluation-domain';
import { ORG_TREE, type OrgTreePort } from '../../ports/org-tree.port';
import { STREAMS, type StreamsPort } from '../../ports/streams.port';
import { streamContext, type CommandContext } from '../command-context';
import { campaignStream, loadCampaignInScope } from '../campaign-access';

/** Closes the open cycle: no more pledges in it; the next may open. */
@Injectable()
export class CloseCycleHandler {
  constructor(
    @Inject(STREAMS) private readonly streams: StreamsPort,
    @Inject(ORG_TREE) private readonly tree: OrgTreePort,
  ) {}

  async execute(campaignId: string, cycleId: string, ctx: CommandContext): Promise<{ version: number }> {
    const campaign = await loadCampaignInScope(this.streams, this.tree, ctx, campaignId);
    const events = campaignDecider.decide({ type: 'CloseCycle', data: { cycleId } }, campaign.state);
    const version = await this.streams.append(campaignStream(campaignId), events, campaign.version, streamContext(ctx, campaign.orgId));
    return { version };
  }
}
