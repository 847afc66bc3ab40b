import { fold, type Decider, type DomainEvent } from '@vanguard/kernel';
import { assessmentDecider } from '../assessment/assessment.decide';
import type { MonthlyRoundRead } from '../assessment/monthly-review-reads';
import { benchmarkDecider } from '../benchmark/benchmark.decide';
import type { CampaignEvent } from '../campaign/campaign.events';
import type { CommentCycleRead } from '../comment/comment.commands';
import { commentDecider } from '../comment/comment.decide';
import { massEvaluationDecider } from '../mass-evaluation/mass-evaluation.decide';
import { massTallyDecider } from '../mass-tally/mass-tally.decide';
import { idsOf, type OrgPath } from '../org-path';
import { pioneerDecider } from '../pioneer/pioneer.decide';
import { pledgeDecider } from '../pledge/pledge.decide';
import { reviewDecider } from '../review/review.decide';
import type { ReplayFacts } from './replay-decision';

/**
 * Decisions of every type, recorded as the evaluation service records them (its deciders run on
 * folded streams), for the replay specs.
 */
// 示范省 › 松岭旗 › 白桦镇 › 红石村, each at the version the tree copy held when it was read.
export const PROVINCE = '00000000-0000-4000-8000-000000000091';
export const COUNTY = '00000000-0000-4000-8000-000000910425';
export const TOWNSHIP = '00000000-0000-4000-8000-000910425101';
export const VILLAGE = '00000000-0000-4000-8000-910425101201';
export const VILLAGE_PATH: OrgPath = [
  { orgId: PROVINCE, version: 1 },
  { orgId: COUNTY, version: 3 },
  { orgId: TOWNSHIP, version: 2 },
  { orgId: VILLAGE, version: 6 },
];
export const TOWNSHIP_PATH = VILLAGE_PATH.slice(0, 3);
export const uuid = (n: number) => `01930000-0000-7000-8000-${String(n).padStart(12, '0')}`;
export const MEMBER = uuid(1);
export const village = { sub: 'village.secretary', role: 'branch_secretary', orgId: VILLAGE };
export const township = { sub: 'township.secretary', role: 'branch_secretary', orgId: TOWNSHIP };
export const county = { sub: 'county.organizer', role: 'organizer', orgId: COUNTY };
export const reviewer = { sub: 'township.reviewer', role: 'reviewer', orgId: TOWNSHIP };
export const tally = { satisfied: 40, basicallySatisfied: 5, dissatisfied: 3 };

/** Runs commands as the service does (fold, decide, append) and returns the stream recorded. */
export function record<C, S, E>(decider: Decider<C, S, E>, commands: readonly C[], history: readonly E[] = []): E[] {
  return commands.reduce<E[]>((h, c) => [...h, ...decider.decide(c, fold(decider, h))], [...history]);
}
export const indexOf = (stream: readonly DomainEvent[], type: string, nth = 0) =>
  stream.flatMap((e, i) => (e.type === type ? [i] : []))[nth]!;

export const pledgeMade = {
  type: 'MakePledge',
  data: {
    pledgeId: uuid(10),
    campaignId: uuid(11),
    cycleId: uuid(12),
    pledger: { kind: 'organization', id: VILLAGE },
    orgId: VILLAGE,
    category: 'deed_for_masses',
    content: '硬化村内道路 2 公里',
    dueOn: '2011-06-20',
    today: '2011-04-10',
    cycle: { streamId: `campaign-${uuid(11)}`, version: 3, open: true, startsOn: '2011-04-01', endsOn: '2011-06-30' },
    follows: null,
  },
} as const;
export const kept = record(pledgeDecider, [
  pledgeMade,
  { type: 'FilePledge', data: { decidedBy: township, pledgerOrgPath: VILLAGE_PATH, reason: '内容具体' } },
  { type: 'PublishPledge', data: {} },
  { type: 'FulfilPledge', data: { decidedBy: township, filerOrgPath: TOWNSHIP_PATH, reason: '已验收' } },
  { type: 'RatePledge', data: { decidedBy: township, tally, filerOrgPath: TOWNSHIP_PATH } },
]);
export const returned = record(pledgeDecider, [
  pledgeMade,
  { type: 'ReturnPledge', data: { decidedBy: county, pledgerOrgPath: VILLAGE_PATH, reason: '事项不具体' } },
]);
export const lapsed = record(pledgeDecider, [
  pledgeMade,
  { type: 'FilePledge', data: { decidedBy: township, pledgerOrgPath: VILLAGE_PATH, reason: '' } },
  { type: 'PublishPledge', data: {} },
  { type: 'LapsePledge', data: { decidedBy: township, filerOrgPath: TOWNSHIP_PATH, reason: '资金未到位' } },
]);

// The county's campaign and its 2011-Q2 cycle, opened: the campaign stream a comment on the cycle reads.
export const CAMPAIGN_STREAM = `campaign-${uuid(11)}`;
export const campaignHistory: CampaignEvent[] = [
  {
    type: 'evaluation.CampaignLaunched',
    data: {
      campaignId: uuid(11),
      orgId: COUNTY,
      name: '松岭旗创先争优活动',
      phases: [
        { phase: 'mobilise', startsOn: '2010-05-01', endsOn: '2010-05-31' },
        { phase: 'compete', startsOn: '2010-06-01', endsOn: '2011-06-30' },
        { phase: 'benchmark_upgrade', startsOn: '2011-07-01', endsOn: '2012-06-30' },
        { phase: 'summarise', startsOn: '2012-07-01', endsOn: '2012-10-31' },
      ],
    },
  },
  {
    type: 'evaluation.CyclePlanned',
    data: {
      campaignId: uuid(11),
      cycleId: uuid(12),
      quarter: '2011-Q2',
      startsOn: '2011-04-01',
      endsOn: '2011-06-30',
      themes: { default: '喜迎建党90周年', bySector: {} },
    },
  },
  { type: 'evaluation.CycleOpened', data: { campaignId: uuid(11), cycleId: uuid(12) } },
];
export const cycleRead: CommentCycleRead = { streamId: CAMPAIGN_STREAM, version: 3, campaignOrgId: COUNTY, status: 'open' };

export const finding = { findingId: uuid(21), problem: '三会一课记录不全', rectification: '补齐记录', deadline: '2011-06-30' };
export const comment = (
  contactPoint: { streamId: string; version: number } | null,
  decidedBy = township,
  cycle: CommentCycleRead | null = null,
) =>
  record(commentDecider, [
    {
      type: 'MakeLeaderComment',
      data: {
        commentId: uuid(20),
        orgId: VILLAGE,
        cycleId: cycle ? uuid(12) : null,
        cycle,
        form: 'on_site',
        madeOn: '2011-05-10',
        summary: '现场点评',
        findings: [finding],
        decidedBy,
        right: { orgPath: VILLAGE_PATH, contactPoint },
        reason: '季度点评',
      },
    },
    {
      type: 'CompleteRectification',
      data: { findingId: finding.findingId, completedOn: '2011-06-15', decidedBy: township, orgPath: VILLAGE_PATH, reason: '核实' },
    },
  ]);

// The window's opening as the stream holds it; its closing is the decision replayed here.
export const windowOpened = {
  type: 'evaluation.MassEvaluationOpened',
  data: {
    windowId: uuid(30),
    subject: { kind: 'organization', id: VILLAGE },
    orgId: VILLAGE,
    cycleId: null,
    eligibleVoters: 60,
    opensOn: '2011-06-01',
    closesOn: '2011-06-07',
  },
} as unknown as Parameters<typeof massEvaluationDecider.evolve>[1];
export const closedWindow = record(
  massEvaluationDecider,
  [{ type: 'CloseMassEvaluation', data: { decidedBy: township, tally, ballotBox: { streamId: `ballot-box-${uuid(30)}`, version: 48 } } }],
  [windowOpened],
);
export const publishedWindow = record(
  massEvaluationDecider,
  [{ type: 'PublishMassEvaluation', data: { decidedBy: county } }],
  closedWindow,
);

export const submitted = {
  type: 'SubmitSelfAssessment',
  data: {
    memberId: MEMBER,
    orgId: VILLAGE,
    year: 2011,
    submittedOn: '2011-12-10',
    selfAssessment: '带头',
    partySpiritAnalysis: '加强学习',
  },
} as const;
export const ballots = {
  type: 'TallyPeerBallots',
  data: {
    memberId: MEMBER,
    year: 2011,
    tally: { excellent: 14, qualified: 8, basicallyQualified: 1, unqualified: 0 },
    activeMembers: 30,
    decidedBy: village,
    memberOrgPath: VILLAGE_PATH,
  },
} as const;
export const evidence = [{ streamId: `pledge-${uuid(40)}`, version: 6 }];
export const conclude = {
  type: 'ConcludeReview',
  data: { grade: 'excellent', decidedBy: village, memberOrgPath: VILLAGE_PATH, reason: '过半', evidence },
} as const;
export const approved = record(reviewDecider, [
  submitted,
  ballots,
  conclude,
  { type: 'ApproveReview', data: { decidedBy: reviewer, memberOrgPath: VILLAGE_PATH, reason: '同意' } },
]);
export const reviewReturned = record(reviewDecider, [
  submitted,
  ballots,
  conclude,
  { type: 'ReturnReview', data: { decidedBy: reviewer, memberOrgPath: VILLAGE_PATH, reason: '理由不充分' } },
]);

// A county system relays the branch's count, then a recount held later that replaces it.
const countySystem = { sub: 'service-account-county-songling', role: 'county_system', orgId: VILLAGE };
const countyBallots = (heldOn: string, excellent: number) =>
  ({
    type: 'TallyPeerBallots',
    data: { ...ballots.data, tally: { ...ballots.data.tally, excellent }, decidedBy: countySystem, heldOn },
  }) as const;
export const countyRecount = record(reviewDecider, [submitted, countyBallots('2011-12-12', 12), countyBallots('2011-12-15', 14)]);

export const scores = { leadership: 19, membership: 18, mechanism: 17, performance: 18, reputation: 18 };
export const WINDOW_READ = { permille: 650, streamId: `mass-evaluation-${uuid(30)}`, version: 3 };
export const assess = (
  period: string,
  ruleVersion: number,
  satisfaction: typeof WINDOW_READ | null,
  monthlyReviews: readonly MonthlyRoundRead[] = [],
) =>
  ({
    type: 'AssessOrganization',
    data: {
      orgId: VILLAGE,
      period,
      scores,
      satisfaction,
      monthlyReviews,
      decidedBy: county,
      orgPath: VILLAGE_PATH,
      ruleVersion,
      reason: '年度评定',
      // Early in the next year, as a county assesses its villages.
      assessedOn: `${Number(period) + 1}-01-15`,
    },
  }) as const;
/** A concluded monthly round of the village's zone, as the handler reads it (ADR 0050). */
export const roundRead = (n: number, month: string, rank: number): MonthlyRoundRead => ({
  streamId: `monthly-review-${uuid(n)}`,
  version: 4,
  roundId: uuid(n),
  zoneId: uuid(39),
  month,
  rubricVersion: 2,
  unitsRanked: 3,
  result: { scorePermille: 900 - rank * 50, rank },
});
// 2011 under tier rule version 1, 2012 under version 2 once it shipped (the mass satisfaction counts).
export const assessed = record(assessmentDecider, [assess('2011', 1, WINDOW_READ), assess('2012', 2, WINDOW_READ)]);
// 2013 weighs a county's paper count of the village instead of a window (ADR 0046).
export const assessedOnCountyCount = record(assessmentDecider, [
  assess('2013', 2, { permille: 650, streamId: `mass-tally-${VILLAGE}-2013`, version: 1 }),
]);
// 2014 records the village's monthly on-site reviews of the year beside the window's rate.
export const assessedOnMonthlyReviews = record(assessmentDecider, [
  assess('2014', 2, WINDOW_READ, [roundRead(41, '2014-06', 2), roundRead(40, '2014-05', 1)]),
]);

export const benchmark = record(benchmarkDecider, [
  {
    type: 'ChooseBenchmark',
    data: {
      benchmarkId: uuid(50),
      subject: { kind: 'organization', id: VILLAGE },
      orgId: VILLAGE,
      target: { kind: 'organization', id: uuid(51), name: '青石村党支部' },
      gaps: ['集体经济收入低'],
      measures: ['发展红枣合作社'],
      dueOn: '2011-12-31',
      today: '2011-05-01',
    },
  },
  { type: 'ConfirmBenchmarkReached', data: { decidedBy: township, orgPath: VILLAGE_PATH, reason: '收入已达标' } },
]);

export const candidate = { kind: 'member', id: MEMBER } as const;
export const pioneer = record(pioneerDecider, [
  {
    type: 'NominateQuarterPioneer',
    data: {
      orgId: VILLAGE,
      cycleId: uuid(12),
      candidate,
      deeds: '修通村道',
      cycleOpen: true,
      standing: { known: true, active: true, orgPath: idsOf(VILLAGE_PATH) },
    },
  },
  {
    type: 'SelectQuarterPioneer',
    data: { candidate, votesFor: 30, votesCast: 41, decidedBy: township, orgPath: VILLAGE_PATH, reason: '投票' },
  },
]);

/** A county's paper count of a member's mass evaluation, then a later one replacing it. */
const countyTally = (heldOn: string, satisfied: number) =>
  ({
    type: 'RecordMassEvaluationTally',
    data: {
      subject: { kind: 'member', id: MEMBER },
      orgId: VILLAGE,
      period: '2011',
      heldOn,
      ballotsIssued: 50,
      ballotsReturned: 48,
      tally: { ...tally, satisfied },
      decidedBy: { sub: 'service-account-county-songling', role: 'county_system', orgId: VILLAGE },
      orgPath: VILLAGE_PATH,
      memberInOrg: true,
    },
  }) as const;
export const massTally = record(massTallyDecider, [countyTally('2011-12-20', 38), countyTally('2011-12-28', 40)]);

/** Every decision event this code takes, recorded as the service records it, with its stream. */
export const decisions: [string, readonly DomainEvent[], number, ReplayFacts][] = [
  ['PledgeFiled', kept, 1, {}],
  ['PledgeReturned', returned, 1, {}],
  ['PledgeFulfilled', kept, 3, {}],
  ['PledgeLapsed', lapsed, 3, {}],
  ['PledgeRated', kept, 4, {}],
  ['LeaderCommentMade (a leader above)', comment(null), 0, {}],
  [
    'LeaderCommentMade (the contact-point leader)',
    comment({ streamId: `contact-point-${uuid(22)}`, version: 0 }, { ...county, orgId: uuid(23) }),
    0,
    {},
  ],
  [
    'LeaderCommentMade (on a cycle of the campaign, read from its stream)',
    comment(null, township, cycleRead),
    0,
    { streamsRead: { [CAMPAIGN_STREAM]: campaignHistory } },
  ],
  ['RectificationCompleted', comment(null), 1, {}],
  ['MassEvaluationClosed', closedWindow, 1, {}],
  ['MassEvaluationPublished', publishedWindow, 2, {}],
  ['MassEvaluationTallyRecorded (a later county count)', massTally, 1, {}],
  ['PeerBallotsTallied (a county count)', countyRecount, 1, {}],
  ['PeerBallotsTallied (a county recount that replaces it)', countyRecount, 2, {}],
  ['ReviewConcluded', approved, 2, {}],
  ['ReviewApproved', approved, 3, {}],
  ['ReviewReturned', reviewReturned, 3, {}],
  ['OrganizationAssessed (tier rule v1)', assessed, 0, { satisfactionPermille: 650 }],
  [
    'OrganizationAssessed (tier rule v2) with its TierChanged',
    assessed,
    indexOf(assessed, 'evaluation.OrganizationAssessed', 1),
    { satisfactionPermille: 650 },
  ],
  ['OrganizationAssessed (tier rule v2) on a county’s count', assessedOnCountyCount, 0, { satisfactionPermille: 650 }],
  ['OrganizationAssessed with the monthly reviews it weighed', assessedOnMonthlyReviews, 0, { satisfactionPermille: 650 }],
  ['BenchmarkReached', benchmark, 1, {}],
  ['QuarterPioneerSelected', pioneer, 1, {}],
];
