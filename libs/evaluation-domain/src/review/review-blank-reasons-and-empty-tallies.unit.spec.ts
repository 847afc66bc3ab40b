import type { DomainEvent } from '@vanguard/kernel';
import { specificationFor } from '@vanguard/kernel/testing';
import { ballots, conclude, record, reviewer, submitted, VILLAGE, VILLAGE_PATH } from '../replay/recorded-decisions.fixture';
import { replayDecision } from '../replay/replay-decision';
import type { ReviewCommand } from './review.commands';
import { reviewDecider } from './review.decide';
import type { ReviewEvent } from './review.events';
import { GradeIsBorneOutByTheBallotsRule, ReturnGivesAReasonRule, TallyCountsBallotsRule } from './review.rules';

// A hostile probe: "unqualified" concluded with the reason "\u200b\u3000\u2800", a return with
// "\u200b\u2800", and a tally of zero ballots that let "qualified" be concluded on none.
const INVISIBLE = '\u200b\u3000\u2800';
const NONE = { excellent: 0, qualified: 0, basicallyQualified: 0, unqualified: 0 };
const countySystem = { sub: 'service-account-county-songling', role: 'county_system', orgId: VILLAGE };
const spec = specificationFor(reviewDecider);
const history = (...commands: ReviewCommand[]) => record(reviewDecider, [submitted, ...commands] as ReviewCommand[]);
const concludeAs = (grade: 'qualified' | 'unqualified', reason: string, ruleVersions?: Record<string, number>): ReviewCommand => ({
  type: 'ConcludeReview',
  data: { grade, decidedBy: conclude.data.decidedBy, memberOrgPath: VILLAGE_PATH, reason, ...(ruleVersions ? { ruleVersions } : {}) },
});
const returnWith = (reason: string): ReviewCommand => ({
  type: 'ReturnReview',
  data: { decidedBy: reviewer, memberOrgPath: VILLAGE_PATH, reason },
});

describe('reviewDecider: blank reasons and tallies of no ballots', () => {
  it('given ballots, when "unqualified" is concluded with a reason of invisible characters only, then grade-borne-out v2 refuses it', () =>
    spec.given(history(ballots)).when(concludeAs('unqualified', INVISIBLE)).thenRefuses(GradeIsBorneOutByTheBallotsRule));

  it('given a conclusion, when it is returned with a reason of invisible characters only, then return-reason v2 refuses it', () =>
    spec.given(history(ballots, conclude)).when(returnWith('\u200b\u2800')).thenRefuses(ReturnGivesAReasonRule));

  it('when the branch counts a tally of no ballots, or a county system relays one, then it is refused (422 REVIEW.NO_BALLOTS)', () => {
    spec
      .given(history())
      .when({ ...ballots, data: { ...ballots.data, tally: NONE } })
      .thenRefuses(TallyCountsBallotsRule);
    spec
      .given(history())
      .when({ ...ballots, data: { ...ballots.data, tally: NONE, decidedBy: countySystem, heldOn: '2011-12-12' } })
      .thenRefuses(TallyCountsBallotsRule);
  });

  it('given a tally of no ballots recorded before the rule, when "qualified" is concluded on it, then grade-borne-out v2 refuses it', () => {
    const emptyTally: ReviewEvent = { type: 'evaluation.PeerBallotsTallied', data: { ...history(ballots)[1]!.data, tally: NONE } };
    spec.given([history()[0]!, emptyTally]).when(concludeAs('qualified', '无')).thenRefuses(GradeIsBorneOutByTheBallotsRule);
  });

  it('records a county tally with the ballots rule among its checks, and a return with return-reason v2', () => {
    const county = history({ ...ballots, data: { ...ballots.data, decidedBy: countySystem, heldOn: '2011-12-12' } });
    expect(county[1]!.data).toMatchObject({
      decision: { checks: expect.arrayContaining([{ id: 'evaluation.review.tally-has-ballots', version: 1 }]) },
    });
    const returned = history(ballots, conclude, returnWith('请补充'));
    expect(returned[3]!.data).toMatchObject({
      decision: { checks: expect.arrayContaining([{ id: 'evaluation.review.return-reason', version: 2 }]) },
    });
    expect(replayDecision(county, 1).matches).toBe(true);
    expect(replayDecision(returned, 3).matches).toBe(true);
  });
});

describe('replaying decisions recorded before these rules changed', () => {
  it('given "unqualified" concluded under grade-borne-out v1 with an invisible reason, when replayed, then v1 runs and matches', () => {
    const stream = history(ballots, concludeAs('unqualified', INVISIBLE, { 'evaluation.review.grade-borne-out': 1 }));

    expect(replayDecision(stream, 2)).toMatchObject({ matches: true, ruleVersions: { 'evaluation.review.grade-borne-out': 1 } });
  });

  it('given a return recorded before return-reason was (its checks do not name it) with an invisible reason, when replayed, then it matches', () => {
    const stream = history(ballots, conclude, returnWith('请补充'));
    const recorded = stream[3]! as DomainEvent<string, { decision: { checks: { id: string }[]; reason: string } }>;
    const legacy = {
      ...recorded,
      data: {
        ...recorded.data,
        decision: {
          ...recorded.data.decision,
          reason: '\u200b\u2800',
          checks: recorded.data.decision.checks.filter((c) => c.id !== 'evaluation.review.return-reason'),
        },
      },
    };

    expect(replayDecision([...stream.slice(0, 3), legacy], 3)).toMatchObject({ matches: true, refusal: null });
  });

  it('given a county tally of no ballots recorded before the ballots rule shipped, when replayed, then it runs without the rule and matches', () => {
    const stream = history({ ...ballots, data: { ...ballots.data, decidedBy: countySystem, heldOn: '2011-12-12' } });
    const recorded = stream[1]! as DomainEvent<string, { tally: object; decision: { checks: { id: string }[] } }>;
    const legacy = {
      ...recorded,
      data: {
        ...recorded.data,
        tally: NONE,
        decision: {
          ...recorded.data.decision,
          checks: recorded.data.decision.checks.filter((c) => c.id !== 'evaluation.review.tally-has-ballots'),
        },
      },
    };

    expect(replayDecision([stream[0]!, legacy], 1)).toMatchObject({ matches: true, refusal: null });
  });
});
