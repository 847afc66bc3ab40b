import type { CampaignLaunched, ContractData, CycleClosed, CycleOpened, CyclePlanned } from '@vanguard/contracts';
import type { DomainEvent } from '@vanguard/kernel';

export type CampaignLaunchedEvent = DomainEvent<typeof CampaignLaunched.type, ContractData<typeof CampaignLaunched>>;
export type CyclePlannedEvent = DomainEvent<typeof CyclePlanned.type, ContractData<typeof CyclePlanned>>;
export type CycleOpenedEvent = DomainEvent<typeof CycleOpened.type, ContractData<typeof CycleOpened>>;
export type CycleClosedEvent = DomainEvent<typeof CycleClosed.type, ContractData<typeof CycleClosed>>;

export type CampaignEvent = CampaignLaunchedEvent | CyclePlannedEvent | CycleOpenedEvent | CycleClosedEvent;
