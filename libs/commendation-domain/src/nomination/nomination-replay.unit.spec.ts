import { fold } from '@vanguard/kernel';
import { specificationFor } from '@vanguard/kernel/testing';
import { goodMemberFacts, programmeFacts, steadyMemberFacts } from '../__fixtures__/commendation.fixtures';
import { decideIt, endorse, countyEndorses, historyOf, submit, withdraw } from '../__fixtures__/nomination.fixtures';
import { CURRENT_ELIGIBILITY_POLICIES, replayEligibility } from '../eligibility/eligibility';
import type { EligibilityFacts } from '../eligibility/eligibility.facts';
import { nominationDecider } from './nomination.decide';
import type { EligibilityCheckedEvent, NominationEvent } from './nomination.events';

// What the audit service does with a recorded decision: take the recorded inputs (the streams
// at their recorded versions, folded), run the recorded rule version, compare with the record.

const spec = specificationFor(nominationDecider);
/** A programme launched in 2011, before review-grade version 2 shipped. */
const launchedUnderV1 = programmeFacts({
  eligibilityPolicies: [
    { id: 'commendation.eligibility.review-grade', version: 1 },
    { id: 'commendation.eligibility.mass-satisfaction', version: 1 },
  ],
});
/** The facts an auditor folds from each recorded input stream at its recorded version. */
function factsAsOf(recorded: EligibilityCheckedEvent, everything: EligibilityFacts): EligibilityFacts {
  const read = new Map(recorded.data.decision.inputs.map((i) => [i.streamId, i.version]));
  const asOf = <T extends { streamId: string; version: number }>(xs: readonly T[]) =>
    xs.filter((x) => (read.get(x.streamId) ?? -1) >= x.version);
  return {
    reviews: asOf(everything.reviews),
    assessments: asOf(everything.assessments),
    massEvaluations: asOf(everything.massEvaluations),
  };
}
const checkOf = (events: NominationEvent[]) =>
  events.find((e): e is EligibilityCheckedEvent => e.type === 'commendation.EligibilityChecked')!;

describe('replaying recorded nomination decisions', () => {
  const recordedUnderV1 = historyOf(submit({ programme: launchedUnderV1, eligibility: steadyMemberFacts }));
  const recordedCheck = checkOf(recordedUnderV1);

  it('records the check of a member qualified every year under version 1 as eligible', () =>
    expect(recordedCheck.data).toMatchObject({
      eligible: true,
      results: [{ policy: { id: 'commendation.eligibility.review-grade', version: 1 }, passed: true }, { passed: true }],
    }));

  it('after version 2 ships, a programme held to the current policies refuses the same member on the same facts', () => {
    expect(CURRENT_ELIGIBILITY_POLICIES).toContainEqual({ id: 'commendation.eligibility.review-grade', version: 2 });
    const now = nominationDecider.decide(
      submit({ programme: programmeFacts({ eligibilityPolicies: CURRENT_ELIGIBILITY_POLICIES }), eligibility: steadyMemberFacts }),
      nominationDecider.initialState(),
    );
    expect(checkOf(now).data).toMatchObject({
      eligible: false,
      decision: { rule: { id: 'commendation.eligibility.review-grade', version: 2 } },
    });
  });

  it('replays the version-1 check with version 1 after version 2 shipped: same verdicts, same inputs', () => {
    // A later grade arrives after the check (version 6 of the 2012 review): not among the recorded inputs, so not replayed.
    const later: EligibilityFacts = {
      ...steadyMemberFacts,
      reviews: [...steadyMemberFacts.reviews, { year: 2013, grade: 'unqualified', streamId: 'review-x-2013', version: 1 }],
    };
    const replayed = replayEligibility(recordedCheck.data, launchedUnderV1.years, factsAsOf(recordedCheck, later));
    expect(replayed).toEqual({ eligible: recordedCheck.data.eligible, results: recordedCheck.data.results });
  });

  it('replays a refusal under version 2 as the same refusal', () => {
    const refused = checkOf(historyOf(submit({ eligibility: steadyMemberFacts })));
    expect(replayEligibility(refused.data, programmeFacts().years, factsAsOf(refused, steadyMemberFacts))).toEqual({
      eligible: false,
      results: refused.data.results,
    });
  });

  it('would expose an altered input: the same check on other facts gives another verdict', () => {
    const altered: EligibilityFacts = {
      ...goodMemberFacts,
      massEvaluations: [{ ...goodMemberFacts.massEvaluations[0]!, satisfactionPermille: 500 }],
    };
    expect(replayEligibility(checkOf(historyOf(submit())).data, programmeFacts().years, altered).eligible).toBe(false);
  });

  it('replays a decision: the nomination folded to its recorded version, with the recorded facts, gives the recorded event', () => {
    const history = historyOf(submit(), endorse(), countyEndorses, decideIt());
    const recorded = history.at(-1)!;
    if (recorded.type !== 'commendation.CommendationDecided') throw new Error('expected a decision');
    const upTo = recorded.data.decision.inputs[0]!.version;
    spec
      .given(history.slice(0, upTo))
      .when(decideIt({ decidedBy: recorded.data.decision.decidedBy, today: recorded.data.decidedOn }))
      .then([recorded]);
  });

  it('replays a withdrawal on the objection outcome it recorded', () => {
    const history = historyOf(submit(), endorse(), countyEndorses, withdraw());
    const recorded = history.at(-1)!;
    expect(fold(nominationDecider, history).status).toBe('withdrawn');
    spec.given(history.slice(0, 4)).when(withdraw()).then([recorded]);
  });
});
