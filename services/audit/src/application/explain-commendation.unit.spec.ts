import type { RecordedEvent } from '@vanguard/event-store';
import { checkEligibility } from '@vanguard/commendation-domain';
import { factsOfStream } from './explain-commendation';

// The facts an auditor folds from evaluation's streams must be the ones commendation's projection
// held when it checked: one per assessed year (the latest assessment of it), a mass evaluation
// only once closed, at the version of the event that set it.

const event = (streamId: string, streamVersion: number, type: string, data: object) =>
  ({ streamId, streamVersion, type, data }) as unknown as RecordedEvent;

describe('eligibility facts folded from evaluation streams', () => {
  const assessment = [
    event('assessment-o1', 1, 'evaluation.OrganizationAssessed', { period: '2010', tier: 'middle', starRating: 3 }),
    event('assessment-o1', 2, 'evaluation.OrganizationTierChanged', { period: '2010' }),
    event('assessment-o1', 3, 'evaluation.OrganizationAssessed', { period: '2010', tier: 'advanced', starRating: 5 }),
    event('assessment-o1', 4, 'evaluation.OrganizationAssessed', { period: '2011', tier: 'lagging', starRating: 1 }),
  ];
  const window = [
    event('mass-evaluation-w1', 1, 'evaluation.MassEvaluationOpened', {
      opensOn: '2010-11-01',
      subject: { kind: 'organization', id: 'o1' },
    }),
    event('mass-evaluation-w1', 2, 'evaluation.MassEvaluationClosed', { satisfactionPermille: 910 }),
  ];

  it('keeps the latest assessment of each year, at the version that set it', () =>
    expect(factsOfStream(assessment).assessments).toEqual([
      { period: '2010', tier: 'advanced', starRating: 5, streamId: 'assessment-o1', version: 3 },
      { period: '2011', tier: 'lagging', starRating: 1, streamId: 'assessment-o1', version: 4 },
    ]));

  it('counts a mass evaluation only once it is closed, in the year it opened', () => {
    expect(factsOfStream(window.slice(0, 1)).massEvaluations).toEqual([]);
    expect(factsOfStream(window).massEvaluations).toEqual([
      { year: 2010, satisfactionPermille: 910, streamId: 'mass-evaluation-w1', version: 2 },
    ]);
  });

  it('gives an organisation nominee the verdicts and inputs a check on the projection would', () => {
    const facts = {
      reviews: [],
      assessments: factsOfStream(assessment.slice(0, 3)).assessments,
      massEvaluations: factsOfStream(window).massEvaluations,
    };
    const outcome = checkEligibility(
      [
        { id: 'commendation.eligibility.org-tier', version: 1 },
        { id: 'commendation.eligibility.mass-satisfaction', version: 1 },
      ],
      'advanced_organization',
      [2010],
      facts,
    );
    expect(outcome.eligible).toBe(true);
    expect(outcome.inputs).toEqual([
      { streamId: 'assessment-o1', version: 3 },
      { streamId: 'mass-evaluation-w1', version: 2 },
    ]);
  });
});
