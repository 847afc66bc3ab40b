import { fold, RuleVersionUnknownError } from '@vanguard/kernel';
import { specificationFor } from '@vanguard/kernel/testing';
import {
  COUNTY,
  countyOrganizer,
  deeds,
  goodMemberFacts,
  NOMINATION_ID,
  OTHER_TOWNSHIP,
  PROGRAMME_ID,
  programmeFacts,
  steadyMemberFacts,
  systemSweep,
  TOWNSHIP,
  townshipReviewer,
  villageSecretary,
} from '../__fixtures__/commendation.fixtures';
import {
  atCounty,
  countyEndorses,
  endorse,
  historyOf,
  NOMINATION_STREAM,
  reject,
  returnIt,
  submit,
  submitted,
} from '../__fixtures__/nomination.fixtures';
import type { NominationCommand } from './nomination.commands';
import { nominationDecider } from './nomination.decide';
import {
  DecisionGivesItsReasonRule,
  DecisionGivesItsReasonRuleV1,
  NominationAwaitsReviewRule,
  NominationIsAmendedByItsNominatorRule,
  NomineeIsEligibleRule,
  OnlyAReturnedNominationIsAmendedRule,
  OverdueIsNotedOnceRule,
  QuotaIsNotExceededRule,
  ReviewIsByTheLevelItWaitsOnRule,
  ReviewIsPastItsDeadlineRule,
} from './nomination.rules';
import { overdueStep } from './nomination.state';

const spec = specificationFor(nominationDecider);
const amend = (eligibility = goodMemberFacts, decidedBy = villageSecretary): NominationCommand => ({
  type: 'AmendNomination',
  data: {
    decidedBy,
    deeds: { ...deeds, summary: '硬化道路 2.5 公里，兑现承诺 12 项，帮扶 46 户' },
    programme: programmeFacts(),
    eligibility,
  },
});
const overdue = (today: string): NominationCommand => ({ type: 'NoteReviewOverdue', data: { today } });
const recheck = (eligibility = steadyMemberFacts): NominationCommand => ({
  type: 'CheckEligibility',
  data: { programme: programmeFacts(), eligibility, decidedBy: systemSweep, reason: '评议结果更新' },
});

describe('nominationDecider: review chain (层层推荐)', () => {
  it('is endorsed by the township first, within its places, recording the nomination and programme versions read', () =>
    spec
      .given(submitted())
      .when(endorse())
      .thenMatches((e) =>
        expect(e).toEqual([
          {
            type: 'commendation.NominationEndorsed',
            data: {
              nominationId: NOMINATION_ID,
              programmeId: PROGRAMME_ID,
              step: { orgId: TOWNSHIP, level: 'township', dueOn: '2012-05-20' },
              shortlisted: false,
              late: false,
              endorsedOn: '2012-05-15',
              quota: { unitOrgId: TOWNSHIP, places: 3, usedBefore: 0 },
              decision: {
                decidedBy: townshipReviewer,
                inputs: [
                  { streamId: NOMINATION_STREAM, version: 2 },
                  { streamId: `award-programme-${PROGRAMME_ID}`, version: 3 },
                ],
                rule: { id: 'commendation.nomination.within-quota', version: 1 },
                checks: [
                  'commendation.nomination.awaits-review',
                  'commendation.nomination.next-level-reviews',
                  'commendation.nomination.eligible',
                ].map((id) => ({ id, version: 1 })),
                reason: '同意推荐',
              },
            },
          },
        ]),
      ));
  it('is shortlisted when the awarding body endorses it last', () =>
    spec
      .given(atCounty())
      .when(countyEndorses)
      .thenMatches((e) => expect(e[0]!.data).toMatchObject({ step: { orgId: COUNTY }, shortlisted: true })));
  it('skips no level: the county cannot endorse before the township', () =>
    spec.given(submitted()).when(countyEndorses).thenRefuses(ReviewIsByTheLevelItWaitsOnRule));
  it('is reviewed by its own township, not another', () =>
    spec
      .given(submitted())
      .when(endorse({ ...townshipReviewer, orgId: OTHER_TOWNSHIP }))
      .thenRefuses(ReviewIsByTheLevelItWaitsOnRule));
  it('is reviewed in a reviewing role', () =>
    spec
      .given(submitted())
      .when(endorse({ ...townshipReviewer, role: 'branch_secretary' }))
      .thenRefuses(ReviewIsByTheLevelItWaitsOnRule));
  it('is not endorsed by a level whose places are used up', () =>
    spec
      .given(submitted())
      .when(endorse(townshipReviewer, '2012-05-15', { places: 2, used: 2 }))
      .thenRefuses(QuotaIsNotExceededRule));
  it('enforces the places again at the awarding level', () =>
    spec
      .given(atCounty())
      .when(endorse(countyOrganizer, '2012-05-28', { places: 3, used: 3 }))
      .thenRefuses(QuotaIsNotExceededRule));
  it('marks an endorsement after the level’s deadline as late', () =>
    spec
      .given(submitted())
      .when(endorse(townshipReviewer, '2012-05-21'))
      .thenMatches((e) => expect(e[0]!.data).toMatchObject({ late: true })));
  it('is not endorsed after the latest check found the nominee ineligible', () =>
    spec.given(historyOf(submit(), recheck())).when(endorse()).thenRefuses(NomineeIsEligibleRule));

  it('is returned for amendment with a reason, and reviewed again from the first level once amended', () => {
    const history = historyOf(submit(), endorse(), returnIt(countyOrganizer, '请补充群众评议情况'));
    expect(history.at(-1)).toMatchObject({ type: 'commendation.NominationReturned', data: { step: { orgId: COUNTY } } });
    spec
      .given(history)
      .when(amend())
      .thenMatches((e) => expect(e.map((x) => x.type)).toEqual(['commendation.EligibilityChecked', 'commendation.NominationAmended']));
    spec
      .given(historyOf(submit(), endorse(), returnIt(countyOrganizer), amend()))
      .when(countyEndorses)
      .thenRefuses(ReviewIsByTheLevelItWaitsOnRule);
    spec
      .given(historyOf(submit(), endorse(), returnIt(countyOrganizer), amend()))
      .when(endorse())
      .thenMatches((e) => expect(e[0]!.data).toMatchObject({ step: { orgId: TOWNSHIP } }));
  });
  it('is not returned without a reason', () =>
    spec.given(submitted()).when(returnIt(townshipReviewer, ' ')).thenRefuses(DecisionGivesItsReasonRule));
  it('is amended only by its nominator', () =>
    spec
      .given(historyOf(submit(), returnIt()))
      .when(amend(goodMemberFacts, townshipReviewer))
      .thenRefuses(NominationIsAmendedByItsNominatorRule));
  it('is amended only when returned', () => spec.given(submitted()).when(amend()).thenRefuses(OnlyAReturnedNominationIsAmendedRule));
  it('records a failed check on amendment and stays returned', () => {
    const history = historyOf(submit(), returnIt(), amend(steadyMemberFacts));
    expect(history.at(-1)).toMatchObject({ type: 'commendation.EligibilityChecked', data: { eligible: false } });
    expect(fold(nominationDecider, history).status).toBe('returned');
  });

  it('is rejected with a reason and goes no further', () => {
    spec
      .given(submitted())
      .when(reject())
      .thenMatches((e) =>
        expect(e[0]).toMatchObject({ type: 'commendation.NominationRejected', data: { decision: { reason: '群众反映有分歧' } } }),
      );
    spec.given(historyOf(submit(), reject())).when(endorse()).thenRefuses(NominationAwaitsReviewRule);
  });
  it('is not rejected without a reason', () =>
    spec.given(submitted()).when(reject(townshipReviewer, '')).thenRefuses(DecisionGivesItsReasonRule));

  describe('a reason that shows nothing (reason-given v2, ADR 0127)', () => {
    const REASON_GIVEN = 'commendation.nomination.reason-given';
    /** A return or a rejection whose decision runs reason-given at `version` (a replay's choice). */
    const under = (type: 'ReturnNomination' | 'RejectNomination', version: number, reason: string): NominationCommand => ({
      type,
      data: { decidedBy: townshipReviewer, reason, ruleVersions: { [REASON_GIVEN]: version } },
    });
    const invisible: [string, string][] = [
      ['a zero-width space', '\u200b'],
      ['a BOM and a word joiner', '\ufeff\u2060'],
      ['a soft hyphen between spaces', ' \u00ad\u3000'],
      ['Braille and Hangul blanks', '\u2800\u3164'],
    ];
    it.each(invisible)('refuses a return and a rejection whose reason is %s', (_, reason) => {
      spec.given(submitted()).when(returnIt(townshipReviewer, reason)).thenRefuses(DecisionGivesItsReasonRule);
      spec.given(submitted()).when(reject(townshipReviewer, reason)).thenRefuses(DecisionGivesItsReasonRule);
    });
    it('records reason-given at version 2 among a return’s checks', () =>
      spec
        .given(submitted())
        .when(returnIt())
        .thenMatches((e) =>
          expect(e[0]).toMatchObject({
            data: {
              decision: {
                checks: [
                  { id: 'commendation.nomination.awaits-review', version: 1 },
                  { id: REASON_GIVEN, version: 2 },
                  { id: 'commendation.decision.no-personal-numbers', version: 1 },
                ],
              },
            },
          }),
        ));
    it('runs version 1 when a replay names it: a zero-width space was a reason then, and is recorded as one', () => {
      for (const type of ['ReturnNomination', 'RejectNomination'] as const)
        spec
          .given(submitted())
          .when(under(type, 1, '\u200b'))
          .thenMatches((e) =>
            expect(e[0]).toMatchObject({
              data: { decision: { reason: '\u200b', checks: expect.arrayContaining([{ id: REASON_GIVEN, version: 1 }]) } },
            }),
          );
      spec
        .given(submitted())
        .when(under('ReturnNomination', 1, ' '))
        .thenRefuses(DecisionGivesItsReasonRuleV1);
      spec
        .given(submitted())
        .when(under('ReturnNomination', 2, '\u200b'))
        .thenRefuses(DecisionGivesItsReasonRule);
    });
    it('throws for a version this code lacks, rather than judging by another', () =>
      expect(() =>
        nominationDecider.decide(under('ReturnNomination', 3, '事迹材料不够具体'), fold(nominationDecider, submitted())),
      ).toThrow(RuleVersionUnknownError));
  });

  describe('deadlines (逾期)', () => {
    it('notes the township overdue the day after its deadline', () =>
      spec
        .given(submitted())
        .when(overdue('2012-05-21'))
        .thenMatches((e) =>
          expect(e).toEqual([
            {
              type: 'commendation.NominationReviewOverdue',
              data: {
                nominationId: NOMINATION_ID,
                programmeId: PROGRAMME_ID,
                step: { orgId: TOWNSHIP, level: 'township', dueOn: '2012-05-20' },
                notedOn: '2012-05-21',
              },
            },
          ]),
        ));
    it('is not overdue on the deadline itself', () =>
      spec.given(submitted()).when(overdue('2012-05-20')).thenRefuses(ReviewIsPastItsDeadlineRule));
    it('notes a level overdue once', () =>
      spec
        .given(historyOf(submit(), overdue('2012-05-21')))
        .when(overdue('2012-05-22'))
        .thenRefuses(OverdueIsNotedOnceRule));
    it('notes the next level on its own deadline', () =>
      spec
        .given(historyOf(submit(), overdue('2012-05-21'), endorse(townshipReviewer, '2012-05-22')))
        .when(overdue('2012-06-01'))
        .thenMatches((e) => expect(e[0]!.data).toMatchObject({ step: { orgId: COUNTY } })));
    it('lists the awaited step as overdue when read, without anything noted', () => {
      const state = fold(nominationDecider, submitted());
      expect([overdueStep(state, '2012-05-20'), overdueStep(state, '2012-05-21')?.orgId]).toEqual([null, TOWNSHIP]);
    });
  });
});
