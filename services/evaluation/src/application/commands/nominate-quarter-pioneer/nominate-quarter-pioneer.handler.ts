import { Inject, Injectable } from '@nestjs/common';
import { campaignDecider, pioneerDecider, type NominateQuarterPioneer } from '@vanguard/evaluation-domain';
import { DomainError } from '@vanguard/kernel';
import { ORG_TREE, type OrgTreePort } from '../../ports/org-tree.port';
import { STREAMS, type StreamsPort } from '../../ports/streams.port';
import { CampaignNotFoundError, campaignStream } from '../campaign-access';
import { OutOfScopeError, streamContext, type CommandContext } from '../command-context';
import { pathOrFail } from '../pledge-access';
import { pioneerStream } from '../select-quarter-pioneer/pioneer-access';

export type NominateQuarterPioneerInput = Omit<NominateQuarterPioneer['data'], 'cycleOpen'> & { readonly campaignId: string };

export class PioneerOutsideCampaignError extends DomainError {
  constructor() {
    super('PIONEER.OUTSIDE_CAMPAIGN', 'rule', '该组织不在活动范围内 / the organisation is outside the campaign’s subtree');
  }
}

/** 一季一先锋: an organisation in the caller's subtree nominates a candidate in the campaign's cycle, read as the campaign stream says. */
@Injectable()
export class NominateQuarterPioneerHandler {
  constructor(
    @Inject(STREAMS) private readonly streams: StreamsPort,
    @Inject(ORG_TREE) private readonly tree: OrgTreePort,
  ) {}

  async execute(input: NominateQuarterPioneerInput, ctx: CommandContext): Promise<{ version: number }> {
    if (!this.tree.isWithin(ctx.caller.orgId, input.orgId)) throw new OutOfScopeError();
    await pathOrFail(this.tree, input.orgId);
    const cycleOpen = await this.cycleOpen(input.campaignId, input.cycleId, input.orgId);
    const { campaignId: _campaignId, ...nomination } = input;
    const stream = pioneerStream(input.orgId, input.cycleId);
    const { state, version } = await this.streams.load(stream, pioneerDecider);
    const events = pioneerDecider.decide({ type: 'NominateQuarterPioneer', data: { ...nomination, cycleOpen } }, state);
    return { version: await this.streams.append(stream, events, version, streamContext(ctx, input.orgId)) };
  }

  private async cycleOpen(campaignId: string, cycleId: string, orgId: string): Promise<boolean> {
    const { state } = await this.streams.load(campaignStream(campaignId), campaignDecider);
    const cycle = state.cycles.find((c) => c.cycleId === cycleId);
    if (!state.launched || !state.orgId || !cycle) throw new CampaignNotFoundError(campaignId);
    if (!this.tree.isWithin(state.orgId, orgId)) throw new PioneerOutsideCampaignError();
    return cycle.status === 'open';
  }
}
