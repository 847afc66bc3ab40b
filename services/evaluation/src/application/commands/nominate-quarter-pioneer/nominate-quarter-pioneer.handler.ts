import { Inject, Injectable } from '@nestjs/common';
import { campaignDecider, pioneerDecider, type CandidateStanding, type NominateQuarterPioneer } from '@vanguard/evaluation-domain';
import { DomainError } from '@vanguard/kernel';
import { ORG_TREE, type OrgTreePort } from '../../ports/org-tree.port';
import { ROSTER, type RosterPort } from '../../ports/roster.port';
import { STREAMS, type StreamsPort } from '../../ports/streams.port';
import { CampaignNotFoundError, campaignStream } from '../campaign-access';
import { OutOfScopeError, streamContext, type CommandContext } from '../command-context';
import { pathOrFail } from '../pledge-access';
import { pioneerStream } from '../select-quarter-pioneer/pioneer-access';

export type NominateQuarterPioneerInput = Omit<NominateQuarterPioneer['data'], 'cycleOpen' | 'standing'> & { readonly campaignId: string };

export class PioneerOutsideCampaignError extends DomainError {
  constructor() {
    super('PIONEER.OUTSIDE_CAMPAIGN', 'rule', '该组织不在活动范围内 / the organisation is outside the campaign’s subtree');
  }
}

/**
 * 一季一先锋: an organisation in the caller's subtree nominates a candidate in the campaign's
 * cycle, read as the campaign stream says; where the candidate stands comes from the roster
 * (a member) or the tree copy (an organisation), and the decider's rule judges it (422).
 */
@Injectable()
export class NominateQuarterPioneerHandler {
  constructor(
    @Inject(STREAMS) private readonly streams: StreamsPort,
    @Inject(ORG_TREE) private readonly tree: OrgTreePort,
    @Inject(ROSTER) private readonly roster: RosterPort,
  ) {}

  async execute(input: NominateQuarterPioneerInput, ctx: CommandContext): Promise<{ version: number }> {
    await pathOrFail(this.tree, input.orgId);
    if (!this.tree.isWithin(ctx.caller.orgId, input.orgId)) throw new OutOfScopeError();
    const cycleOpen = await this.cycleOpen(input.campaignId, input.cycleId, input.orgId);
    const standing = await this.standingOf(input.candidate);
    const { campaignId: _campaignId, ...nomination } = input;
    const stream = pioneerStream(input.orgId, input.cycleId);
    const { state, version } = await this.streams.load(stream, pioneerDecider);
    const events = pioneerDecider.decide({ type: 'NominateQuarterPioneer', data: { ...nomination, cycleOpen, standing } }, state);
    return { version: await this.streams.append(stream, events, version, streamContext(ctx, input.orgId)) };
  }

  /** A member as the roster has them (their organisation's path from the tree copy); an organisation as the copy has it. */
  private async standingOf(candidate: NominateQuarterPioneerInput['candidate']): Promise<CandidateStanding> {
    if (candidate.kind === 'organization') {
      const path = await this.tree.pathOf(candidate.id);
      return { known: path !== null, active: path !== null, orgPath: path ?? [] };
    }
    const member = await this.roster.member(candidate.id);
    if (!member) return { known: false, active: false, orgPath: [] };
    return { known: true, active: member.active, orgPath: (await this.tree.pathOf(member.orgId)) ?? [] };
  }

  private async cycleOpen(campaignId: string, cycleId: string, orgId: string): Promise<boolean> {
    const { state } = await this.streams.load(campaignStream(campaignId), campaignDecider);
    const cycle = state.cycles.find((c) => c.cycleId === cycleId);
    if (!state.launched || !state.orgId || !cycle) throw new CampaignNotFoundError(campaignId);
    if (!this.tree.isWithin(state.orgId, orgId)) throw new PioneerOutsideCampaignError();
    return cycle.status === 'open';
  }
}
