import { specificationFor } from '@vanguard/kernel/testing';
import { idsOf, pathInputs, type OrgPath } from '../org-path';
import { PeriodHasBegunRule } from '../period-begun.rule';
import { RuleVersionUnknownError } from '@vanguard/kernel';
import type { ReviewCommand } from './review.commands';
import { reviewDecider } from './review.decide';
import type { ReviewEvent } from './review.events';
import {
  BallotsDoNotOutnumberTheBranchRule,
  BallotsFollowTheSelfAssessmentRule,
  BranchConcludesForItsMembersRule,
  BranchOrAboveConcludesRuleV1,
  ConcluderDoesNotApproveRule,
  ConclusionFollowsTheBallotsRule,
  ConclusionIsApprovedAboveRule,
  ConclusionIsApprovedAboveRuleV1,
  CriteriaWithinTheBallotsRule,
  GradeIsBorneOutByTheBallotsRule,
  OnlyAConclusionIsApprovedRule,
  ReturnGivesAReasonRule,
  SelfAssessmentComesFirstRule,
} from './review.rules';

const PROVINCE = '00000000-0000-4000-8000-000000000091';
const COUNTY = '00000000-0000-4000-8000-000000910425';
const TOWNSHIP = '00000000-0000-4000-8000-000910425101';
const VILLAGE = '00000000-0000-4000-8000-910425101201';
const PATH: OrgPath = [
  { orgId: PROVINCE, version: 1 },
  { orgId: COUNTY, version: 2 },
  { orgId: TOWNSHIP, version: 2 },
  { orgId: VILLAGE, version: 7 },
];
const IDS = idsOf(PATH);
const MEMBER = '01930000-0000-7000-8000-0000000000a1';
const secretary = { sub: 'village.secretary', role: 'branch_secretary', orgId: VILLAGE };
const reviewer = { sub: 'city.reviewer', role: 'reviewer', orgId: TOWNSHIP };
const STREAM = `review-${MEMBER}-2011`;

const submitted: ReviewEvent = {
  type: 'evaluation.SelfAssessmentSubmitted',
  data: {
    memberId: MEMBER,
    orgId: VILLAGE,
    year: 2011,
    submittedOn: '2011-12-10',
    selfAssessment: '全年带头完成承诺事项',
    partySpiritAnalysis: '理论学习还需加强',
  },
};
const tally = { excellent: 14, qualified: 8, basicallyQualified: 1, unqualified: 0 };
const tallied: ReviewEvent = { type: 'evaluation.PeerBallotsTallied', data: { memberId: MEMBER, year: 2011, tally, activeMembers: 30 } };
const conclude = (
  grade: 'excellent' | 'qualified' | 'basically_qualified' | 'unqualified',
  reason = '',
  decidedBy = secretary,
): ReviewCommand => ({
  type: 'ConcludeReview',
  data: { grade, decidedBy, memberOrgPath: PATH, reason },
});
const concluded: ReviewEvent = {
  type: 'evaluation.ReviewConcluded',
  data: {
    memberId: MEMBER,
    year: 2011,
    grade: 'excellent',
    decision: {
      decidedBy: secretary,
      inputs: [{ streamId: STREAM, version: 2 }, ...pathInputs(PATH)],
      rule: { id: 'evaluation.review.grade-borne-out', version: 2 },
      checks: [{ id: 'evaluation.review.branch-concludes', version: 2 }],
      reason: '测评优秀票过半',
    },
  },
};
const spec = specificationFor(reviewDecider);

describe('reviewDecider', () => {
  it('starts with the self-assessment and party-spirit analysis', () =>
    spec.given([]).when({ type: 'SubmitSelfAssessment', data: submitted.data }).then([submitted]));
  it('refuses a self-assessment for a year that has not begun, so no review of it can follow', () =>
    spec
      .given([])
      .when({ type: 'SubmitSelfAssessment', data: { ...submitted.data, year: 2099, submittedOn: '2026-12-05' } })
      .thenRefuses(PeriodHasBegunRule));
  it('takes one self-assessment a year', () =>
    spec.given([submitted]).when({ type: 'SubmitSelfAssessment', data: submitted.data }).thenRefuses(SelfAssessmentComesFirstRule));
  it('counts the peer ballots after it', () =>
    spec
      .given([submitted])
      .when({ type: 'TallyPeerBallots', data: { ...tallied.data, activeMembers: 30, decidedBy: secretary, memberOrgPath: PATH } })
      .then([tallied]));
  it('counts as many ballots as the branch has active members, recording that number', () =>
    spec
      .given([submitted])
      .when({ type: 'TallyPeerBallots', data: { ...tallied.data, activeMembers: 23, decidedBy: secretary, memberOrgPath: PATH } })
      .then([{ ...tallied, data: { ...tallied.data, activeMembers: 23 } }]));
  it('refuses more ballots than the branch has active members', () =>
    spec
      .given([submitted])
      .when({ type: 'TallyPeerBallots', data: { ...tallied.data, activeMembers: 22, decidedBy: secretary, memberOrgPath: PATH } })
      .thenRefuses(BallotsDoNotOutnumberTheBranchRule));
  describe('the ballots on the five models (五个模范)', () => {
    // 23 ballots cast (14 + 8 + 1): a model may be left blank on some of them.
    const criteria = {
      learning: { met: 20, partlyMet: 3, notMet: 0 },
      policy: { met: 22, partlyMet: 1, notMet: 0 },
      service: { met: 18, partlyMet: 4, notMet: 1 },
      dedication: { met: 21, partlyMet: 1, notMet: 0 },
      discipline: { met: 23, partlyMet: 0, notMet: 0 },
    };
    const tallying = (c: typeof criteria): ReviewCommand => ({
      type: 'TallyPeerBallots',
      data: { ...tallied.data, criteria: c, activeMembers: 30, decidedBy: secretary, memberOrgPath: PATH },
    });
    it('are recorded with the grades', () =>
      spec
        .given([submitted])
        .when(tallying(criteria))
        .then([{ ...tallied, data: { ...tallied.data, criteria, activeMembers: 30 } }]));
    it('refuses a model judged on more ballots than were cast', () =>
      spec
        .given([submitted])
        .when(tallying({ ...criteria, service: { met: 18, partlyMet: 5, notMet: 1 } }))
        .thenRefuses(CriteriaWithinTheBallotsRule));
  });
  it('counts no ballots before the self-assessment', () =>
    spec
      .given([])
      .when({ type: 'TallyPeerBallots', data: { ...tallied.data, activeMembers: 30, decidedBy: secretary, memberOrgPath: PATH } })
      .thenRefuses(BallotsFollowTheSelfAssessmentRule));
  it('concludes "excellent" when most ballots say so, recording the review version, the branch path read and the rules run', () =>
    spec.given([submitted, tallied]).when(conclude('excellent', '测评优秀票过半')).then([concluded]));
  it('records the evidence pack it read (streams at their versions) after the review itself', () => {
    const evidence = [
      { streamId: 'pledge-01930000-0000-7000-8000-0000000000c1', version: 6 },
      { streamId: 'pledge-01930000-0000-7000-8000-0000000000c2', version: 5 },
    ];
    spec
      .given([submitted, tallied])
      .when({ type: 'ConcludeReview', data: { grade: 'excellent', decidedBy: secretary, memberOrgPath: PATH, reason: '过半', evidence } })
      .thenMatches((e) =>
        expect(e[0]).toMatchObject({
          data: { decision: { inputs: [{ streamId: STREAM, version: 2 }, ...evidence, ...pathInputs(PATH)] } },
        }),
      );
  });
  it('refuses "excellent" without a majority of excellent ballots', () =>
    spec
      .given([submitted, { ...tallied, data: { ...tallied.data, tally: { ...tally, excellent: 9 } } }])
      .when(conclude('excellent', 'x'))
      .thenRefuses(GradeIsBorneOutByTheBallotsRule));
  it.each(['basically_qualified', 'unqualified'] as const)('refuses "%s" without a reason', (grade) =>
    spec.given([submitted, tallied]).when(conclude(grade)).thenRefuses(GradeIsBorneOutByTheBallotsRule),
  );
  it('is concluded by the member’s branch, not another', () =>
    spec
      .given([submitted, tallied])
      .when(conclude('qualified', '', { ...secretary, orgId: '00000000-0000-4000-8000-910425101202' }))
      .thenRefuses(BranchConcludesForItsMembersRule));
  it('is not concluded by a level above the member’s branch, even an organiser on the path', () =>
    spec
      .given([submitted, tallied])
      .when(conclude('excellent', '过半', { sub: 'county.organizer', role: 'organizer', orgId: COUNTY }))
      .thenRefuses(BranchConcludesForItsMembersRule));
  it('counts no ballots for a level above the member’s branch', () =>
    spec
      .given([submitted])
      .when({
        type: 'TallyPeerBallots',
        data: { ...tallied.data, activeMembers: 30, decidedBy: { ...secretary, orgId: TOWNSHIP }, memberOrgPath: PATH },
      })
      .thenRefuses(BranchConcludesForItsMembersRule));
  it('keeps version 1 of the branch rule (any level on the path) so conclusions taken under it replay', () => {
    const township = { sub: 'township.secretary', role: 'branch_secretary', orgId: TOWNSHIP };
    expect(new BranchOrAboveConcludesRuleV1(township, IDS).isBroken()).toBe(false);
    expect(new BranchConcludesForItsMembersRule(township, IDS).isBroken()).toBe(true);
    expect([new BranchOrAboveConcludesRuleV1(township, IDS).version, new BranchConcludesForItsMembersRule(township, IDS).version]).toEqual([
      1, 2,
    ]);
  });
  it('concludes after the ballots only', () =>
    spec.given([submitted]).when(conclude('qualified')).thenRefuses(ConclusionFollowsTheBallotsRule));

  it('is approved by a reviewer above the branch, and the grade stands', () =>
    spec
      .given([submitted, tallied, concluded])
      .when({ type: 'ApproveReview', data: { decidedBy: reviewer, memberOrgPath: PATH, reason: '同意' } })
      .thenMatches((e) =>
        expect(e[0]).toMatchObject({
          type: 'evaluation.ReviewApproved',
          data: {
            grade: 'excellent',
            decision: {
              inputs: [{ streamId: STREAM, version: 3 }, ...pathInputs(PATH)],
              checks: [{ id: 'evaluation.review.concluder-does-not-approve', version: 1 }],
            },
          },
        }),
      ));
  it('is not approved by the branch itself', () =>
    spec
      .given([submitted, tallied, concluded])
      .when({ type: 'ApproveReview', data: { decidedBy: { ...reviewer, orgId: VILLAGE }, memberOrgPath: PATH, reason: '' } })
      .thenRefuses(ConclusionIsApprovedAboveRule));
  it('is not approved by an editor above', () =>
    spec
      .given([submitted, tallied, concluded])
      .when({ type: 'ApproveReview', data: { decidedBy: { ...reviewer, role: 'editor' }, memberOrgPath: PATH, reason: '' } })
      .thenRefuses(ConclusionIsApprovedAboveRule));
  it('is not approved by the one who concluded, even from a level above', () =>
    spec
      .given([
        submitted,
        tallied,
        {
          ...concluded,
          data: { ...concluded.data, decision: { ...concluded.data.decision, decidedBy: { ...secretary, sub: 'one.person' } } },
        },
      ])
      .when({ type: 'ApproveReview', data: { decidedBy: { ...reviewer, sub: 'one.person' }, memberOrgPath: PATH, reason: '' } })
      .thenRefuses(ConcluderDoesNotApproveRule));
  it('is not returned by the one who concluded either', () =>
    spec
      .given([
        submitted,
        tallied,
        {
          ...concluded,
          data: { ...concluded.data, decision: { ...concluded.data.decision, decidedBy: { ...secretary, sub: 'one.person' } } },
        },
      ])
      .when({ type: 'ReturnReview', data: { decidedBy: { ...reviewer, sub: 'one.person' }, memberOrgPath: PATH, reason: '不同意' } })
      .thenRefuses(ConcluderDoesNotApproveRule));
  it('is approved only strictly above the organisation that concluded (a conclusion recorded under version 1 by the township)', () => {
    const byTownship = { sub: 'township.secretary', role: 'organizer', orgId: TOWNSHIP };
    const oldConclusion: ReviewEvent = {
      ...concluded,
      data: { ...concluded.data, decision: { ...concluded.data.decision, decidedBy: byTownship } },
    };
    spec
      .given([submitted, tallied, oldConclusion])
      .when({ type: 'ApproveReview', data: { decidedBy: reviewer, memberOrgPath: PATH, reason: '同意' } })
      .thenRefuses(ConclusionIsApprovedAboveRule);
    spec
      .given([submitted, tallied, oldConclusion])
      .when({ type: 'ApproveReview', data: { decidedBy: { ...reviewer, orgId: COUNTY }, memberOrgPath: PATH, reason: '同意' } })
      .thenMatches((e) =>
        expect(e[0]).toMatchObject({ data: { decision: { rule: { id: 'evaluation.review.approved-above', version: 2 } } } }),
      );
    // An approval recorded under version 1 (the township approving its own level's conclusion) replays with that version.
    expect(new ConclusionIsApprovedAboveRuleV1(reviewer, IDS).isBroken()).toBe(false);
  });
  it('approves only a pending conclusion', () =>
    spec
      .given([submitted, tallied])
      .when({ type: 'ApproveReview', data: { decidedBy: reviewer, memberOrgPath: PATH, reason: '' } })
      .thenRefuses(OnlyAConclusionIsApprovedRule));
  it('is returned with a reason, and the branch concludes again', () => {
    const returned: ReviewEvent = {
      type: 'evaluation.ReviewReturned',
      data: {
        memberId: MEMBER,
        year: 2011,
        decision: {
          decidedBy: reviewer,
          inputs: [{ streamId: STREAM, version: 3 }, ...pathInputs(PATH)],
          rule: { id: 'evaluation.review.approved-above', version: 2 },
          checks: [
            { id: 'evaluation.review.concluder-does-not-approve', version: 1 },
            { id: 'evaluation.review.return-reason', version: 2 },
          ],
          reason: '理由不充分',
        },
      },
    };
    spec
      .given([submitted, tallied, concluded])
      .when({ type: 'ReturnReview', data: { decidedBy: reviewer, memberOrgPath: PATH, reason: '理由不充分' } })
      .then([returned]);
    spec
      .given([submitted, tallied, concluded, returned])
      .when(conclude('qualified'))
      .thenMatches((e) => expect(e[0]).toMatchObject({ data: { grade: 'qualified' } }));
  });
  it('is not returned without a reason', () =>
    spec
      .given([submitted, tallied, concluded])
      .when({ type: 'ReturnReview', data: { decidedBy: reviewer, memberOrgPath: PATH, reason: ' ' } })
      .thenRefuses(ReturnGivesAReasonRule));

  describe('replaying with the recorded rule versions after version 2 shipped', () => {
    const countyOrganizer = { sub: 'county.organizer', role: 'organizer', orgId: COUNTY };
    it('concludes under branch-concludes version 1 when the replay names it, where version 2 refuses', () =>
      spec
        .given([submitted, tallied])
        .when({
          type: 'ConcludeReview',
          data: {
            grade: 'excellent',
            decidedBy: countyOrganizer,
            memberOrgPath: PATH,
            reason: '过半',
            ruleVersions: { 'evaluation.review.branch-concludes': 1 },
          },
        })
        .thenMatches((e) =>
          expect(e[0]).toMatchObject({ data: { decision: { checks: [{ id: 'evaluation.review.branch-concludes', version: 1 }] } } }),
        ));
    it('approves under approved-above version 1 without the concluder rule, which shipped with version 2', () => {
      const byOnePerson = {
        ...concluded,
        data: { ...concluded.data, decision: { ...concluded.data.decision, decidedBy: { ...secretary, sub: 'one.person' } } },
      };
      spec
        .given([submitted, tallied, byOnePerson])
        .when({
          type: 'ApproveReview',
          data: {
            decidedBy: { ...reviewer, sub: 'one.person' },
            memberOrgPath: PATH,
            reason: '同意',
            ruleVersions: { 'evaluation.review.approved-above': 1 },
          },
        })
        .thenMatches((e) => {
          expect(e[0]).toMatchObject({ data: { decision: { rule: { id: 'evaluation.review.approved-above', version: 1 } } } });
          expect(e[0]).not.toHaveProperty('data.decision.checks');
        });
    });
    it('refuses a version the code does not have rather than run the one in force', () =>
      expect(() =>
        reviewDecider.decide(
          {
            type: 'ApproveReview',
            data: { decidedBy: reviewer, memberOrgPath: PATH, reason: '同意', ruleVersions: { 'evaluation.review.approved-above': 3 } },
          },
          [submitted, tallied, concluded].reduce(reviewDecider.evolve, reviewDecider.initialState()),
        ),
      ).toThrow(RuleVersionUnknownError));
  });
});
