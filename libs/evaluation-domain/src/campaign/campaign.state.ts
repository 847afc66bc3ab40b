import type { ContractData, CampaignLaunched } from '@vanguard/contracts';
import type { CampaignEvent } from './campaign.events';

export type CycleStatus = 'planned' | 'open' | 'closed';

export interface CycleState {
  readonly cycleId: string;
  readonly quarter: string;
  readonly startsOn: string;
  readonly endsOn: string;
  readonly status: CycleStatus;
}

export interface CampaignState {
  readonly launched: boolean;
  readonly version: number;
  readonly campaignId: string | null;
  readonly orgId: string | null;
  readonly phases: ContractData<typeof CampaignLaunched>['phases'];
  readonly cycles: readonly CycleState[];
}

export const initialState = (): CampaignState => ({ launched: false, version: 0, campaignId: null, orgId: null, phases: [], cycles: [] });

const withCycle = (s: CampaignState, cycleId: string, status: CycleStatus): CampaignState => ({
  ...s,
  cycles: s.cycles.map((c) => (c.cycleId === cycleId ? { ...c, status } : c)),
});

export function evolve(state: CampaignState, event: CampaignEvent): CampaignState {
  const s = { ...state, version: state.version + 1 };
  switch (event.type) {
    case 'evaluation.CampaignLaunched':
      return { ...s, launched: true, campaignId: event.data.campaignId, orgId: event.data.orgId, phases: event.data.phases };
    case 'evaluation.CyclePlanned': {
      const { cycleId, quarter, startsOn, endsOn } = event.data;
      return { ...s, cycles: [...s.cycles, { cycleId, quarter, startsOn, endsOn, status: 'planned' }] };
    }
    case 'evaluation.CycleOpened':
      return withCycle(s, event.data.cycleId, 'open');
    case 'evaluation.CycleClosed':
      return withCycle(s, event.data.cycleId, 'closed');
  }
}
