import { Inject, Injectable } from '@nestjs/common';
import { campaignDecider, pledgeDecider, type CycleFacts, type FollowedPledgeFacts, type MakePledge } from '@vanguard/evaluation-domain';
import { DomainError } from '@vanguard/kernel';
import { CLOCK, type ClockPort } from '../../ports/clock.port';
import { ID_GENERATOR, type IdGeneratorPort } from '../../ports/id-generator.port';
import { ORG_TREE, type OrgTreePort } from '../../ports/org-tree.port';
import { ROSTER, type RosterPort } from '../../ports/roster.port';
import { STREAMS, type StreamsPort } from '../../ports/streams.port';
import { OutOfScopeError, streamContext, type CommandContext } from '../command-context';
import { memberActiveOrNotFound } from '../member-subject';
import { campaignStream, CampaignNotFoundError } from '../campaign-access';
import { loadPledgeInScope, pledgeStream } from '../pledge-access';

type Made = MakePledge['data'];
export type MakePledgeInput = Pick<Made, 'campaignId' | 'cycleId' | 'pledger' | 'orgId' | 'category' | 'content' | 'dueOn'> & {
  readonly followsPledgeId?: string | null;
};

export class PledgeOutsideCampaignError extends DomainError {
  constructor() {
    super('PLEDGE.OUTSIDE_CAMPAIGN', 'rule', '该组织不在活动范围内 / the organisation is outside the campaign’s subtree');
  }
}

/**
 * 公开承诺: gathers what the decision needs — today, the cycle as the campaign stream says
 * (with the stream and version read), the followed pledge — and records the pledge.
 */
@Injectable()
export class MakePledgeHandler {
  constructor(
    @Inject(STREAMS) private readonly streams: StreamsPort,
    @Inject(ORG_TREE) private readonly tree: OrgTreePort,
    @Inject(CLOCK) private readonly clock: ClockPort,
    @Inject(ID_GENERATOR) private readonly ids: IdGeneratorPort,
    @Inject(ROSTER) private readonly roster: RosterPort,
  ) {}

  async execute(input: MakePledgeInput, ctx: CommandContext): Promise<{ pledgeId: string }> {
    if (!this.tree.isWithin(ctx.caller.orgId, input.orgId)) throw new OutOfScopeError();
    await memberActiveOrNotFound(this.roster, input.pledger, input.orgId);
    const cycle = await this.cycleFacts(input.campaignId, input.cycleId, input.orgId);
    const follows = input.followsPledgeId ? await this.followed(input.followsPledgeId, ctx) : null;
    const pledgeId = this.ids.next();
    const stream = pledgeStream(pledgeId);
    const { followsPledgeId: _followsPledgeId, ...made } = input;
    // The id was generated just now, so its stream is empty: deciding on the initial state and
    // appending expecting no stream (version 0) is what reading it would give, minus a statement
    // per pledge; were the id ever taken, the append's expected version refuses it (409).
    const events = pledgeDecider.decide(
      { type: 'MakePledge', data: { ...made, pledgeId, today: this.clock.today(), cycle, follows } },
      pledgeDecider.initialState(),
    );
    await this.streams.append(stream, events, 0, streamContext(ctx, input.orgId));
    return { pledgeId };
  }

  private async cycleFacts(campaignId: string, cycleId: string, orgId: string): Promise<CycleFacts> {
    const streamId = campaignStream(campaignId);
    const { state, version } = await this.streams.load(streamId, campaignDecider);
    const cycle = state.cycles.find((c) => c.cycleId === cycleId);
    if (!state.launched || !state.orgId || !cycle) throw new CampaignNotFoundError(campaignId);
    if (!this.tree.isWithin(state.orgId, orgId)) throw new PledgeOutsideCampaignError();
    return { streamId, version, open: cycle.status === 'open', startsOn: cycle.startsOn, endsOn: cycle.endsOn };
  }

  private async followed(pledgeId: string, ctx: CommandContext): Promise<FollowedPledgeFacts> {
    const { state, version } = await loadPledgeInScope(this.streams, this.tree, ctx, pledgeId);
    return { pledgeId, streamId: pledgeStream(pledgeId), version, fulfilled: state.status === 'fulfilled' };
  }
}
