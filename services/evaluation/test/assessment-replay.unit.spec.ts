import { TIER_RULES, type MonthlyRoundRead, type OrganizationAssessedEvent } from '@vanguard/evaluation-domain';
import { replayAssessment, RecordedRuleMissingError } from '../src/application/assessments/assessment-replay';
import type { SatisfactionWindow } from '../src/application/assessments/satisfaction-window';
import { tierRuleVersionInForce } from '../src/application/assessments/tier-rule-in-force';

const scores = { leadership: 19, membership: 18, mechanism: 17, performance: 18, reputation: 18 };
const window = (satisfactionPermille: number | null): SatisfactionWindow => ({
  subject: { kind: 'organization', id: 'o' },
  orgId: 'o',
  opensOn: '2011-11-01',
  closed: true,
  satisfactionPermille,
});
const recorded = (version: number, tier: 'advanced' | 'middle', starRating: number): OrganizationAssessedEvent['data'] => ({
  orgId: 'o',
  period: '2011',
  scores,
  total: 90,
  tier,
  starRating,
  decision: {
    decidedBy: { sub: 's', role: 'evaluator', orgId: 'c' },
    inputs: [
      { streamId: 'assessment-o', version: 0 },
      { streamId: 'mass-evaluation-w', version: 2 },
    ],
    rule: { id: 'evaluation.assessment.tier', version },
    reason: '',
  },
});

describe('tier rule in force', () => {
  it.each([
    ['2009', 1],
    ['2011', 1],
    ['2012', 2],
    ['2015', 2],
  ])('decides %s with version %i', (period, version) => expect(tierRuleVersionInForce(period)).toBe(version));
  it('names only versions the code has', () => {
    for (const p of ['2000', '2011', '2012', '2099']) expect(TIER_RULES[tierRuleVersionInForce(p)]).toBeDefined();
  });
});

describe('replayAssessment', () => {
  it('reads the satisfaction back at the recorded version and applies the recorded rule version', async () => {
    const reads: [string, number][] = [];
    const readAt = (streamId: string, version: number) => {
      reads.push([streamId, version]);
      return Promise.resolve(window(650));
    };
    await expect(replayAssessment(recorded(1, 'advanced', 4), readAt)).resolves.toMatchObject({ matches: true, satisfactionPermille: 650 });
    await expect(replayAssessment(recorded(2, 'middle', 3), readAt)).resolves.toMatchObject({ matches: true });
    expect(reads).toEqual([
      ['mass-evaluation-w', 2],
      ['mass-evaluation-w', 2],
    ]);
  });
  it('reports a mismatch when the record does not follow from its inputs', async () => {
    await expect(replayAssessment(recorded(2, 'advanced', 4), () => Promise.resolve(window(650)))).resolves.toMatchObject({
      matches: false,
      replayed: { tier: 'middle', starRating: 3 },
    });
  });
  it('refuses a recorded version the code no longer has', async () => {
    await expect(replayAssessment(recorded(9, 'advanced', 4), () => Promise.resolve(window(null)))).rejects.toBeInstanceOf(
      RecordedRuleMissingError,
    );
  });
  describe('the monthly rounds it recorded (ADR 0050)', () => {
    const ROUND = '01930000-0000-7000-8000-0000000000d1';
    const ZONE = '01930000-0000-7000-8000-0000000000c0';
    const withRound = (): OrganizationAssessedEvent['data'] => {
      const base = recorded(1, 'advanced', 4);
      return {
        ...base,
        monthlyReviews: [{ roundId: ROUND, zoneId: ZONE, month: '2011-05', scorePermille: 700, rank: 2, unitsRanked: 3, rubricVersion: 2 }],
        decision: { ...base.decision, inputs: [...base.decision.inputs, { streamId: `monthly-review-${ROUND}`, version: 5 }] },
      };
    };
    const round = (rank: number): MonthlyRoundRead => ({
      streamId: `monthly-review-${ROUND}`,
      version: 5,
      roundId: ROUND,
      zoneId: ZONE,
      month: '2011-05',
      rubricVersion: 2,
      unitsRanked: 3,
      result: { scorePermille: 700, rank },
    });

    it('given a recorded round, when replayed, then it is read again at the recorded version and its figures match', async () => {
      const reads: [string, number][] = [];
      const replay = await replayAssessment(
        withRound(),
        () => Promise.resolve(window(650)),
        (streamId, version) => {
          reads.push([streamId, version]);
          return Promise.resolve(round(2));
        },
      );
      expect(reads).toEqual([[`monthly-review-${ROUND}`, 5]]);
      expect(replay).toMatchObject({ matches: true, monthlyReviews: [{ roundId: ROUND, version: 5, matches: true }] });
    });
    it('given a round whose figures differ at the recorded version, when replayed, then it does not match', async () => {
      const replay = await replayAssessment(
        withRound(),
        () => Promise.resolve(window(650)),
        () => Promise.resolve(round(1)),
      );
      expect(replay).toMatchObject({
        matches: false,
        monthlyReviews: [{ recorded: { rank: 2 }, reread: { rank: 1 }, matches: false }],
      });
    });
    it('given figures whose round is not among the inputs, when replayed, then they do not match', async () => {
      const data = withRound();
      const replay = await replayAssessment(
        { ...data, decision: { ...data.decision, inputs: data.decision.inputs.slice(0, 2) } },
        () => Promise.resolve(window(650)),
        () => Promise.resolve(round(2)),
      );
      expect(replay).toMatchObject({ matches: false, monthlyReviews: [{ version: null, reread: null, matches: false }] });
    });
  });
});
