import { Inject, Injectable } from '@nestjs/common';
import { AWARDING_ROLES, nominationDecider, noticeDecider, noticeFactsFor, noticeStreamId } from '@vanguard/commendation-domain';
import { NOMINATION_READ_MODEL, type NominationReadModel } from '../../nominations/nomination-read-model.port';
import { CLOCK, type ClockPort } from '../../ports/clock.port';
import { OBJECTION_FILINGS, type ObjectionFilingsPort } from '../../ports/objection-filings.port';
import { STREAMS, type StreamsPort } from '../../ports/streams.port';
import { decidedBy, streamContext, type CommandContext } from '../command-context';
import { NominationFacts } from './nomination-facts';

/**
 * 表彰决定: the awarding body decides with a document number. Reads the programme's notice
 * stream (round, last day, whether the nomination is listed) and the programme's objections; the
 * decider refuses while any is open or before the notice ran its period, and records the closed
 * ones it read so a replay need not assume none was open (ADR 0080) — up to the record's 100;
 * past that it records none and a replay names the assumption, rather than break the contract.
 */
@Injectable()
export class DecideCommendationHandler {
  constructor(
    @Inject(STREAMS) private readonly streams: StreamsPort,
    @Inject(CLOCK) private readonly clock: ClockPort,
    @Inject(NOMINATION_READ_MODEL) private readonly board: NominationReadModel,
    @Inject(OBJECTION_FILINGS) private readonly filings: ObjectionFilingsPort,
    private readonly facts: NominationFacts,
  ) {}

  async execute(
    nominationId: string,
    input: { documentNumber: string; reason?: string },
    ctx: CommandContext,
  ): Promise<{ version: number }> {
    const by = decidedBy(ctx, AWARDING_ROLES);
    const { state, version, streamId } = await this.facts.nominationSeenBy(nominationId, ctx);
    // Alone: no objection is filed and no notice published between what this reads and its append (ADR 0113).
    return this.filings.alone(state.programmeId!, async (locked) => {
      const notice = await this.streams.load(noticeStreamId(state.programmeId!), noticeDecider);
      const objections = await this.board.objectionsFor(state.programmeId!, nominationId);
      const events = nominationDecider.decide(
        {
          type: 'DecideCommendation',
          data: {
            decidedBy: by,
            documentNumber: input.documentNumber,
            today: this.clock.today(),
            notice: noticeFactsFor(notice.state, state.programmeId!, nominationId),
            openObjections: objections.open,
            closedObjections: objections.closed,
            ...(input.reason ? { reason: input.reason } : {}),
          },
        },
        state,
      );
      // Through the lock's own transaction: kept only if the decision still holds the programme alone.
      return { version: await locked.append(streamId, events, version, streamContext(ctx, state.nominatorOrgId!)) };
    });
  }
}

/** 撤销表彰: the awarding body revokes a decided commendation with its reason. */
@Injectable()
export class RevokeCommendationHandler {
  constructor(
    @Inject(STREAMS) private readonly streams: StreamsPort,
    @Inject(CLOCK) private readonly clock: ClockPort,
    private readonly facts: NominationFacts,
  ) {}

  async execute(nominationId: string, reason: string, ctx: CommandContext): Promise<{ version: number }> {
    const by = decidedBy(ctx, AWARDING_ROLES);
    const { state, version, streamId } = await this.facts.nominationSeenBy(nominationId, ctx);
    const events = nominationDecider.decide(
      { type: 'RevokeCommendation', data: { decidedBy: by, reason, today: this.clock.today() } },
      state,
    );
    return { version: await this.streams.append(streamId, events, version, streamContext(ctx, state.nominatorOrgId!)) };
  }
}
