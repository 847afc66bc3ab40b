import type { CampaignLaunched, ContractData, CyclePlanned } from '@vanguard/contracts';

export interface LaunchCampaign {
  readonly type: 'LaunchCampaign';
  readonly data: ContractData<typeof CampaignLaunched>;
}
export interface PlanCycle {
  readonly type: 'PlanCycle';
  readonly data: Omit<ContractData<typeof CyclePlanned>, 'campaignId'>;
}
export interface OpenCycle {
  readonly type: 'OpenCycle';
  readonly data: { readonly cycleId: string };
}
export interface CloseCycle {
  readonly type: 'CloseCycle';
  readonly data: { readonly cycleId: string };
}

export type CampaignCommand = LaunchCampaign | PlanCycle | OpenCycle | CloseCycle;
