import { specificationFor } from '@vanguard/kernel/testing';
import { pathAtVersionZero, pathInputs } from '../org-path';
import type { AssessOrganization } from './assessment.commands';
import { assessmentDecider } from './assessment.decide';
import type { AssessmentEvent } from './assessment.events';
import { PeriodHasBegunRule } from '../period-begun.rule';
import {
  AssessedByALevelAboveRule,
  PeriodIsAssessedOnceRule,
  PeriodsAreAssessedInOrderRule,
  TierRuleVersionExistsRule,
} from './assessment.rules';
import {
  AssessmentInputsFitTheRecordRule,
  monthlyRoundReadOf,
  MonthlyReviewsRankTheUnitInThePeriodRule,
  type MonthlyRoundRead,
} from './monthly-review-reads';
import { initialMonthlyReviewState, type MonthlyReviewState } from '../monthly-review/monthly-review.state';
import { TIER_RULES, TierRuleV1, TierRuleV2 } from './tier-rules';

const PROVINCE = '00000000-0000-4000-8000-000000000091';
const COUNTY = '00000000-0000-4000-8000-000000910425';
const TOWNSHIP = '00000000-0000-4000-8000-000910425101';
const VILLAGE = '00000000-0000-4000-8000-910425101201';
const PATH = pathAtVersionZero([PROVINCE, COUNTY, TOWNSHIP, VILLAGE]);
const evaluator = { sub: 'county.evaluator', role: 'evaluator', orgId: COUNTY };
const SAT = { permille: 650, streamId: 'mass-evaluation-01930000-0000-7000-8000-0000000000b1', version: 3 };

const strong = { leadership: 19, membership: 18, mechanism: 17, performance: 18, reputation: 18 }; // 90
const middling = { leadership: 15, membership: 14, mechanism: 14, performance: 13, reputation: 14 }; // 70
const assess = (over: Partial<AssessOrganization['data']> = {}): AssessOrganization => ({
  type: 'AssessOrganization',
  data: {
    orgId: VILLAGE,
    period: '2011',
    scores: strong,
    satisfaction: null,
    monthlyReviews: [],
    decidedBy: evaluator,
    orgPath: PATH,
    ruleVersion: 1,
    reason: '年度评定',
    assessedOn: '2012-01-15',
    ...over,
  },
});
const spec = specificationFor(assessmentDecider);
const assessedIn = (period: string, tier: 'advanced' | 'middle' | 'lagging', scores = middling): AssessmentEvent => ({
  type: 'evaluation.OrganizationAssessed',
  data: {
    orgId: VILLAGE,
    period,
    scores,
    total: 70,
    tier,
    starRating: 2,
    decision: { decidedBy: evaluator, inputs: [], rule: { id: 'evaluation.assessment.tier', version: 1 }, reason: '' },
  },
});

describe('assessmentDecider', () => {
  // A probe on 2026-12-05 assessed 2099, then 2025: 2025 was recorded as a fall from 2099's tier.
  describe('years in order, none to come', () => {
    it('refuses a year that has not begun, and takes the year still running', () => {
      spec
        .given([])
        .when(assess({ period: '2099', assessedOn: '2026-12-05' }))
        .thenRefuses(PeriodHasBegunRule);
      spec
        .given([])
        .when(assess({ period: '2027', assessedOn: '2026-12-31' }))
        .thenRefuses(PeriodHasBegunRule);
      spec
        .given([])
        .when(assess({ period: '2026', assessedOn: '2026-12-05' }))
        .thenMatches((e) => expect(e[0]).toMatchObject({ data: { period: '2026', assessedOn: '2026-12-05' } }));
    });
    it('refuses a year before one assessed already, so a tier change is always from the year before', () => {
      spec
        .given([assessedIn('2012', 'advanced')])
        .when(assess({ period: '2011' }))
        .thenRefuses(PeriodsAreAssessedInOrderRule);
      // A year to come, assessed before the rules refused it, holds no year before it back (a cold review).
      spec
        .given([assessedIn('2099', 'advanced')])
        .when(assess({ period: '2025', assessedOn: '2026-12-05' }))
        .thenMatches((e) => expect(e[0]).toMatchObject({ data: { period: '2025' } }));
      spec
        .given([assessedIn('2010', 'advanced')])
        .when(assess({ period: '2011', scores: middling }))
        .thenMatches((e) =>
          expect(e[1]).toMatchObject({ type: 'evaluation.TierChanged', data: { period: '2011', from: 'advanced', to: 'middle' } }),
        );
    });
    it('replays a decision recorded before either rule as it ran: out of order, a year to come, no day recorded', () =>
      spec
        .given([assessedIn('2099', 'advanced')])
        .when(
          assess({
            period: '2025',
            assessedOn: '',
            ruleVersions: { 'evaluation.assessment.tier': 1, 'evaluation.assessment.by-level-above': 1 },
          }),
        )
        .thenMatches((e) => {
          expect(e[0]!.data).not.toHaveProperty('assessedOn');
          expect(e[0]).toMatchObject({ data: { decision: { checks: [{ id: 'evaluation.assessment.by-level-above', version: 1 }] } } });
        }));
  });

  it('assesses an organisation with the tier rule in force and records its inputs and version', () =>
    spec
      .given([])
      .when(assess())
      .then([
        {
          type: 'evaluation.OrganizationAssessed',
          data: {
            orgId: VILLAGE,
            period: '2011',
            scores: strong,
            total: 90,
            tier: 'advanced',
            starRating: 4,
            assessedOn: '2012-01-15',
            decision: {
              decidedBy: evaluator,
              inputs: [{ streamId: `assessment-${VILLAGE}`, version: 0 }, ...pathInputs(PATH)],
              rule: { id: 'evaluation.assessment.tier', version: 1 },
              checks: [
                { id: 'evaluation.assessment.by-level-above', version: 1 },
                { id: 'evaluation.assessment.periods-in-order', version: 1 },
                { id: 'evaluation.period-has-begun', version: 1 },
              ],
              reason: '年度评定',
            },
          },
        },
      ]));
  it('records a move up a tier (晋档升级)', () =>
    spec
      .given([assessedIn('2010', 'middle')])
      .when(assess())
      .thenMatches((e) =>
        expect(e[1]).toEqual({
          type: 'evaluation.TierChanged',
          data: { orgId: VILLAGE, period: '2011', from: 'middle', to: 'advanced', direction: 'up' },
        }),
      ));
  it('records a fall', () =>
    spec
      .given([assessedIn('2010', 'advanced', strong)])
      .when(assess({ scores: middling }))
      .thenMatches((e) => expect(e[1]).toMatchObject({ data: { from: 'advanced', to: 'middle', direction: 'down' } })));
  it('records no change when the tier stays', () =>
    spec
      .given([assessedIn('2010', 'middle')])
      .when(assess({ scores: middling }))
      .thenMatches((e) => expect(e).toHaveLength(1)));
  it('assesses a period once', () =>
    spec
      .given([assessedIn('2011', 'middle')])
      .when(assess())
      .thenRefuses(PeriodIsAssessedOnceRule));
  it('is assessed by a level above', () =>
    spec
      .given([])
      .when(assess({ decidedBy: { ...evaluator, orgId: VILLAGE } }))
      .thenRefuses(AssessedByALevelAboveRule));
  it('refuses an unknown rule version', () =>
    spec
      .given([])
      .when(assess({ ruleVersion: 9 }))
      .thenRefuses(TierRuleVersionExistsRule));

  describe('rule versions', () => {
    it('version 2 lets a poor mass satisfaction keep an organisation out of the advanced tier; version 1 ignores it', () => {
      spec
        .given([])
        .when(assess({ satisfaction: SAT, ruleVersion: 1 }))
        .thenMatches((e) => expect(e[0]).toMatchObject({ data: { tier: 'advanced', starRating: 4 } }));
      spec
        .given([])
        .when(assess({ satisfaction: SAT, ruleVersion: 2 }))
        .thenMatches((e) =>
          expect(e[0]).toMatchObject({
            data: {
              tier: 'middle',
              starRating: 3,
              decision: {
                rule: { version: 2 },
                inputs: [{ streamId: `assessment-${VILLAGE}`, version: 0 }, { streamId: SAT.streamId, version: 3 }, ...pathInputs(PATH)],
              },
            },
          }),
        );
    });

    it('replays every recorded decision with its recorded version after version 2 shipped', () => {
      // Decisions taken under each version, then replayed from their recorded inputs.
      const cases = [
        { scores: strong, satisfaction: SAT, ruleVersion: 1 },
        { scores: strong, satisfaction: SAT, ruleVersion: 2 },
        { scores: middling, satisfaction: { ...SAT, permille: 400 }, ruleVersion: 2 },
        { scores: { ...strong, mechanism: 7 }, satisfaction: null, ruleVersion: 1 },
      ];
      for (const c of cases) {
        const [recorded] = assessmentDecider.decide(assess(c), assessmentDecider.initialState());
        if (recorded?.type !== 'evaluation.OrganizationAssessed') throw new Error('expected an assessment');
        const rule = TIER_RULES[recorded.data.decision.rule.version]!;
        const inputs = { scores: recorded.data.scores, satisfactionPermille: c.satisfaction?.permille ?? null };
        expect(rule.tier(inputs)).toBe(recorded.data.tier);
        expect(rule.stars(inputs)).toBe(recorded.data.starRating);
      }
    });

    it.each([
      [{ leadership: 17, membership: 17, mechanism: 17, performance: 17, reputation: 17 }, 'advanced', 3],
      [{ leadership: 20, membership: 20, mechanism: 11, performance: 20, reputation: 20 }, 'middle', 4],
      [{ leadership: 12, membership: 12, mechanism: 12, performance: 12, reputation: 11 }, 'lagging', 1],
      [{ leadership: 18, membership: 18, mechanism: 7, performance: 18, reputation: 18 }, 'lagging', 2],
    ] as const)('version 1 on %j gives %s with %i stars', (scores, tier, stars) => {
      expect(TierRuleV1.tier({ scores, satisfactionPermille: null })).toBe(tier);
      expect(TierRuleV1.stars({ scores, satisfactionPermille: null })).toBe(stars);
      expect(TierRuleV2.tier({ scores, satisfactionPermille: null })).toBe(tier);
    });
  });

  describe('monthly on-site reviews (月度观摩点评, ADR 0050)', () => {
    const ZONE = '01930000-0000-7000-8000-0000000000c0';
    const round = (n: number, month: string, result: MonthlyRoundRead['result']): MonthlyRoundRead => ({
      streamId: `monthly-review-01930000-0000-7000-8000-00000000000${n}`,
      version: 3 + n,
      roundId: `01930000-0000-7000-8000-00000000000${n}`,
      zoneId: ZONE,
      month,
      rubricVersion: 2,
      unitsRanked: 3,
      result,
    });
    const may = round(1, '2011-05', { scorePermille: 812, rank: 2 });
    const june = round(2, '2011-06', { scorePermille: 905, rank: 1 });

    it('given no assessment, when the unit is assessed after two rounds ranked it, then the decision carries their figures, oldest first, and reads each round at its version', () =>
      spec
        .given([])
        .when(assess({ monthlyReviews: [june, may] }))
        .then([
          {
            type: 'evaluation.OrganizationAssessed',
            data: {
              orgId: VILLAGE,
              period: '2011',
              scores: strong,
              total: 90,
              tier: 'advanced',
              starRating: 4,
              monthlyReviews: [
                { roundId: may.roundId, zoneId: ZONE, month: '2011-05', scorePermille: 812, rank: 2, unitsRanked: 3, rubricVersion: 2 },
                { roundId: june.roundId, zoneId: ZONE, month: '2011-06', scorePermille: 905, rank: 1, unitsRanked: 3, rubricVersion: 2 },
              ],
              assessedOn: '2012-01-15',
              decision: {
                decidedBy: evaluator,
                inputs: [
                  { streamId: `assessment-${VILLAGE}`, version: 0 },
                  { streamId: may.streamId, version: 4 },
                  { streamId: june.streamId, version: 5 },
                  ...pathInputs(PATH),
                ],
                rule: { id: 'evaluation.assessment.tier', version: 1 },
                checks: [
                  { id: 'evaluation.assessment.by-level-above', version: 1 },
                  { id: 'evaluation.assessment.monthly-reviews-of-the-period', version: 1 },
                  { id: 'evaluation.assessment.periods-in-order', version: 1 },
                  { id: 'evaluation.period-has-begun', version: 1 },
                ],
                reason: '年度评定',
              },
            },
          },
        ]));

    it('given the rounds, when the tier is decided, then they do not move it: the assessor’s scores weigh them', () =>
      spec
        .given([])
        .when(assess({ monthlyReviews: [round(3, '2011-07', { scorePermille: 100, rank: 3 })] }))
        .thenMatches((e) => expect(e[0]).toMatchObject({ data: { tier: 'advanced', starRating: 4 } })));

    it('given a round of another year, when assessed, then it is refused', () =>
      spec
        .given([])
        .when(assess({ monthlyReviews: [may, round(4, '2010-12', { scorePermille: 700, rank: 1 })] }))
        .thenRefuses(MonthlyReviewsRankTheUnitInThePeriodRule));

    it('given a round that did not rank the unit, when assessed, then it is refused', () =>
      spec
        .given([])
        .when(assess({ monthlyReviews: [round(5, '2011-08', null)] }))
        .thenRefuses(MonthlyReviewsRankTheUnitInThePeriodRule));

    it('given more rounds than a decision records, when assessed, then it is refused rather than recorded incompletely', () => {
      // 1 own stream + 4 path entries + 95 rounds = 100 inputs fit; one more does not.
      const many = (n: number) => Array.from({ length: n }, (_, i) => ({ ...may, roundId: `r-${i}`, streamId: `monthly-review-r-${i}` }));
      spec
        .given([])
        .when(assess({ monthlyReviews: many(95) }))
        .thenMatches((e) => expect(e[0]).toMatchObject({ data: { monthlyReviews: expect.any(Array) } }));
      spec
        .given([])
        .when(assess({ monthlyReviews: many(96) }))
        .thenRefuses(AssessmentInputsFitTheRecordRule);
    });

    describe(monthlyRoundReadOf.name, () => {
      const opened: MonthlyReviewState['round'] = {
        roundId: may.roundId,
        zoneId: ZONE,
        campaignId: '01930000-0000-7000-8000-0000000000a0',
        cycleId: '01930000-0000-7000-8000-0000000000a1',
        month: '2011-05',
        theme: '亮身份',
        rubric: { id: 'evaluation.monthly-review.rubric', version: 2, criteria: [] },
        leader: 'zone.leader',
        units: [VILLAGE, TOWNSHIP],
        openedOn: '2011-05-01',
      };
      const concluded: MonthlyReviewState['concluded'] = {
        roundId: may.roundId,
        zoneId: ZONE,
        month: '2011-05',
        concludedOn: '2011-05-31',
        results: [
          { orgId: TOWNSHIP, scorePermille: 900, rank: 1, scorers: 2 },
          { orgId: VILLAGE, scorePermille: 812, rank: 2, scorers: 2 },
        ],
        unscored: [],
      };
      const state = (over: Partial<MonthlyReviewState>): MonthlyReviewState => ({ ...initialMonthlyReviewState(), ...over });

      it('reads the unit’s figures from the round’s conclusion, at the round’s version', () =>
        expect(monthlyRoundReadOf(may.streamId, state({ version: 4, round: opened, concluded }), VILLAGE)).toEqual({
          ...may,
          unitsRanked: 2,
        }));
      it('reads no result for a round not concluded or not ranking the unit, and nothing without a round', () => {
        expect(monthlyRoundReadOf(may.streamId, state({ version: 2, round: opened }), VILLAGE)?.result).toBeNull();
        expect(monthlyRoundReadOf(may.streamId, state({ version: 4, round: opened, concluded }), PROVINCE)?.result).toBeNull();
        expect(monthlyRoundReadOf(may.streamId, state({}), VILLAGE)).toBeNull();
      });
    });
  });
});
