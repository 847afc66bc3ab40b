import type { ContractData, InspectionLaunched } from '@vanguard/contracts';
import type { InspectionEvent } from './inspection.events';

export interface InspectionState {
  readonly launched: boolean;
  readonly version: number;
  readonly inspection: ContractData<typeof InspectionLaunched> | null;
}

export const initialState = (): InspectionState => ({ launched: false, version: 0, inspection: null });

export function evolve(state: InspectionState, event: InspectionEvent): InspectionState {
  switch (event.type) {
    case 'evaluation.InspectionLaunched':
      return { launched: true, version: state.version + 1, inspection: event.data };
  }
}
