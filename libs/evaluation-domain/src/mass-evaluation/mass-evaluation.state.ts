import type { MassEvaluationEvent } from './mass-evaluation.events';

export type WindowStatus = 'none' | 'open' | 'closed' | 'published';

export interface MassEvaluationState {
  readonly status: WindowStatus;
  readonly version: number;
  readonly windowId: string | null;
  readonly eligibleVoters: number;
}

export const initialState = (): MassEvaluationState => ({ status: 'none', version: 0, windowId: null, eligibleVoters: 0 });

export function evolve(state: MassEvaluationState, event: MassEvaluationEvent): MassEvaluationState {
  const s = { ...state, version: state.version + 1 };
  switch (event.type) {
    case 'evaluation.MassEvaluationOpened':
      return { ...s, status: 'open', windowId: event.data.windowId, eligibleVoters: event.data.eligibleVoters };
    case 'evaluation.MassEvaluationClosed':
      return { ...s, status: 'closed' };
    case 'evaluation.MassEvaluationPublished':
      return { ...s, status: 'published' };
  }
}
