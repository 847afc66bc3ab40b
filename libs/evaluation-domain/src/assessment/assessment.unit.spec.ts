import { specificationFor } from '@vanguard/kernel/testing';
import { pathAtVersionZero, pathInputs } from '../org-path';
import type { AssessOrganization } from './assessment.commands';
import { assessmentDecider } from './assessment.decide';
import type { AssessmentEvent } from './assessment.events';
import { AssessedByALevelAboveRule, PeriodIsAssessedOnceRule, TierRuleVersionExistsRule } from './assessment.rules';
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
    decidedBy: evaluator,
    orgPath: PATH,
    ruleVersion: 1,
    reason: '年度评定',
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
            decision: {
              decidedBy: evaluator,
              inputs: [{ streamId: `assessment-${VILLAGE}`, version: 0 }, ...pathInputs(PATH)],
              rule: { id: 'evaluation.assessment.tier', version: 1 },
              checks: [{ id: 'evaluation.assessment.by-level-above', version: 1 }],
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
});
