import { Inject, Injectable } from '@nestjs/common';
import { campaignDecider, type AmendPledge, type PledgeEvent } from '@vanguard/evaluation-domain';
import type { Decider } from '@vanguard/kernel';
import { CLOCK, type ClockPort } from '../../ports/clock.port';
import { ORG_TREE, type OrgTreePort } from '../../ports/org-tree.port';
import { STREAMS, type StreamsPort } from '../../ports/streams.port';
import { decidedBy, type CommandContext } from '../command-context';
import { campaignStream, CampaignNotFoundError } from '../campaign-access';
import { decideOnPledge, pledgeStream } from '../pledge-access';

export type AmendPledgeInput = Pick<AmendPledge['data'], 'category' | 'content' | 'dueOn'>;

interface MadeIn {
  readonly campaignId: string | null;
  readonly cycleId: string | null;
}

/** Where a pledge was made: the decider's state does not keep it, the first event does. */
const madeIn: Decider<never, MadeIn, PledgeEvent> = {
  initialState: () => ({ campaignId: null, cycleId: null }),
  evolve: (s, e) => (e.type === 'evaluation.PledgeMade' ? { campaignId: e.data.campaignId, cycleId: e.data.cycleId } : s),
  decide: () => [],
};

/** A returned pledge, amended by the organisation that pledged it and submitted again; its due date still has to fall in its cycle. */
@Injectable()
export class AmendPledgeHandler {
  constructor(
    @Inject(STREAMS) private readonly streams: StreamsPort,
    @Inject(ORG_TREE) private readonly tree: OrgTreePort,
    @Inject(CLOCK) private readonly clock: ClockPort,
  ) {}

  execute(pledgeId: string, input: AmendPledgeInput, ctx: CommandContext): Promise<{ version: number }> {
    return decideOnPledge(this.streams, this.tree, ctx, pledgeId, async () => ({
      type: 'AmendPledge',
      data: { ...input, today: this.clock.today(), cycleEndsOn: await this.cycleEndsOn(pledgeId), decidedBy: decidedBy(ctx) },
    }));
  }

  private async cycleEndsOn(pledgeId: string): Promise<string> {
    const { state } = await this.streams.load(pledgeStream(pledgeId), madeIn);
    const campaignId = state.campaignId ?? '';
    const campaign = await this.streams.load(campaignStream(campaignId), campaignDecider);
    const cycle = campaign.state.cycles.find((c) => c.cycleId === state.cycleId);
    if (!cycle) throw new CampaignNotFoundError(campaignId);
    return cycle.endsOn;
  }
}
