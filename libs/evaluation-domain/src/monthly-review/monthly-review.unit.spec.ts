import { specificationFor } from '@vanguard/kernel/testing';
import { commentDecider } from '../comment/comment.decide';
import type { CommentCommand } from '../comment/comment.commands';
import { FindingsHaveADeadlineAfterTheCommentRule } from '../comment/comment.rules';
import { pathAtVersionZero } from '../org-path';
import { PeriodHasBegunRule } from '../period-begun.rule';
import type { MonthlyReviewCommand, ZoneCommand } from './monthly-review.commands';
import { monthlyReviewDecider, zoneDecider } from './monthly-review.decide';
import type { MonthlyReviewEvent } from './monthly-review.events';
import {
  MonthLiesInTheCycleRule,
  MonthlyReviewHasScoresRule,
  MonthlyReviewIsOpenRule,
  PointsFitTheRubricRule,
  ReviewedByTheZoneLeaderOrAnOrganizerAboveRule,
  ScoredUnitsAreInTheRoundRule,
  UnitIsScoredOnceInABatchRule,
  ZoneIsDesignatedByAnOrganizerOverTheCampaignRule,
  ZoneUnitsAreInNoOtherZoneRule,
  ZoneUnitsAreInTheCampaignRule,
} from './monthly-review.rules';
import { MONTHLY_REVIEW_RUBRICS, rankUnits, unitScorePermille } from './rubrics';

const COUNTY = '00000000-0000-4000-8000-000000910425';
const TOWNSHIP = '00000000-0000-4000-8000-000910425101';
const unit = (n: number) => `00000000-0000-4000-8000-9104251012${String(n).padStart(2, '0')}`;
const ZONE = '01930000-0000-7000-8000-0000000000e1';
const ROUND = '01930000-0000-7000-8000-0000000000e2';
const CAMPAIGN = '01930000-0000-7000-8000-0000000000e3';
const CYCLE = '01930000-0000-7000-8000-0000000000e4';
const ROOT = pathAtVersionZero([COUNTY]).map((n) => ({ ...n, version: 4 }));
const organizer = { sub: 'county.organizer', role: 'organizer', orgId: COUNTY };
const leader = { sub: 'zone.leader', role: 'evaluator', orgId: COUNTY };
const secretary = { sub: 'township.secretary', role: 'branch_secretary', orgId: TOWNSHIP };
const units = [unit(1), unit(2), unit(3), unit(4)];

const designate = (over: Partial<{ unitsOutside: string[]; unitsZoned: string[]; decidedBy: typeof organizer }> = {}): ZoneCommand => ({
  type: 'DesignateZone',
  data: {
    zoneId: ZONE,
    name: '第一片区',
    leader: leader.sub,
    units,
    designatedOn: '2011-04-02',
    campaign: { campaignId: CAMPAIGN, version: 3, rootPath: ROOT },
    unitsOutside: over.unitsOutside ?? [],
    unitsZoned: over.unitsZoned ?? [],
    decidedBy: over.decidedBy ?? organizer,
    reason: '划分片区',
  },
});
const open = (over: Partial<{ month: string; rubricVersion: number; decidedBy: typeof organizer }> = {}): MonthlyReviewCommand => ({
  type: 'OpenMonthlyReview',
  data: {
    roundId: ROUND,
    month: over.month ?? '2011-05',
    openedOn: '2011-05-28',
    zone: { zoneId: ZONE, campaignId: CAMPAIGN, leader: leader.sub, units, version: 1, rootPath: ROOT },
    cycle: { cycleId: CYCLE, startsOn: '2011-04-01', endsOn: '2011-06-30', theme: '服务群众', campaignVersion: 3 },
    rubricVersion: over.rubricVersion ?? 1,
    decidedBy: over.decidedBy ?? leader,
    reason: '月底集中观摩点评',
  },
});
const score = (scores: { orgId: string; points: number[] }[], decidedBy = leader): MonthlyReviewCommand => ({
  type: 'RecordMonthlyReviewScores',
  data: { scoredOn: '2011-05-30', scores, rootPath: ROOT, decidedBy, reason: '现场评分' },
});
const conclude = (decidedBy = leader): MonthlyReviewCommand => ({
  type: 'ConcludeMonthlyReview',
  data: { concludedOn: '2011-05-31', rootPath: ROOT, decidedBy, reason: '汇总排名' },
});

const zones = specificationFor(zoneDecider);
const rounds = specificationFor(monthlyReviewDecider);
/** Folds a history by deciding each command on the state so far: the events a service would have appended. */
const history = (...commands: MonthlyReviewCommand[]): MonthlyReviewEvent[] => {
  let state = monthlyReviewDecider.initialState();
  const events: MonthlyReviewEvent[] = [];
  for (const c of commands) {
    const produced = monthlyReviewDecider.decide(c, state);
    produced.forEach((e) => (state = monthlyReviewDecider.evolve(state, e)));
    events.push(...produced);
  }
  return events;
};

describe('zoneDecider: a campaign divides its subtree into zones', () => {
  it('designates a zone with its leader and units, recording the campaign and its root’s path', () =>
    zones
      .given([])
      .when(designate())
      .thenMatches(([e]) =>
        expect(e!.data).toMatchObject({
          leader: 'zone.leader',
          units,
          decision: {
            inputs: [
              { streamId: `campaign-${CAMPAIGN}`, version: 3 },
              { streamId: `organization-${COUNTY}`, version: 4 },
            ],
          },
        }),
      ));
  it('is designated by an organizer of the campaign’s root or above, not a branch secretary', () =>
    zones
      .given([])
      .when(designate({ decidedBy: secretary }))
      .thenRefuses(ZoneIsDesignatedByAnOrganizerOverTheCampaignRule));
  it('refuses units outside the campaign’s subtree', () =>
    zones
      .given([])
      .when(designate({ unitsOutside: [unit(9)] }))
      .thenRefuses(ZoneUnitsAreInTheCampaignRule));
  it('refuses a unit another zone of the campaign holds, naming it', () =>
    zones
      .given([])
      .when(designate({ unitsZoned: [unit(2)] }))
      .thenRefuses(ZoneUnitsAreInNoOtherZoneRule));
});

describe('monthlyReviewDecider: a round opened, scored and concluded', () => {
  it('opens on the quarter’s theme with the rubric version named, by the zone’s leader', () =>
    rounds
      .given([])
      .when(open())
      .thenMatches(([e]) =>
        expect(e!.data).toMatchObject({ theme: '服务群众', rubric: { version: 1 }, units, leader: 'zone.leader', month: '2011-05' }),
      ));
  it('refuses a month outside the cycle', () =>
    rounds
      .given([])
      .when(open({ month: '2011-07' }))
      .thenRefuses(MonthLiesInTheCycleRule));
  // A probe ranked a round for 2027-03 in December 2026, and a 2027 assessment read it as evidence.
  it('refuses a month of the cycle that has not begun, and records the rule it ran', () => {
    rounds
      .given([])
      .when(open({ month: '2011-06' }))
      .thenRefuses(PeriodHasBegunRule);
    rounds
      .given([])
      .when(open())
      .thenMatches(([e]) =>
        expect(e!.data).toMatchObject({
          decision: {
            checks: [
              { id: 'evaluation.monthly-review.month-in-cycle', version: 1 },
              { id: PeriodHasBegunRule.ID, version: 1 },
            ],
          },
        }),
      );
  });
  it('replays an opening recorded before that rule as it ran, a month to come included', () => {
    const before = open({ month: '2011-06' }) as Extract<MonthlyReviewCommand, { type: 'OpenMonthlyReview' }>;
    rounds
      .given([])
      .when({ ...before, data: { ...before.data, ruleVersions: { 'evaluation.monthly-review.month-in-cycle': 1 } } })
      .thenMatches(([e]) =>
        expect(e!.data).toMatchObject({
          month: '2011-06',
          decision: { checks: [{ id: 'evaluation.monthly-review.month-in-cycle', version: 1 }] },
        }),
      );
  });
  it('refuses anyone but the zone’s leader or an organizer above', () =>
    rounds
      .given([])
      .when(open({ decidedBy: secretary }))
      .thenRefuses(ReviewedByTheZoneLeaderOrAnOrganizerAboveRule));

  const opened = history(open());
  it('takes scores of the round’s units only, one figure per criterion within its maximum', () => {
    rounds
      .given(opened)
      .when(score([{ orgId: unit(9), points: [1, 1, 1, 1, 1] }]))
      .thenRefuses(ScoredUnitsAreInTheRoundRule);
    // A unit twice in one batch is said to be that, not "not in the round".
    rounds
      .given(opened)
      .when(score([1, 1].map((n) => ({ orgId: unit(n), points: [1, 1, 1, 1, 1] }))))
      .thenRefuses(UnitIsScoredOnceInABatchRule, 'MONTHLY_REVIEW.UNIT_SCORED_TWICE');
    rounds
      .given(opened)
      .when(score([{ orgId: unit(1), points: [1, 1, 1, 1] }]))
      .thenRefuses(PointsFitTheRubricRule);
    rounds
      .given(opened)
      .when(score([{ orgId: unit(1), points: [11, 1, 1, 1, 1] }]))
      .thenRefuses(PointsFitTheRubricRule);
    rounds
      .given(opened)
      .when(score([{ orgId: unit(1), points: [1, 1, 1, 1, 1] }], secretary))
      .thenRefuses(ReviewedByTheZoneLeaderOrAnOrganizerAboveRule);
  });
  it('refuses to conclude a round nobody scored, and anything after it concluded', () => {
    rounds.given(opened).when(conclude()).thenRefuses(MonthlyReviewHasScoresRule);
    const done = history(open(), score([{ orgId: unit(1), points: [10, 10, 10, 10, 10] }]), conclude());
    rounds
      .given(done)
      .when(score([{ orgId: unit(2), points: [1, 1, 1, 1, 1] }]))
      .thenRefuses(MonthlyReviewIsOpenRule);
  });

  it('ranks units by the weighted mean of their scorers, a scorer’s later points replacing their earlier ones, ties sharing a rank', () =>
    rounds
      .given(
        history(
          open(),
          score([
            { orgId: unit(1), points: [10, 10, 10, 10, 10] },
            { orgId: unit(2), points: [5, 5, 5, 5, 5] },
            { orgId: unit(3), points: [0, 0, 0, 0, 0] },
          ]),
          score([{ orgId: unit(3), points: [8, 8, 8, 8, 8] }]),
          score(
            [
              { orgId: unit(2), points: [10, 0, 0, 0, 0] },
              { orgId: unit(3), points: [4, 4, 4, 4, 4] },
            ],
            organizer,
          ),
        ),
      )
      .when(conclude(organizer))
      .thenMatches(([first]) => {
        const e = first!;
        if (e.type !== 'evaluation.MonthlyReviewConcluded') throw new Error(e.type);
        // unit 2: (5+10)/2 on theme (30), 5/2 on the rest (70) → 0.75·300 + 0.25·700 = 400‰; unit 3: 6/10 everywhere → 600‰.
        expect(e.data.results).toEqual([
          { orgId: unit(1), scorePermille: 1000, rank: 1, scorers: 1 },
          { orgId: unit(3), scorePermille: 600, rank: 2, scorers: 2 },
          { orgId: unit(2), scorePermille: 400, rank: 3, scorers: 2 },
        ]);
        expect(e.data.unscored).toEqual([unit(4)]);
        expect(e.data.decision).toMatchObject({
          rule: { id: 'evaluation.monthly-review.rubric', version: 1 },
          inputs: [{ streamId: `monthly-review-${ROUND}`, version: 4 }, { streamId: `organization-${COUNTY}` }],
        });
      }));
});

describe('rubric versions replay', () => {
  it('a round opened under version 1 concludes by version 1’s weights after version 2 shipped, and its replay gives the same results', () => {
    const events = history(open({ rubricVersion: 1 }), score([{ orgId: unit(1), points: [10, 0, 0, 0, 0] }]), conclude());
    const concluded = events[2]!;
    expect(concluded.data).toMatchObject({ results: [{ scorePermille: 300 }], decision: { rule: { version: 1 } } });
    // A replay: fold what the decision read (the stream up to its recorded version), decide again.
    rounds.given(events.slice(0, 2)).when(conclude()).then([concluded]);
    // Version 2 would have weighed the theme at 20, not 30: the recorded version is what decides.
    expect(unitScorePermille(MONTHLY_REVIEW_RUBRICS[2]!, [[10, 0, 0, 0, 0, 0, 0, 0, 0, 0]])).toBe(200);
  });
  it('weights sum to 100 in every version', () =>
    Object.values(MONTHLY_REVIEW_RUBRICS).forEach((r) => expect(r.criteria.reduce((s, c) => s + c.weight, 0)).toBe(100)));
  it('rounds once, half up, whatever the order of scorers', () => {
    const r = MONTHLY_REVIEW_RUBRICS[1]!;
    expect(
      unitScorePermille(r, [
        [1, 0, 0, 0, 0],
        [0, 0, 0, 0, 0],
        [0, 0, 0, 0, 0],
      ]),
    ).toBe(10);
    expect(
      unitScorePermille(r, [
        [0, 0, 0, 0, 0],
        [1, 0, 0, 0, 0],
        [0, 0, 0, 0, 0],
      ]),
    ).toBe(10);
  });
  it('rankUnits shares ranks for equal scores (1, 2, 2, 4)', () =>
    expect(
      rankUnits([
        { orgId: 'd', scorePermille: 1, scorers: 1 },
        { orgId: 'c', scorePermille: 5, scorers: 1 },
        { orgId: 'b', scorePermille: 5, scorers: 1 },
        { orgId: 'a', scorePermille: 9, scorers: 1 },
      ]).map((u) => [u.orgId, u.rank]),
    ).toEqual([
      ['a', 1],
      ['b', 2],
      ['c', 2],
      ['d', 4],
    ]));
});

describe('a round’s findings open a findings stream with rectification deadlines (the comment slice’s rules)', () => {
  const comments = specificationFor(commentDecider);
  const record = (orgId: string, decidedBy = leader, deadline = '2011-06-30'): CommentCommand => ({
    type: 'RecordMonthlyReviewFindings',
    data: {
      commentId: '01930000-0000-7000-8000-0000000000e5',
      orgId,
      recordedOn: '2011-05-30',
      summary: '观摩发现的问题',
      findings: [{ findingId: '01930000-0000-7000-8000-0000000000e6', problem: '台账不全', rectification: '补齐台账', deadline }],
      round: { roundId: ROUND, leader: leader.sub, units, version: 3, rootPath: ROOT },
      orgPath: pathAtVersionZero([COUNTY, TOWNSHIP, orgId]),
      decidedBy,
      reason: '现场观摩',
    },
  });
  it('records them at a unit of the round, by the zone’s leader, with the round read', () =>
    comments
      .given([])
      .when(record(unit(2)))
      .thenMatches(([e]) =>
        expect([e!.type, (e!.data as { decision: { inputs: unknown[] } }).decision.inputs[0]]).toEqual([
          'evaluation.MonthlyReviewFindingsRecorded',
          { streamId: `monthly-review-${ROUND}`, version: 3 },
        ]),
      ));
  it('refuses a unit outside the round and a recorder who may not review the zone', () => {
    comments
      .given([])
      .when(record(unit(9)))
      .thenRefuses(ScoredUnitsAreInTheRoundRule);
    comments
      .given([])
      .when(record(unit(2), secretary))
      .thenRefuses(ReviewedByTheZoneLeaderOrAnOrganizerAboveRule);
  });
  it('refuses a deadline not after the day recorded (the comment slice’s rule)', () =>
    comments
      .given([])
      .when(record(unit(2), leader, '2011-05-30'))
      .thenRefuses(FindingsHaveADeadlineAfterTheCommentRule));
});
