import { Inject, Injectable } from '@nestjs/common';
import {
  NOMINATING_ROLES,
  eligibilityRefusal,
  nominationDecider,
  nominationStreamId,
  holdersFor,
  subordinateUnitOf,
  type StreamRead,
  type SubmitNomination,
} from '@vanguard/commendation-domain';
import { NOMINATION_READ_MODEL, type NominationReadModel } from '../../nominations/nomination-read-model.port';
import { CLOCK, type ClockPort } from '../../ports/clock.port';
import { ID_GENERATOR, type IdGeneratorPort } from '../../ports/id-generator.port';
import { ORG_TREE, type OrgTreePort } from '../../ports/org-tree.port';
import { STREAMS, type StreamsPort } from '../../ports/streams.port';
import { decidedBy, streamContext, type CommandContext } from '../command-context';
import { orgPathOrFail, orgVersionsOf } from '../load-or-fail';
import { NominationFacts } from './nomination-facts';
import { UnitPlaces, againOnConcurrentChange, type PlacesRead } from './unit-places';

export interface SubmitNominationInput {
  readonly programmeId: string;
  readonly category: SubmitNomination['data']['category'];
  readonly nominee: { readonly kind: 'member' | 'organization'; readonly id: string; readonly name: string; readonly orgId: string };
  readonly deeds: SubmitNomination['data']['deeds'];
  readonly reason?: string;
}

/**
 * 推荐: the caller's organisation nominates. Gathers the nominator's and the nominee's paths
 * (tree copy), the programme (its stream), the unit's places and how many it used (its places
 * stream, appended to with the submission), another standing nomination of the nominee (board projection), and the nominee's eligibility facts
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
    private readonly places: UnitPlaces,
  ) {}

  async execute(input: SubmitNominationInput, ctx: CommandContext): Promise<{ nominationId: string; version: number }> {
    const nominationId = this.ids.next();
    const unit = await this.unitOf(input.programmeId, ctx);
    return againOnConcurrentChange(() => this.places.inTurn(input.programmeId, unit, () => this.attempt(nominationId, input, ctx)));
  }

  /** The unit whose places the nomination would take (the turn it waits for); the attempt reads everything again. */
  private async unitOf(programmeId: string, ctx: CommandContext): Promise<string | null> {
    const path = ctx.caller.orgId ? await this.tree.pathOf(ctx.caller.orgId) : null;
    if (!path) return null;
    const programme = await this.facts.programme(programmeId);
    const nodes = await this.tree.nodes(path);
    return subordinateUnitOf(
      path.map((id) => ({ orgId: id, level: nodes.get(id)?.level ?? 'village' })),
      programme.facts.orgId,
    );
  }

  private async attempt(
    nominationId: string,
    input: SubmitNominationInput,
    ctx: CommandContext,
  ): Promise<{ nominationId: string; version: number }> {
    const by = decidedBy(ctx, NOMINATING_ROLES);
    const nominatorPath = await orgPathOrFail(this.tree, by.orgId);
    const nomineePath = await orgPathOrFail(this.tree, input.nominee.orgId);
    const programme = await this.facts.programme(input.programmeId);
    const nominatorOrgPath = nominatorPath.map((o) => ({ orgId: o.id, level: o.level }));
    const unit = subordinateUnitOf(nominatorOrgPath, programme.facts.orgId);
    const places = unit ? await this.places.read(input.programmeId, unit) : null;
    const allocated = unit ? this.facts.places(programme.state, unit, input.category) : 0;
    const quota = places ? this.places.quota(places, allocated, input.category, 'nominator', nominationId) : { places: 0, used: 0 };
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
          alreadyNominated:
            (places && (await this.holdingAPlace(places, input))) ??
            (await this.board.standingNominationOf(input.programmeId, input.category, input.nominee.id)),
          eligibility: await this.facts.eligibility(input.nominee),
          today: this.clock.today(),
          decidedBy: by,
          orgVersions: orgVersionsOf(nominatorPath, nomineePath),
          ...(input.reason ? { reason: input.reason } : {}),
        },
      },
      state,
    );
    const context = streamContext(ctx, by.orgId);
    const submitted = events.some((e) => e.type === 'commendation.NominationSubmitted');
    // The submission takes the unit's place in the same append, expecting the places counted.
    const granted =
      submitted && places && unit
        ? this.places.grant(places, {
            programmeId: input.programmeId,
            unitOrgId: unit,
            category: input.category,
            level: 'nominator',
            nominationId,
            nomineeId: input.nominee.id,
            places: allocated,
            programme: { streamId: programme.facts.streamId, version: programme.facts.version },
            nomination: { streamId: stream, version },
            decidedBy: by,
          })
        : [];
    const [next] = await this.streams.appendAll([
      { streamId: stream, events, expectedVersion: version, context },
      ...(places && unit ? [this.places.write(places, granted, context, unit)] : []),
    ]);
    const refusal = eligibilityRefusal(events);
    if (refusal) throw refusal;
    return { nominationId, version: next! };
  }

  /**
   * A nomination of the same nominee that holds one of the unit's places in the category, read from
   * the streams themselves: the board is filled after the fact, so fifty identical submissions at
   * once all found it empty and took a place each (three copies of one person, the unit's quota
   * spent). Under the places stream's expected version, the loser of a race re-reads the holders
   * here and finds the winner. A nominee put forward by another unit is still the board's to find.
   */
  private async holdingAPlace(places: PlacesRead, input: SubmitNominationInput): Promise<StreamRead | null> {
    // The grants name their nominee, so this reads one stream at most, not every holder's (which
    // made a unit's n-th submission read n streams); only grants older than the field are read whole.
    const { holding, unnamed } = holdersFor(places.state, input.category, 'nominator', input.nominee.id);
    for (const id of holding ? [holding] : unnamed) {
      const streamId = nominationStreamId(id);
      const { state, version } = await this.streams.load(streamId, nominationDecider);
      if (state.nominee?.kind === input.nominee.kind && state.nominee.id === input.nominee.id) return { streamId, version };
    }
    return null;
  }
}
