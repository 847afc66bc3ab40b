import type { AssessmentEvent } from './assessment.events';
import type { OrgTier } from './tier-rules';

export interface AssessmentState {
  readonly version: number;
  readonly tier: OrgTier | null;
  readonly periods: readonly string[];
}

export const initialState = (): AssessmentState => ({ version: 0, tier: null, periods: [] });

export function evolve(state: AssessmentState, event: AssessmentEvent): AssessmentState {
  const s = { ...state, version: state.version + 1 };
  switch (event.type) {
    case 'evaluation.OrganizationAssessed':
      return { ...s, tier: event.data.tier, periods: [...s.periods, event.data.period] };
    case 'evaluation.TierChanged':
      return s;
  }
}
