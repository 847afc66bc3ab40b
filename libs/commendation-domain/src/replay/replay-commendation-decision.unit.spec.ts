import { COMMENDATION_DECISION_REPLAYERS } from './commendation-replayers';
import { RuleVersionUnknownError } from '@vanguard/kernel';
import { nominationStreamId } from '../nomination/nomination.state';
import { objectionStreamId } from '../objection/objection.state';
import { NOMINATION_ID, OBJECTION_ID, OTHER_NOMINATION_ID } from '../__fixtures__/commendation.fixtures';
import {
  decisions,
  indexOf,
  OTHER_OBJECTION_ID,
  recordedStreams,
  replayFacts,
  THIRD_NOMINATION_ID,
} from './recorded-commendation-decisions.fixture';
import { commendationStreamsRead, replayCommendationDecision } from './replay-commendation-decision';

const at = (streamId: string, type: string, nth: number) => ({
  stream: recordedStreams.get(streamId)!,
  index: indexOf(streamId, type, nth),
});

describe(replayCommendationDecision.name, () => {
  it('covers every commendation decision event type this code replays', () => {
    expect(decisions.map(([type]) => type).sort()).toEqual(Object.keys(COMMENDATION_DECISION_REPLAYERS).sort());
  });

  it.each(decisions)(
    'given a recorded %s, when replayed from its stream, recorded inputs and rule versions, then it gives the recorded outcome',
    (type, streamId, nth) => {
      const { stream, index } = at(streamId, type, nth);

      const sut = replayCommendationDecision(stream, index, replayFacts);

      expect(sut.refusal).toBeNull();
      expect(sut.replayed).toEqual(sut.recorded);
      expect(sut.matches).toBe(true);
    },
  );

  it.each(decisions)('given a recorded %s altered afterwards, when replayed, then it is not reproduced', (type, streamId, nth, alter) => {
    const { stream, index } = at(streamId, type, nth);
    const event = stream[index]!;
    const altered = [
      ...stream.slice(0, index),
      { ...event, data: alter(event.data as Record<string, unknown>) },
      ...stream.slice(index + 1),
    ];

    const sut = replayCommendationDecision(altered, index, replayFacts);

    expect(sut.matches).toBe(false);
  });

  it('given a submission decided under version 1 of the deeds rule, when replayed, then version 1 judges it, not the version in force', () => {
    const { stream, index } = at(nominationStreamId(NOMINATION_ID), 'commendation.NominationSubmitted', 0);
    const event = stream[index]!;
    const data = event.data as { deeds: object; decision: { checks: { id: string; version: number }[] } };
    // Deeds version 1 let through and version 2 refuses: a number written with dots.
    const recordedAs = (version: number) => [
      ...stream.slice(0, index),
      {
        ...event,
        data: {
          ...data,
          deeds: { ...data.deeds, summary: '联系电话138.0013.8000' },
          decision: {
            ...data.decision,
            checks: data.decision.checks.map((c) => (c.id === 'commendation.nomination.no-personal-numbers' ? { ...c, version } : c)),
          },
        },
      },
      ...stream.slice(index + 1),
    ];

    const underV1 = replayCommendationDecision(recordedAs(1), index, replayFacts);
    expect(underV1.ruleVersions).toContainEqual({ id: 'commendation.nomination.no-personal-numbers', version: 1 });
    expect(underV1.refusal).toBeNull();
    expect(underV1.matches).toBe(true);
    expect(replayCommendationDecision(recordedAs(2), index, replayFacts).refusal).toBe('NOMINATION.PERSONAL_NUMBERS');
    // A version this code does not have is the code's gap, thrown, not a decision that failed to reproduce.
    expect(replayCommendationDecision(recordedAs(3), index, replayFacts).refusal).toBe('NOMINATION.PERSONAL_NUMBERS');
    expect(replayCommendationDecision(recordedAs(4), index, replayFacts).refusal).toBe('NOMINATION.PERSONAL_NUMBERS');
    expect(() => replayCommendationDecision(recordedAs(5), index, replayFacts)).toThrow(RuleVersionUnknownError);
  });

  type Recorded = Record<string, unknown> & { decision: { reason: string; checks: { id: string; version: number }[] } };
  const reasonIs = (d: Recorded, text: string) => ({ ...d, decision: { ...d.decision, reason: text } });
  const findingsAre = (d: Recorded, text: string) => ({ ...reasonIs(d, text), findings: text });
  /** Each decision whose text rule trim() judged in version 1, the rule, its refusal, and where the text is recorded. */
  const blankAsShown: [string, string, string, string, (d: Recorded, text: string) => object][] = [
    [
      'commendation.NominationReturned',
      nominationStreamId(OTHER_NOMINATION_ID),
      'commendation.nomination.reason-given',
      'NOMINATION.REASON_REQUIRED',
      reasonIs,
    ],
    [
      'commendation.NominationRejected',
      nominationStreamId(THIRD_NOMINATION_ID),
      'commendation.nomination.reason-given',
      'NOMINATION.REASON_REQUIRED',
      reasonIs,
    ],
    [
      'commendation.CommendationRevoked',
      nominationStreamId(OTHER_NOMINATION_ID),
      'commendation.nomination.reason-given',
      'NOMINATION.REASON_REQUIRED',
      reasonIs,
    ],
    [
      'commendation.CommendationDecided',
      nominationStreamId(OTHER_NOMINATION_ID),
      'commendation.nomination.document-number',
      'NOMINATION.DOCUMENT_NUMBER',
      (d, text) => ({ ...d, documentNumber: text }),
    ],
    [
      'commendation.ObjectionUpheld',
      objectionStreamId(OBJECTION_ID),
      'commendation.objection.findings-given',
      'OBJECTION.FINDINGS_REQUIRED',
      findingsAre,
    ],
    [
      'commendation.ObjectionDismissed',
      objectionStreamId(OTHER_OBJECTION_ID),
      'commendation.objection.findings-given',
      'OBJECTION.FINDINGS_REQUIRED',
      findingsAre,
    ],
  ];
  it.each(blankAsShown)(
    'given a %s on %s whose text is a zero-width space, recorded under version 1 of %s, when replayed, then version 1 accepts it again; version 2 refuses it (%s); a version this code lacks throws',
    (type, streamId, ruleId, code, withText) => {
      const { stream, index } = at(streamId, type, 0);
      const event = stream[index]!;
      const data = event.data as Recorded;
      const recordedAs = (version: number) => {
        const altered = withText(data, '\u200b') as Recorded;
        const checks = altered.decision.checks.map((c) => (c.id === ruleId ? { ...c, version } : c));
        return [
          ...stream.slice(0, index),
          { ...event, data: { ...altered, decision: { ...altered.decision, checks } } },
          ...stream.slice(index + 1),
        ];
      };
      expect(data.decision.checks).toContainEqual({ id: ruleId, version: 2 });

      const underV1 = replayCommendationDecision(recordedAs(1), index, replayFacts);
      expect(underV1.ruleVersions).toContainEqual({ id: ruleId, version: 1 });
      expect([underV1.refusal, underV1.matches]).toEqual([null, true]);

      expect(replayCommendationDecision(recordedAs(2), index, replayFacts)).toMatchObject({ refusal: code, matches: false });
      expect(() => replayCommendationDecision(recordedAs(3), index, replayFacts)).toThrow(RuleVersionUnknownError);
    },
  );

  it('given a place granted, when its programme is rewritten with fewer places, then the replay refuses it by the quota rule', () => {
    const { stream, index } = at(
      'places-01960000-0000-7000-8000-0000000000b1.00000000-0000-4000-8000-000320612101',
      'commendation.PlaceGranted',
      2,
    );
    const programme = `award-programme-01960000-0000-7000-8000-0000000000b1`;
    const read = (input: { streamId: string; version: number }) => {
      const events = replayFacts.read!(input);
      return input.streamId !== programme
        ? events
        : events.map((e) => (e.type === 'commendation.QuotaAllocated' ? { ...e, data: { ...(e.data as object), places: 2 } } : e));
    };

    const sut = replayCommendationDecision(stream, index, { ...replayFacts, read });

    expect(sut).toMatchObject({ matches: false, refusal: 'NOMINATION.OVER_QUOTA' });
  });

  it('given a submission, when replayed, then it names the streams it folds and takes nothing as given (its paths are recorded)', () => {
    const { stream, index } = at('nomination-01960000-0000-7000-8000-0000000000c1', 'commendation.NominationSubmitted', 0);

    expect(commendationStreamsRead(stream, index).map((i) => i.streamId.split('-').slice(0, 2).join('-'))).toEqual([
      'award-programme',
      'places-01960000',
    ]);
    expect(replayCommendationDecision(stream, index, replayFacts).assumed).toEqual([]);
  });

  it('given a submission and no eligibility facts, when replayed, then it asks for them', () => {
    const { stream, index } = at('nomination-01960000-0000-7000-8000-0000000000c1', 'commendation.NominationSubmitted', 0);

    expect(() => replayCommendationDecision(stream, index, { read: replayFacts.read! })).toThrow(
      expect.objectContaining({ code: 'DECISION.REPLAY_FACT_MISSING' }),
    );
  });
});
