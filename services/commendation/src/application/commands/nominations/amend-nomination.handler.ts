import { Inject, Injectable } from '@nestjs/common';
import { NOMINATING_ROLES, eligibilityRefusal, nominationDecider, type Deeds } from '@vanguard/commendation-domain';
import { STREAMS, type StreamsPort } from '../../ports/streams.port';
import { decidedBy, streamContext, type CommandContext } from '../command-context';
import { NominationFacts } from './nomination-facts';

/** 修改后重报: the nominator amends a returned nomination; eligibility is checked again on fresh facts. */
@Injectable()
export class AmendNominationHandler {
  constructor(
    @Inject(STREAMS) private readonly streams: StreamsPort,
    private readonly facts: NominationFacts,
  ) {}

  async execute(nominationId: string, deeds: Deeds, reason: string | undefined, ctx: CommandContext): Promise<{ version: number }> {
    const by = decidedBy(ctx, NOMINATING_ROLES);
    const { state, version, streamId } = await this.facts.nomination(nominationId);
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
    const next = await this.streams.append(streamId, events, version, streamContext(ctx, state.nominatorOrgId!));
    const refusal = eligibilityRefusal(events);
    if (refusal) throw refusal;
    return { version: next };
  }
}
