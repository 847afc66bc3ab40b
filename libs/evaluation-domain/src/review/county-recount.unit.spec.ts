import { specificationFor } from '@vanguard/kernel/testing';
import { pathInputs, type OrgPath } from '../org-path';
import type { ReviewCommand } from './review.commands';
import { reviewDecider } from './review.decide';
import type { ReviewEvent } from './review.events';
import {
  BallotsFollowTheSelfAssessmentRule,
  CountyTallyIsNotOlderRule,
  CountyTallyReplacesBeforeConclusionRule,
  GradeIsBorneOutByTheBallotsRule,
} from './review.rules';

// county.DemocraticReviewTallied promises "a later tally for the same member and year replaces an
// earlier one": a county system's count (heldOn set) replaces the tally in force until the branch
// concludes, and says whom it came from.
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
const MEMBER = '01930000-0000-7000-8000-0000000000a1';
const STREAM = `review-${MEMBER}-2011`;
const secretary = { sub: 'village.secretary', role: 'branch_secretary', orgId: VILLAGE };
const countySystem = { sub: 'service-account-county-songling', role: 'county_system', orgId: VILLAGE };
const reviewer = { sub: 'city.reviewer', role: 'reviewer', orgId: TOWNSHIP };

const submitted: ReviewEvent = {
  type: 'evaluation.SelfAssessmentSubmitted',
  data: {
    memberId: MEMBER,
    orgId: VILLAGE,
    year: 2011,
    submittedOn: '2011-12-10',
    selfAssessment: '带头',
    partySpiritAnalysis: '加强学习',
  },
};
const first = { excellent: 14, qualified: 8, basicallyQualified: 1, unqualified: 0 };
const second = { excellent: 9, qualified: 13, basicallyQualified: 1, unqualified: 0 };
const platformTallied: ReviewEvent = {
  type: 'evaluation.PeerBallotsTallied',
  data: { memberId: MEMBER, year: 2011, tally: first, activeMembers: 30 },
};
const countyTally = (heldOn: string, tally = second): ReviewCommand => ({
  type: 'TallyPeerBallots',
  data: { memberId: MEMBER, year: 2011, tally, activeMembers: 30, decidedBy: countySystem, memberOrgPath: PATH, heldOn },
});
const ref = (id: string, version = 1) => ({ id: `evaluation.review.${id}`, version });
const countyTallied = (heldOn: string, tally = first): ReviewEvent => ({
  type: 'evaluation.PeerBallotsTallied',
  data: {
    memberId: MEMBER,
    year: 2011,
    tally,
    activeMembers: 30,
    heldOn,
    decision: {
      decidedBy: countySystem,
      inputs: [{ streamId: STREAM, version: 1 }, ...pathInputs(PATH)],
      rule: ref('ballots-after-self-assessment'),
      checks: [ref('branch-concludes', 2), ref('tally-has-ballots'), ref('ballots-within-branch')],
      reason: `县级系统 ${heldOn} 计票 / counted by the county system on ${heldOn}`,
    },
  },
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
      rule: ref('grade-borne-out'),
      checks: [ref('branch-concludes', 2)],
      reason: '过半',
    },
  },
};
const approvalDecision = {
  decidedBy: reviewer,
  inputs: [{ streamId: STREAM, version: 3 }, ...pathInputs(PATH)],
  rule: ref('approved-above', 2),
  checks: [ref('concluder-does-not-approve')],
  reason: '理由不充分',
};
const returned: ReviewEvent = { type: 'evaluation.ReviewReturned', data: { memberId: MEMBER, year: 2011, decision: approvalDecision } };
const approved: ReviewEvent = {
  type: 'evaluation.ReviewApproved',
  data: { memberId: MEMBER, year: 2011, grade: 'excellent', decision: { ...approvalDecision, reason: '同意' } },
};
const spec = specificationFor(reviewDecider);

describe('reviewDecider: a county system’s count of the peer ballots', () => {
  it('is counted after the self-assessment, recorded with its day and who sent it', () =>
    spec
      .given([submitted])
      .when(countyTally('2011-12-12', first))
      .then([countyTallied('2011-12-12')]));

  it('is not counted before the self-assessment', () =>
    spec.given([]).when(countyTally('2011-12-12')).thenRefuses(BallotsFollowTheSelfAssessmentRule));

  it('replaces an earlier county count before the conclusion, naming the tally it replaces and the rules run', () =>
    spec
      .given([submitted, countyTallied('2011-12-12')])
      .when(countyTally('2011-12-15'))
      .then([
        {
          type: 'evaluation.PeerBallotsTallied',
          data: {
            memberId: MEMBER,
            year: 2011,
            tally: second,
            activeMembers: 30,
            heldOn: '2011-12-15',
            replaces: { version: 2, heldOn: '2011-12-12', tally: first },
            decision: {
              decidedBy: countySystem,
              inputs: [{ streamId: STREAM, version: 2 }, ...pathInputs(PATH)],
              rule: ref('county-tally-replaces-before-conclusion'),
              checks: [ref('county-tally-not-older'), ref('branch-concludes', 2), ref('tally-has-ballots'), ref('ballots-within-branch')],
              reason: `县级系统 2011-12-15 的计票替换第 2 版的计票 / the county's count of 2011-12-15 replaces the tally of version 2`,
            },
          },
        },
      ]));

  it('replaces a count held the same day (a correction)', () =>
    spec
      .given([submitted, countyTallied('2011-12-12')])
      .when(countyTally('2011-12-12'))
      .thenMatches((e) => expect(e[0]).toMatchObject({ data: { tally: second, replaces: { version: 2, heldOn: '2011-12-12' } } })));

  it('replaces the platform’s own count (which has no day)', () =>
    spec
      .given([submitted, platformTallied])
      .when(countyTally('2011-12-15'))
      .thenMatches((e) => expect(e[0]).toMatchObject({ data: { tally: second, replaces: { version: 2, tally: first } } })));

  it('refuses a count held before the county count in force', () =>
    spec
      .given([submitted, countyTallied('2011-12-15')])
      .when(countyTally('2011-12-12'))
      .thenRefuses(CountyTallyIsNotOlderRule));

  it('refuses "excellent" once a recount took away the majority', () =>
    spec
      .given([submitted, countyTallied('2011-12-12'), countyTallied('2011-12-15', second)])
      .when({ type: 'ConcludeReview', data: { grade: 'excellent', decidedBy: secretary, memberOrgPath: PATH, reason: '过半' } })
      .thenRefuses(GradeIsBorneOutByTheBallotsRule));

  it('is refused once the branch has concluded, naming the rule', () =>
    spec
      .given([submitted, countyTallied('2011-12-12'), concluded])
      .when(countyTally('2011-12-15'))
      .thenRefuses(CountyTallyReplacesBeforeConclusionRule));

  it('is refused once the conclusion is approved', () =>
    spec
      .given([submitted, countyTallied('2011-12-12'), concluded, approved])
      .when(countyTally('2011-12-15'))
      .thenRefuses(CountyTallyReplacesBeforeConclusionRule));

  it('replaces the tally again once the level above returned the conclusion', () =>
    spec
      .given([submitted, countyTallied('2011-12-12'), concluded, returned])
      .when(countyTally('2011-12-15'))
      .thenMatches((e) => expect(e[0]).toMatchObject({ data: { replaces: { version: 2 } } })));

  it('leaves the platform’s own second count refused: only a county count replaces', () =>
    spec
      .given([submitted, platformTallied])
      .when({
        type: 'TallyPeerBallots',
        data: { memberId: MEMBER, year: 2011, tally: second, activeMembers: 30, decidedBy: secretary, memberOrgPath: PATH },
      })
      .thenRefuses(BallotsFollowTheSelfAssessmentRule));
});
