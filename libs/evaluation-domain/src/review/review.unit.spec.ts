import { specificationFor } from '@vanguard/kernel/testing';
import type { ReviewCommand } from './review.commands';
import { reviewDecider } from './review.decide';
import type { ReviewEvent } from './review.events';
import {
  BallotsFollowTheSelfAssessmentRule,
  BranchConcludesForItsMembersRule,
  ConclusionFollowsTheBallotsRule,
  ConclusionIsApprovedAboveRule,
  GradeIsBorneOutByTheBallotsRule,
  OnlyAConclusionIsApprovedRule,
  ReturnGivesAReasonRule,
  SelfAssessmentComesFirstRule,
} from './review.rules';

const PROVINCE = '00000000-0000-4000-8000-000000000091';
const COUNTY = '00000000-0000-4000-8000-000000910425';
const TOWNSHIP = '00000000-0000-4000-8000-000910425101';
const VILLAGE = '00000000-0000-4000-8000-910425101201';
const PATH = [PROVINCE, COUNTY, TOWNSHIP, VILLAGE];
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
const tallied: ReviewEvent = { type: 'evaluation.PeerBallotsTallied', data: { memberId: MEMBER, year: 2011, tally } };
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
      inputs: [{ streamId: STREAM, version: 2 }],
      rule: { id: 'evaluation.review.grade-borne-out', version: 1 },
      reason: '测评优秀票过半',
    },
  },
};
const spec = specificationFor(reviewDecider);

describe('reviewDecider', () => {
  it('starts with the self-assessment and party-spirit analysis', () =>
    spec.given([]).when({ type: 'SubmitSelfAssessment', data: submitted.data }).then([submitted]));
  it('takes one self-assessment a year', () =>
    spec.given([submitted]).when({ type: 'SubmitSelfAssessment', data: submitted.data }).thenRefuses(SelfAssessmentComesFirstRule));
  it('counts the peer ballots after it', () =>
    spec
      .given([submitted])
      .when({ type: 'TallyPeerBallots', data: { ...tallied.data, decidedBy: secretary, memberOrgPath: PATH } })
      .then([tallied]));
  it('counts no ballots before the self-assessment', () =>
    spec
      .given([])
      .when({ type: 'TallyPeerBallots', data: { ...tallied.data, decidedBy: secretary, memberOrgPath: PATH } })
      .thenRefuses(BallotsFollowTheSelfAssessmentRule));
  it('concludes "excellent" when most ballots say so, recording the review version read', () =>
    spec.given([submitted, tallied]).when(conclude('excellent', '测评优秀票过半')).then([concluded]));
  it('records the evidence pack it read (streams at their versions) after the review itself', () => {
    const evidence = [
      { streamId: 'pledge-01930000-0000-7000-8000-0000000000c1', version: 6 },
      { streamId: 'pledge-01930000-0000-7000-8000-0000000000c2', version: 5 },
    ];
    spec
      .given([submitted, tallied])
      .when({ type: 'ConcludeReview', data: { grade: 'excellent', decidedBy: secretary, memberOrgPath: PATH, reason: '过半', evidence } })
      .thenMatches((e) => expect(e[0]).toMatchObject({ data: { decision: { inputs: [{ streamId: STREAM, version: 2 }, ...evidence] } } }));
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
  it('concludes after the ballots only', () =>
    spec.given([submitted]).when(conclude('qualified')).thenRefuses(ConclusionFollowsTheBallotsRule));

  it('is approved by a reviewer above the branch, and the grade stands', () =>
    spec
      .given([submitted, tallied, concluded])
      .when({ type: 'ApproveReview', data: { decidedBy: reviewer, memberOrgPath: PATH, reason: '同意' } })
      .thenMatches((e) =>
        expect(e[0]).toMatchObject({
          type: 'evaluation.ReviewApproved',
          data: { grade: 'excellent', decision: { inputs: [{ streamId: STREAM, version: 3 }] } },
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
          inputs: [{ streamId: STREAM, version: 3 }],
          rule: { id: 'evaluation.review.approved-above', version: 1 },
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
});
