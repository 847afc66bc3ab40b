import type { ContractData, QuarterPioneerNominated } from '@vanguard/contracts';
import type { PioneerEvent } from './pioneer.events';

type Candidate = ContractData<typeof QuarterPioneerNominated>['candidate'];

export interface PioneerState {
  readonly version: number;
  readonly orgId: string | null;
  readonly cycleId: string | null;
  readonly nominated: readonly Candidate[];
  readonly selected: readonly Candidate[];
}

export const initialState = (): PioneerState => ({ version: 0, orgId: null, cycleId: null, nominated: [], selected: [] });

export function evolve(state: PioneerState, event: PioneerEvent): PioneerState {
  const s = { ...state, version: state.version + 1, orgId: event.data.orgId, cycleId: event.data.cycleId };
  switch (event.type) {
    case 'evaluation.QuarterPioneerNominated':
      return { ...s, nominated: [...s.nominated, event.data.candidate] };
    case 'evaluation.QuarterPioneerSelected':
      return { ...s, selected: [...s.selected, event.data.candidate] };
  }
}

export const sameCandidate = (a: Candidate, b: Candidate) => a.kind === b.kind && a.id === b.id;
