import { Inject, Injectable } from '@nestjs/common';
import { campaignDecider, type LaunchCampaign } from '@vanguard/evaluation-domain';
import { ID_GENERATOR, type IdGeneratorPort } from '../../ports/id-generator.port';
import { ORG_TREE, type OrgTreePort } from '../../ports/org-tree.port';
import { STREAMS, type StreamsPort } from '../../ports/streams.port';
import { OutOfScopeError, streamContext, type CommandContext } from '../command-context';
import { campaignStream } from '../campaign-access';

export type LaunchCampaignInput = Omit<LaunchCampaign['data'], 'campaignId'>;

/** 启动创先争优活动 over an organisation subtree the caller holds. */
@Injectable()
export class LaunchCampaignHandler {
  constructor(
    @Inject(STREAMS) private readonly streams: StreamsPort,
    @Inject(ORG_TREE) private readonly tree: OrgTreePort,
    @Inject(ID_GENERATOR) private readonly ids: IdGeneratorPort,
  ) {}

  async execute(input: LaunchCampaignInput, ctx: CommandContext): Promise<{ campaignId: string }> {
    if (!this.tree.isWithin(ctx.caller.orgId, input.orgId)) throw new OutOfScopeError();
    const campaignId = this.ids.next();
    const stream = campaignStream(campaignId);
    const { state, version } = await this.streams.load(stream, campaignDecider);
    const events = campaignDecider.decide({ type: 'LaunchCampaign', data: { campaignId, ...input } }, state);
    await this.streams.append(stream, events, version, streamContext(ctx, input.orgId));
    return { campaignId };
  }
}
