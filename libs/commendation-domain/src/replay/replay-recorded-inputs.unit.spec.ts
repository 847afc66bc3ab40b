import type { DomainEvent } from '@vanguard/kernel';
import { COUNTY, PATH_TO_VILLAGE, TOWNSHIP } from '../__fixtures__/commendation.fixtures';
import { NomineeIsInTheNominatorsCareRule, NoDecisionWhileAnObjectionIsOpenRule } from '../nomination/nomination.rules';
import { objectionStreamId } from '../objection/objection.state';
import { ProgrammeLevelIsTheAwardingBodysLevelRule, QuotaGoesToASubordinateUnitRule } from '../programme/programme.rules';
import { decisions, indexOf, OTHER_OBJECTION_ID, PROGRAMME, recordedStreams, replayFacts } from './recorded-commendation-decisions.fixture';
import { commendationStreamsRead, replayCommendationDecision } from './replay-commendation-decision';

// What a commendation decision records of the paths and objections it checked (ADR 0080), and
// how a replay uses it: nothing assumed for a decision that records them; a decision recorded
// before the fields still replays, naming what it assumed; a recorded input that disagrees with
// the outcome is not reproduced.

type Decision = Record<string, unknown> & { orgPaths?: { of: string; orgs: { orgId: string; level?: string }[] }[] };
const NOMINATION = 'nomination-01960000-0000-7000-8000-0000000000c1';
const DECIDED_NOMINATION = 'nomination-01960000-0000-7000-8000-0000000000c2';
const OBJECTION = 'objection-01960000-0000-7000-8000-0000000000d1';

/** The stream with its `nth` `type` event's decision changed, and where that event is. */
function withDecision(streamId: string, type: string, nth: number, change: (d: Decision) => Decision) {
  const stream = recordedStreams.get(streamId)!;
  const index = indexOf(streamId, type, nth);
  const event = stream[index]!;
  const data = event.data as { decision: Decision };
  const altered: DomainEvent = { ...event, data: { ...data, decision: change(data.decision) } };
  return { stream: [...stream.slice(0, index), altered, ...stream.slice(index + 1)], index };
}
const recordedBefore = ({ orgPaths: _p, objections: _o, ...rest }: Decision): Decision => rest;
const paths = (d: Decision, of: string, orgs: { orgId: string; level?: string }[]): Decision => ({
  ...d,
  orgPaths: d.orgPaths!.map((p) => (p.of === of ? { of, orgs } : p)),
});

/** Each decision that records paths or objections, what its replay assumes without them, its stream and `nth`. */
const RECORDING: [string, string, string, number][] = [
  ['commendation.AwardProgrammeLaunched', 'awardingOrgLevel', PROGRAMME, 0],
  ['commendation.QuotaAllocated', 'unitOrgPath', PROGRAMME, 0],
  ['commendation.NominationSubmitted', 'nominatorOrgPath', NOMINATION, 0],
  ['commendation.ObjectionAssigned', 'awardingOrgPath', OBJECTION, 0],
  ['commendation.CommendationDecided', 'openObjections', DECIDED_NOMINATION, 0],
];

describe('replayCommendationDecision: recorded paths and objections (ADR 0080)', () => {
  it.each(decisions)('given a %s as recorded now, when replayed, then it is reproduced with nothing assumed', (type, streamId, nth) => {
    const stream = recordedStreams.get(streamId)!;

    const sut = replayCommendationDecision(stream, indexOf(streamId, type, nth), replayFacts);

    expect(sut).toMatchObject({ matches: true, assumed: [] });
  });

  it.each(RECORDING)(
    'given a %s recorded before paths and objections were, when replayed, then it is reproduced on what it recorded and names %s assumed',
    (type, assumed, streamId, nth) => {
      const { stream, index } = withDecision(streamId, type, nth, recordedBefore);

      const sut = replayCommendationDecision(stream, index, replayFacts);

      expect(sut.matches).toBe(true);
      expect(sut.assumed).toEqual([expect.stringContaining(assumed)]);
    },
  );

  it('given a commendation decided, when its streams are named, then the objections it found are read at their recorded versions', () => {
    const stream = recordedStreams.get(DECIDED_NOMINATION)!;

    const reads = commendationStreamsRead(stream, indexOf(DECIDED_NOMINATION, 'commendation.CommendationDecided'));

    expect(reads).toEqual(
      expect.arrayContaining([
        { streamId: OBJECTION, version: 3 },
        { streamId: objectionStreamId(OTHER_OBJECTION_ID), version: 3 },
      ]),
    );
  });

  it('given a commendation decided whose recorded objection is one read before its dismissal, when replayed, then the open objection refuses it', () => {
    const other = objectionStreamId(OTHER_OBJECTION_ID);
    const { stream, index } = withDecision(DECIDED_NOMINATION, 'commendation.CommendationDecided', 0, (d) => ({
      ...d,
      objections: (d['objections'] as { streamId: string; version: number }[]).map((o) =>
        o.streamId === other ? { ...o, version: 2 } : o,
      ),
    }));

    const sut = replayCommendationDecision(stream, index, replayFacts);

    expect(sut).toMatchObject({ matches: false, refusal: new NoDecisionWhileAnObjectionIsOpenRule([]).code, assumed: [] });
  });

  it('given a submission whose recorded nominee path ends at the township, not the nominee’s village, when replayed, then the nominee is outside its care', () => {
    const { stream, index } = withDecision(NOMINATION, 'commendation.NominationSubmitted', 0, (d) =>
      paths(
        d,
        'nominee',
        PATH_TO_VILLAGE.slice(0, 4).map((o) => ({ orgId: o.orgId })),
      ),
    );

    const sut = replayCommendationDecision(stream, index, replayFacts);

    expect(sut).toMatchObject({
      matches: false,
      refusal: new NomineeIsInTheNominatorsCareRule('', { kind: 'member', orgId: '' } as never, []).code,
    });
  });

  it('given a submission whose recorded nominator path names the township a county, when replayed, then the chain drawn differs', () => {
    const { stream, index } = withDecision(NOMINATION, 'commendation.NominationSubmitted', 0, (d) =>
      paths(
        d,
        'nominator',
        PATH_TO_VILLAGE.map((o) => (o.orgId === TOWNSHIP ? { ...o, level: 'county' } : o)),
      ),
    );

    const sut = replayCommendationDecision(stream, index, replayFacts);

    expect(sut.matches).toBe(false);
    expect(sut.assumed).toEqual([]);
  });

  it('given a launch whose recorded awarding body is a city, when replayed, then the programme’s county level is refused', () => {
    const { stream, index } = withDecision(PROGRAMME, 'commendation.AwardProgrammeLaunched', 0, (d) =>
      paths(d, 'awarding-body', [{ orgId: COUNTY, level: 'city' }]),
    );

    const sut = replayCommendationDecision(stream, index, replayFacts);

    expect(sut).toMatchObject({ matches: false, refusal: new ProgrammeLevelIsTheAwardingBodysLevelRule('county', 'city').code });
  });

  it('given an allocation whose recorded unit path skips the awarding body, when replayed, then the unit is not its subordinate', () => {
    const { stream, index } = withDecision(PROGRAMME, 'commendation.QuotaAllocated', 0, (d) =>
      paths(d, 'unit', [{ orgId: PATH_TO_VILLAGE[0]!.orgId }, { orgId: TOWNSHIP }]),
    );

    const sut = replayCommendationDecision(stream, index, replayFacts);

    expect(sut).toMatchObject({ matches: false, refusal: new QuotaGoesToASubordinateUnitRule(COUNTY, TOWNSHIP, []).code });
  });

  it('given a submission recorded with a level missing, when replayed, then it names the level assumed and the record differs', () => {
    const { stream, index } = withDecision(NOMINATION, 'commendation.NominationSubmitted', 0, (d) =>
      paths(
        d,
        'nominator',
        PATH_TO_VILLAGE.map((o) => (o.level === 'village' ? { orgId: o.orgId } : o)),
      ),
    );

    const sut = replayCommendationDecision(stream, index, replayFacts);

    // The decider always records the levels it drew the chain from: one missing is not the decider's record.
    expect(sut).toMatchObject({ matches: false, assumed: [expect.stringContaining('no level recorded')] });
  });
});
