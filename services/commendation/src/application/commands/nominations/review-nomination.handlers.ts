import { Inject, Injectable } from '@nestjs/common';
import { REVIEWING_ROLES, awaitedStep, nominationDecider, programmeStreamId } from '@vanguard/commendation-domain';
import { NOMINATION_READ_MODEL, type NominationReadModel } from '../../nominations/nomination-read-model.port';
import { CLOCK, type ClockPort } from '../../ports/clock.port';
import { STREAMS, type StreamsPort } from '../../ports/streams.port';
import { decidedBy, streamContext, type CommandContext } from '../command-context';
import { NominationFacts } from './nomination-facts';

// 逐级审核: the level the nomination waits on endorses (within the unit's places at that level),
// returns it for amendment, or rejects it, each with its reason (the decider checks level and role).
const REVIEW_ROLE_ORDER = REVIEWING_ROLES;

@Injectable()
export class EndorseNominationHandler {
  constructor(
    @Inject(STREAMS) private readonly streams: StreamsPort,
    @Inject(CLOCK) private readonly clock: ClockPort,
    @Inject(NOMINATION_READ_MODEL) private readonly board: NominationReadModel,
    private readonly facts: NominationFacts,
  ) {}

  async execute(nominationId: string, reason: string, ctx: CommandContext): Promise<{ version: number; shortlisted: boolean }> {
    const by = decidedBy(ctx, REVIEW_ROLE_ORDER);
    const { state, version, streamId } = await this.facts.nomination(nominationId);
    const programme = await this.facts.programme(state.programmeId!);
    const step = awaitedStep(state);
    const unit = state.unitOrgId!;
    const quota = {
      places: this.facts.places(programme.state, unit, state.category!),
      used: step ? await this.board.placesUsed(state.programmeId!, state.category!, unit, step.level, nominationId) : 0,
    };
    const events = nominationDecider.decide(
      {
        type: 'EndorseNomination',
        data: {
          decidedBy: by,
          reason,
          today: this.clock.today(),
          programme: { streamId: programmeStreamId(state.programmeId!), version: programme.state.version },
          quota,
        },
      },
      state,
    );
    const next = await this.streams.append(streamId, events, version, streamContext(ctx, state.nominatorOrgId!));
    const endorsed = events.find((e) => e.type === 'commendation.NominationEndorsed');
    return { version: next, shortlisted: endorsed?.type === 'commendation.NominationEndorsed' && endorsed.data.shortlisted };
  }
}

@Injectable()
export class ReturnNominationHandler {
  constructor(
    @Inject(STREAMS) private readonly streams: StreamsPort,
    private readonly facts: NominationFacts,
  ) {}

  async execute(nominationId: string, reason: string, ctx: CommandContext): Promise<{ version: number }> {
    const by = decidedBy(ctx, REVIEW_ROLE_ORDER);
    const { state, version, streamId } = await this.facts.nomination(nominationId);
    const events = nominationDecider.decide({ type: 'ReturnNomination', data: { decidedBy: by, reason } }, state);
    return { version: await this.streams.append(streamId, events, version, streamContext(ctx, state.nominatorOrgId!)) };
  }
}

@Injectable()
export class RejectNominationHandler {
  constructor(
    @Inject(STREAMS) private readonly streams: StreamsPort,
    private readonly facts: NominationFacts,
  ) {}

  async execute(nominationId: string, reason: string, ctx: CommandContext): Promise<{ version: number }> {
    const by = decidedBy(ctx, REVIEW_ROLE_ORDER);
    const { state, version, streamId } = await this.facts.nomination(nominationId);
    const events = nominationDecider.decide({ type: 'RejectNomination', data: { decidedBy: by, reason } }, state);
    return { version: await this.streams.append(streamId, events, version, streamContext(ctx, state.nominatorOrgId!)) };
  }
}
