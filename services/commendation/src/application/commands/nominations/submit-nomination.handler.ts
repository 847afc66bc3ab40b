import { Inject, Injectable } from '@nestjs/common';
import {
  NOMINATING_ROLES,
  eligibilityRefusal,
  nominationDecider,
  nominationStreamId,
  subordinateUnitOf,
  type SubmitNomination,
} from '@vanguard/commendation-domain';
import { NOMINATION_READ_MODEL, type NominationReadModel } from '../../nominations/nomination-read-model.port';
import { CLOCK, type ClockPort } from '../../ports/clock.port';
import { ID_GENERATOR, type IdGeneratorPort } from '../../ports/id-generator.port';
import { ORG_TREE, type OrgTreePort } from '../../ports/org-tree.port';
import { STREAMS, type StreamsPort } from '../../ports/streams.port';
import { decidedBy, streamContext, type CommandContext } from '../command-context';
import { orgPathOrFail } from '../load-or-fail';
import { NominationFacts } from './nomination-facts';

export interface SubmitNominationInput {
  readonly programmeId: string;
  readonly category: SubmitNomination['data']['category'];
  readonly nominee: { readonly kind: 'member' | 'organization'; readonly id: string; readonly name: string; readonly orgId: string };
  readonly deeds: SubmitNomination['data']['deeds'];
  readonly reason?: string;
}

/**
 * 推荐: the caller's organisation nominates. Gathers the nominator's and the nominee's paths
 * (tree copy), the programme (its stream), the unit's places and how many it used, another
 * standing nomination of the nominee (board projection), and the nominee's eligibility facts
 * (the projection of evaluation's events); the decider judges. A failed eligibility check is
 * appended before the 422 that names the refusing policy, so the refusal stays on record.
 */
@Injectable()
export class SubmitNominationHandler {
  constructor(
    @Inject(STREAMS) private readonly streams: StreamsPort,
    @Inject(ORG_TREE) private readonly tree: OrgTreePort,
    @Inject(CLOCK) private readonly clock: ClockPort,
    @Inject(ID_GENERATOR) private readonly ids: IdGeneratorPort,
    @Inject(NOMINATION_READ_MODEL) private readonly board: NominationReadModel,
    private readonly facts: NominationFacts,
  ) {}

  async execute(input: SubmitNominationInput, ctx: CommandContext): Promise<{ nominationId: string; version: number }> {
    const by = decidedBy(ctx, NOMINATING_ROLES);
    const nominatorPath = await orgPathOrFail(this.tree, by.orgId);
    const nomineePath = await orgPathOrFail(this.tree, input.nominee.orgId);
    const programme = await this.facts.programme(input.programmeId);
    const nominatorOrgPath = nominatorPath.map((o) => ({ orgId: o.id, level: o.level }));
    const unit = subordinateUnitOf(nominatorOrgPath, programme.facts.orgId);
    const nominationId = this.ids.next();
    const quota = {
      places: unit ? this.facts.places(programme.state, unit, input.category) : 0,
      used: unit ? await this.board.placesUsed(input.programmeId, input.category, unit, 'nominator', nominationId) : 0,
    };
    const stream = nominationStreamId(nominationId);
    const { state, version } = await this.streams.load(stream, nominationDecider);
    const events = nominationDecider.decide(
      {
        type: 'SubmitNomination',
        data: {
          nominationId,
          category: input.category,
          nominee: { ...input.nominee, orgName: nomineePath.at(-1)!.name },
          deeds: input.deeds,
          nominatorOrgPath,
          nomineeOrgPath: nomineePath.map((o) => o.id),
          programme: programme.facts,
          quota,
          alreadyNominated: await this.board.standingNominationOf(input.programmeId, input.category, input.nominee.id),
          eligibility: await this.facts.eligibility(input.nominee),
          today: this.clock.today(),
          decidedBy: by,
          ...(input.reason ? { reason: input.reason } : {}),
        },
      },
      state,
    );
    const next = await this.streams.append(stream, events, version, streamContext(ctx, by.orgId));
    const refusal = eligibilityRefusal(events);
    if (refusal) throw refusal;
    return { nominationId, version: next };
  }
}
