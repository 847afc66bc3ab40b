import { massEvaluationDecider } from '../mass-evaluation/mass-evaluation.decide';
import { massTallyDecider } from '../mass-tally/mass-tally.decide';
import { massTally } from './recorded-decisions.fixture';
import { isSatisfactionInput, satisfactionSource } from './satisfaction-source';

describe('satisfactionSource', () => {
  it('names the decider of an online window and of a county count, and nothing else', () => {
    expect(satisfactionSource('mass-evaluation-0b7e')).toBe(massEvaluationDecider);
    expect(satisfactionSource('mass-tally-0b7e-2011')).toBe(massTallyDecider);
    expect(satisfactionSource('review-0b7e-2011')).toBeUndefined();
    expect(['mass-evaluation-x', 'mass-tally-x', 'pledge-x', 'massevaluation-x'].map(isSatisfactionInput)).toEqual([
      true,
      true,
      false,
      false,
    ]);
  });

  it('folds a recorded county count to the rate its event recorded', () => {
    const decider = satisfactionSource('mass-tally-0b7e-2011')!;
    const state = massTally.reduce((s, e) => decider.evolve(s, e as never), decider.initialState());
    const recorded = (massTally.at(-1)!.data as { satisfactionPermille: number | null }).satisfactionPermille;
    expect(recorded).not.toBeNull();
    expect(state.satisfactionPermille).toBe(recorded);
  });
});
