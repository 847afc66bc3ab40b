import type { ContractData, OrganizationAssessed, TierChanged } from '@vanguard/contracts';
import type { DomainEvent } from '@vanguard/kernel';

export type OrganizationAssessedEvent = DomainEvent<typeof OrganizationAssessed.type, ContractData<typeof OrganizationAssessed>>;
export type TierChangedEvent = DomainEvent<typeof TierChanged.type, ContractData<typeof TierChanged>>;

export type AssessmentEvent = OrganizationAssessedEvent | TierChangedEvent;
