import { Inject, Injectable } from '@nestjs/common';
import { NOMINATING_ROLES, eligibilityRefusal, nominationDecider, type Deeds } from '@vanguard/commendation-domain';
import { STREAMS, type StreamsPort } from '../../ports/streams.port';
import { decidedBy, streamContext, type CommandContext } from '../command-context';
import { NominationFacts } from './nomination-facts';
import { UnitPlaces, againOnConcurrentChange } from './unit-places';

/**
 * 修改后重报: the nominator amends a returned nomination; eligibility is checked again on fresh
 * facts. It climbs again from the first level, so the reviewing levels' places it held are
 * given back in the same append (its submission's place stays).
 */
@Injectable()
export class AmendNominationHandler {
  constructor(
    @Inject(STREAMS) private readonly streams: StreamsPort,
    private readonly facts: NominationFacts,
    private readonly places: UnitPlaces,
  ) {}

  async execute(nominationId: string, deeds: Deeds, reason: string | undefined, ctx: CommandContext): Promise<{ version: number }> {
    const { state } = await this.facts.nominationSeenBy(nominationId, ctx);
    return againOnConcurrentChange(() =>
      this.places.inTurn(state.programmeId!, state.unitOrgId, () => this.attempt(nominationId, deeds, reason, ctx)),
    );
  }

  private async attempt(nominationId: string, deeds: Deeds, reason: string | undefined, ctx: CommandContext): Promise<{ version: number }> {
    const by = decidedBy(ctx, NOMINATING_ROLES);
    const { state, version, streamId } = await this.facts.nominationSeenBy(nominationId, ctx);
    const programme = await this.facts.programme(state.programmeId!);
    const events = nominationDecider.decide(
      {
        type: 'AmendNomination',
        data: {
          decidedBy: by,
          deeds,
          programme: programme.facts,
          eligibility: await this.facts.eligibility(state.nominee!),
          ...(reason ? { reason } : {}),
        },
      },
      state,
    );
    const refusal = eligibilityRefusal(events);
    const context = streamContext(ctx, state.nominatorOrgId!);
    const places = refusal ? null : await this.places.read(state.programmeId!, state.unitOrgId!);
    const released = places ? this.places.release(places, { state, version, events }, 'amended', by, reason ?? '') : [];
    const [next] = await this.streams.appendAll([
      { streamId, events, expectedVersion: version, context },
      ...(places ? [this.places.write(places, released, context, state.unitOrgId!)] : []),
    ]);
    if (refusal) throw refusal;
    return { version: next! };
  }
}
