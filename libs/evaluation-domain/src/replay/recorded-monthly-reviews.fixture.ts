import type { DomainEvent } from '@vanguard/kernel';
import { campaignDecider } from '../campaign/campaign.decide';
import type { CampaignCommand } from '../campaign/campaign.commands';
import { commentDecider } from '../comment/comment.decide';
import { monthlyReviewDecider, monthlyReviewStream, zoneDecider } from '../monthly-review/monthly-review.decide';
import { COUNTY, county, PROVINCE, record, TOWNSHIP, uuid, VILLAGE, VILLAGE_PATH } from './recorded-decisions.fixture';
import type { ReplayFacts } from './replay-decision';

/** The campaign's root, 松岭旗, as the round's decisions read it: province › county. */
const ROOT = [
  { orgId: PROVINCE, version: 1 },
  { orgId: COUNTY, version: 3 },
];
const leader = { sub: 'zone.leader', role: 'evaluator', orgId: COUNTY };
const points = (x: number) => Array.from({ length: 10 }, (_, i) => (i % 2 === 0 ? x : x - 1));

const CAMPAIGN_ID = uuid(11);
const cycle = (n: number, quarter: string, startsOn: string, endsOn: string, theme: string): CampaignCommand => ({
  type: 'PlanCycle',
  data: { cycleId: uuid(n), quarter, startsOn, endsOn, themes: { default: theme, bySector: {} } },
});

/**
 * The campaign at the version the round's opening read (5): launched over the county, its first
 * quarters planned; the second quarter's theme is what May is reviewed on.
 */
export const campaign = record(campaignDecider, [
  {
    type: 'LaunchCampaign',
    data: {
      campaignId: CAMPAIGN_ID,
      orgId: COUNTY,
      name: '松岭旗创先争优活动',
      phases: [
        { phase: 'mobilise', startsOn: '2010-04-01', endsOn: '2010-05-31' },
        { phase: 'compete', startsOn: '2010-06-01', endsOn: '2011-06-30' },
        { phase: 'benchmark_upgrade', startsOn: '2011-07-01', endsOn: '2012-06-30' },
        { phase: 'summarise', startsOn: '2012-07-01', endsOn: '2012-10-31' },
      ],
    },
  },
  cycle(13, '2011-Q1', '2011-01-01', '2011-03-31', '学习实践'),
  cycle(12, '2011-Q2', '2011-04-01', '2011-06-30', '喜迎建党90周年'),
  { type: 'OpenCycle', data: { cycleId: uuid(12) } },
  cycle(14, '2011-Q3', '2011-07-01', '2011-09-30', '服务群众'),
]);

export const zone = record(zoneDecider, [
  {
    type: 'DesignateZone',
    data: {
      zoneId: uuid(60),
      name: '第一片区',
      leader: leader.sub,
      units: [TOWNSHIP, VILLAGE],
      designatedOn: '2011-04-02',
      campaign: { campaignId: uuid(11), version: 5, rootPath: ROOT },
      unitsOutside: [],
      unitsZoned: [],
      decidedBy: county,
      reason: '按乡镇划分观摩片区',
    },
  },
]);

/** May's round: opened on rubric v2, the leader's batch and then the organizer's, concluded with the units ranked. */
export const round = record(monthlyReviewDecider, [
  {
    type: 'OpenMonthlyReview',
    data: {
      roundId: uuid(61),
      month: '2011-05',
      openedOn: '2011-05-30',
      zone: { zoneId: uuid(60), campaignId: uuid(11), leader: leader.sub, units: [TOWNSHIP, VILLAGE], version: 1, rootPath: ROOT },
      cycle: { cycleId: uuid(12), startsOn: '2011-04-01', endsOn: '2011-06-30', theme: '喜迎建党90周年', campaignVersion: 5 },
      rubricVersion: 2,
      decidedBy: leader,
      reason: '五月集中观摩点评',
    },
  },
  {
    type: 'RecordMonthlyReviewScores',
    data: {
      scoredOn: '2011-05-30',
      scores: [
        { orgId: TOWNSHIP, points: points(9) },
        { orgId: VILLAGE, points: points(8) },
      ],
      rootPath: ROOT,
      decidedBy: leader,
      reason: '现场观摩评分',
    },
  },
  {
    type: 'RecordMonthlyReviewScores',
    data: {
      scoredOn: '2011-05-31',
      scores: [{ orgId: VILLAGE, points: points(9) }],
      rootPath: ROOT,
      decidedBy: county,
      reason: '复核评分',
    },
  },
  { type: 'ConcludeMonthlyReview', data: { concludedOn: '2011-05-31', rootPath: ROOT, decidedBy: leader, reason: '五月观摩点评汇总排名' } },
]);

/** What May's round found at the village, recorded after the ranking (the round at version 4). */
export const findings = record(commentDecider, [
  {
    type: 'RecordMonthlyReviewFindings',
    data: {
      commentId: uuid(62),
      orgId: VILLAGE,
      recordedOn: '2011-05-31',
      summary: '五月观摩点评发现的问题',
      findings: [{ findingId: uuid(63), problem: '党员先锋岗亮牌不全', rectification: '全部挂牌亮身份', deadline: '2011-06-30' }],
      round: { roundId: uuid(61), leader: leader.sub, units: [TOWNSHIP, VILLAGE], version: 4, rootPath: ROOT },
      orgPath: VILLAGE_PATH,
      decidedBy: leader,
      reason: '现场观摩',
    },
  },
]);

/** The streams the opening and the findings read, as an auditor passes them (ADR 0067). */
export const streamsRead = {
  [`zone-${uuid(60)}`]: zone,
  [`campaign-${CAMPAIGN_ID}`]: campaign,
  [monthlyReviewStream(uuid(61))]: round,
};

/** The zone's and the round's decisions, in the shape of the replay specs' table. */
export const monthlyReviewDecisions: [string, readonly DomainEvent[], number, ReplayFacts][] = [
  ['ZoneDesignated', zone, 0, {}],
  ['MonthlyReviewOpened', round, 0, { streamsRead }],
  ['MonthlyReviewFindingsRecorded', findings, 0, { streamsRead }],
  ['MonthlyReviewScoresRecorded (the leader’s batch)', round, 1, {}],
  ['MonthlyReviewScoresRecorded (an organizer above)', round, 2, {}],
  ['MonthlyReviewConcluded', round, 3, {}],
];
