import { Inject, Injectable } from '@nestjs/common';
import { REVIEWING_ROLES, awaitedStep, nominationDecider, programmeStreamId } from '@vanguard/commendation-domain';
import { CLOCK, type ClockPort } from '../../ports/clock.port';
import { STREAMS, type StreamsPort } from '../../ports/streams.port';
import { decidedBy, streamContext, type CommandContext } from '../command-context';
import { NominationFacts } from './nomination-facts';
import { UnitPlaces, againOnConcurrentChange } from './unit-places';

// 逐级审核: the level the nomination waits on endorses (taking one of the unit's places at that
// level, on the unit's places stream, in the same append), returns it for amendment (it keeps
// its places until amended), or rejects it (its places are given back in the same append), each
// with its reason (the decider checks level and role).
const REVIEW_ROLE_ORDER = REVIEWING_ROLES;

@Injectable()
export class EndorseNominationHandler {
  constructor(
    @Inject(STREAMS) private readonly streams: StreamsPort,
    @Inject(CLOCK) private readonly clock: ClockPort,
    private readonly facts: NominationFacts,
    private readonly places: UnitPlaces,
  ) {}

  async execute(nominationId: string, reason: string, ctx: CommandContext): Promise<{ version: number; shortlisted: boolean }> {
    const { state } = await this.facts.nominationSeenBy(nominationId, ctx);
    return againOnConcurrentChange(() =>
      this.places.inTurn(state.programmeId!, state.unitOrgId, () => this.attempt(nominationId, reason, ctx)),
    );
  }

  private async attempt(nominationId: string, reason: string, ctx: CommandContext): Promise<{ version: number; shortlisted: boolean }> {
    const by = decidedBy(ctx, REVIEW_ROLE_ORDER);
    const { state, version, streamId } = await this.facts.nominationSeenBy(nominationId, ctx);
    const programme = await this.facts.programme(state.programmeId!);
    const step = awaitedStep(state);
    const unit = state.unitOrgId!;
    const places = await this.places.read(state.programmeId!, unit);
    const allocated = this.facts.places(programme.state, unit, state.category!);
    const programmeRead = { streamId: programmeStreamId(state.programmeId!), version: programme.state.version };
    const events = nominationDecider.decide(
      {
        type: 'EndorseNomination',
        data: {
          decidedBy: by,
          reason,
          today: this.clock.today(),
          programme: programmeRead,
          quota: step ? this.places.quota(places, allocated, state.category, step.level, nominationId) : { places: allocated, used: 0 },
        },
      },
      state,
    );
    const granted = this.places.grant(places, {
      programmeId: state.programmeId!,
      unitOrgId: unit,
      category: state.category!,
      level: step!.level,
      nominationId,
      places: allocated,
      programme: programmeRead,
      nomination: { streamId, version },
      decidedBy: by,
      reason,
    });
    const context = streamContext(ctx, state.nominatorOrgId!);
    const [next] = await this.streams.appendAll([
      { streamId, events, expectedVersion: version, context },
      this.places.write(places, granted, context, unit),
    ]);
    const endorsed = events.find((e) => e.type === 'commendation.NominationEndorsed');
    return { version: next!, shortlisted: endorsed?.type === 'commendation.NominationEndorsed' && endorsed.data.shortlisted };
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
    const { state, version, streamId } = await this.facts.nominationSeenBy(nominationId, ctx);
    const events = nominationDecider.decide({ type: 'ReturnNomination', data: { decidedBy: by, reason } }, state);
    return { version: await this.streams.append(streamId, events, version, streamContext(ctx, state.nominatorOrgId!)) };
  }
}

@Injectable()
export class RejectNominationHandler {
  constructor(
    @Inject(STREAMS) private readonly streams: StreamsPort,
    private readonly facts: NominationFacts,
    private readonly places: UnitPlaces,
  ) {}

  async execute(nominationId: string, reason: string, ctx: CommandContext): Promise<{ version: number }> {
    const { state } = await this.facts.nominationSeenBy(nominationId, ctx);
    return againOnConcurrentChange(() =>
      this.places.inTurn(state.programmeId!, state.unitOrgId, () => this.attempt(nominationId, reason, ctx)),
    );
  }

  private async attempt(nominationId: string, reason: string, ctx: CommandContext): Promise<{ version: number }> {
    const by = decidedBy(ctx, REVIEW_ROLE_ORDER);
    const { state, version, streamId } = await this.facts.nominationSeenBy(nominationId, ctx);
    const events = nominationDecider.decide({ type: 'RejectNomination', data: { decidedBy: by, reason } }, state);
    const places = await this.places.read(state.programmeId!, state.unitOrgId!);
    const released = this.places.release(places, { state, version, events }, 'rejected', by, reason);
    const context = streamContext(ctx, state.nominatorOrgId!);
    const [next] = await this.streams.appendAll([
      { streamId, events, expectedVersion: version, context },
      this.places.write(places, released, context, state.unitOrgId!),
    ]);
    return { version: next! };
  }
}
