// Test data for the deciders' specs, shaped like seed 003 (a district's 2012 commendation:
// April deployment, decision before 1 July) with synthetic ids. Not exported by the lib.
import type { DecidedBy } from '../decided-by';
import type { EligibilityFacts } from '../eligibility/eligibility.facts';
import type { Nominee, OrgOnPath } from '../nomination/nomination.commands';
import type { ProgrammeFacts } from '../programme/programme.facts';
import type { ProgrammeTimeline } from '../programme/programme.state';

export const PROVINCE = '00000000-0000-4000-8000-000000000032';
export const CITY = '00000000-0000-4000-8000-000000003206';
export const COUNTY = '00000000-0000-4000-8000-000000320612';
export const TOWNSHIP = '00000000-0000-4000-8000-000320612101';
export const OTHER_TOWNSHIP = '00000000-0000-4000-8000-000320612102';
export const VILLAGE = '00000000-0000-4000-8000-320612101201';
export const OTHER_VILLAGE = '00000000-0000-4000-8000-320612102201';

export const PATH_TO_VILLAGE: readonly OrgOnPath[] = [
  { orgId: PROVINCE, level: 'province' },
  { orgId: CITY, level: 'city' },
  { orgId: COUNTY, level: 'county' },
  { orgId: TOWNSHIP, level: 'township' },
  { orgId: VILLAGE, level: 'village' },
];
export const PATH_TO_TOWNSHIP = PATH_TO_VILLAGE.slice(0, 4);
export const ids = (path: readonly OrgOnPath[]): string[] => path.map((o) => o.orgId);

export const PROGRAMME_ID = '01960000-0000-7000-8000-0000000000b1';
export const NOMINATION_ID = '01960000-0000-7000-8000-0000000000c1';
export const OTHER_NOMINATION_ID = '01960000-0000-7000-8000-0000000000c2';
export const MEMBER = '01930000-0000-7000-8000-0000000000a1';
export const OBJECTION_ID = '01960000-0000-7000-8000-0000000000d1';

export const countyOrganizer: DecidedBy = { sub: 'county.organizer', role: 'organizer', orgId: COUNTY };
export const townshipReviewer: DecidedBy = { sub: 'township.reviewer', role: 'reviewer', orgId: TOWNSHIP };
export const villageSecretary: DecidedBy = { sub: 'village.secretary', role: 'branch_secretary', orgId: VILLAGE };
export const townshipSecretary: DecidedBy = { sub: 'township.secretary', role: 'organizer', orgId: TOWNSHIP };
export const countyInspector: DecidedBy = { sub: 'county.inspector', role: 'inspector', orgId: COUNTY };
export const systemSweep: DecidedBy = { sub: 'commendation-service', role: 'service', orgId: COUNTY };

export const TIMELINE: ProgrammeTimeline = {
  nominationOpensOn: '2012-04-10',
  nominationClosesOn: '2012-05-10',
  reviewDeadlines: [
    { level: 'township', dueOn: '2012-05-20' },
    { level: 'county', dueOn: '2012-05-31' },
  ],
  notice: { days: 5, dayKind: 'working' },
  decisionOn: '2012-06-25',
};

export const programmeFacts = (overrides: Partial<ProgrammeFacts> = {}): ProgrammeFacts => ({
  streamId: `award-programme-${PROGRAMME_ID}`,
  version: 3,
  programmeId: PROGRAMME_ID,
  orgId: COUNTY,
  level: 'county',
  categories: ['advanced_organization', 'outstanding_member', 'outstanding_party_worker'],
  years: [2010, 2011, 2012],
  timeline: TIMELINE,
  eligibilityPolicies: [
    { id: 'commendation.eligibility.review-grade', version: 2 },
    { id: 'commendation.eligibility.org-tier', version: 1 },
    { id: 'commendation.eligibility.mass-satisfaction', version: 1 },
  ],
  ...overrides,
});

export const member: Nominee = { kind: 'member', id: MEMBER, name: '王秀英', orgId: VILLAGE, orgName: '城东村党支部' };
export const villageAsNominee: Nominee = {
  kind: 'organization',
  id: VILLAGE,
  name: '城东村党支部',
  orgId: VILLAGE,
  orgName: '城东村党支部',
};

export const deeds = {
  summary: '带领群众硬化村内道路 2.5 公里，兑现承诺 12 项',
  record: '2010 年以来，该同志带头践诺，组织党员志愿服务队 3 支，帮扶困难群众 46 户……',
};

const review = (year: number, grade: 'excellent' | 'qualified' | 'basically_qualified' | 'unqualified', version = 5) => ({
  year,
  grade,
  streamId: `review-${MEMBER}-${year}`,
  version,
});
const massEvaluation = (year: number, satisfactionPermille: number | null) => ({
  year,
  satisfactionPermille,
  streamId: `mass-evaluation-01950000-0000-7000-8000-00000000${year}`,
  version: 4,
});

/** A member who passes every policy, version 2 included. */
export const goodMemberFacts: EligibilityFacts = {
  reviews: [review(2010, 'qualified'), review(2011, 'excellent'), review(2012, 'qualified')],
  assessments: [],
  massEvaluations: [massEvaluation(2011, 962), massEvaluation(2012, 975)],
};
/** Qualified every year, never excellent: eligible under review-grade v1, not under v2. */
export const steadyMemberFacts: EligibilityFacts = {
  ...goodMemberFacts,
  reviews: [review(2010, 'qualified'), review(2011, 'qualified'), review(2012, 'qualified')],
};
export const facts = { review, massEvaluation };

export const advancedVillageFacts: EligibilityFacts = {
  reviews: [],
  assessments: [
    { period: '2011', tier: 'middle', starRating: 3, streamId: `assessment-${VILLAGE}`, version: 2 },
    { period: '2012', tier: 'advanced', starRating: 4, streamId: `assessment-${VILLAGE}`, version: 4 },
  ],
  massEvaluations: [massEvaluation(2012, 931)],
};
