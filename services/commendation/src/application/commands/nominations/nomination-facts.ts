import { Inject, Injectable } from '@nestjs/common';
import {
  ProgrammeIsLaunchedRule,
  nominationDecider,
  nominationStreamId,
  placesOf,
  programmeDecider,
  programmeFacts,
  programmeStreamId,
  type EligibilityFacts,
  type NominationState,
  type ProgrammeFacts,
  type ProgrammeState,
} from '@vanguard/commendation-domain';
import { DomainError, checkRule } from '@vanguard/kernel';
import { ELIGIBILITY_FACTS, domainFacts, type EligibilityFactsPort } from '../../eligibility/eligibility-facts.port';
import { ORG_TREE, type OrgTreePort } from '../../ports/org-tree.port';
import { STREAMS, type Loaded, type StreamsPort } from '../../ports/streams.port';
import type { CommandContext } from '../command-context';

export class NominationNotFoundError extends DomainError {
  constructor(nominationId: string) {
    super('NOMINATION.NOT_FOUND', 'not_found', `没有这条推荐 / no nomination ${nominationId}`);
  }
}

/** What the nomination handlers read besides the nomination itself: the programme stream and the nominee's facts. */
@Injectable()
export class NominationFacts {
  constructor(
    @Inject(STREAMS) private readonly streams: StreamsPort,
    @Inject(ELIGIBILITY_FACTS) private readonly facts: EligibilityFactsPort,
    @Inject(ORG_TREE) private readonly tree: OrgTreePort,
  ) {}

  /** The launched programme (404 PROGRAMME.NOT_FOUND otherwise), its state for the places and its facts for the decider. */
  async programme(programmeId: string): Promise<{ state: ProgrammeState; facts: ProgrammeFacts }> {
    const { state } = await this.streams.load(programmeStreamId(programmeId), programmeDecider);
    checkRule(new ProgrammeIsLaunchedRule(state));
    return { state, facts: programmeFacts(state) };
  }

  places(programme: ProgrammeState, unitOrgId: string, category: Parameters<typeof placesOf>[2]): number {
    return placesOf(programme, unitOrgId, category);
  }

  async eligibility(nominee: { kind: 'member' | 'organization'; id: string }): Promise<EligibilityFacts> {
    return domainFacts(await this.facts.factsFor(nominee));
  }

  /** The nomination's stream folded (404 NOMINATION.NOT_FOUND when nothing was ever submitted or checked). */
  async nomination(nominationId: string): Promise<Loaded<NominationState> & { streamId: string }> {
    const streamId = nominationStreamId(nominationId);
    const loaded = await this.streams.load(streamId, nominationDecider);
    if (loaded.state.status === 'none') throw new NominationNotFoundError(nominationId);
    return { ...loaded, streamId };
  }

  /**
   * As `nomination`, for a caller acting on it: one outside the nominator's subtree and every level
   * of its chain gets the same 404 as for no nomination, before any rule speaks. The rules' own
   * order (the status before the level) once told such a caller, by 409 against 404, that the
   * nomination existed and what state it was in.
   */
  async nominationSeenBy(nominationId: string, ctx: CommandContext): Promise<Loaded<NominationState> & { streamId: string }> {
    const loaded = await this.nomination(nominationId);
    const orgs = [loaded.state.nominatorOrgId, ...loaded.state.chain.map((s) => s.orgId)];
    if (!orgs.some((o) => o !== null && this.tree.isWithin(ctx.caller.orgId, o))) throw new NominationNotFoundError(nominationId);
    return loaded;
  }
}
