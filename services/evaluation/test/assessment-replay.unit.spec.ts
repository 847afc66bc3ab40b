import { TIER_RULES, type OrganizationAssessedEvent } from '@vanguard/evaluation-domain';
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
});
