import type { ContractData, WindowServicesCounted, WindowUnitCommitmentsPublished } from '@vanguard/contracts';
import type { DomainEvent } from '@vanguard/kernel';

export type WindowUnitCommitmentsPublishedEvent = DomainEvent<
  typeof WindowUnitCommitmentsPublished.type,
  ContractData<typeof WindowUnitCommitmentsPublished>
>;
export type WindowServicesCountedEvent = DomainEvent<typeof WindowServicesCounted.type, ContractData<typeof WindowServicesCounted>>;
/** A window unit's stream (`window-unit-<orgId>`): its published commitments and the services its systems reported. */
export type WindowUnitEvent = WindowUnitCommitmentsPublishedEvent | WindowServicesCountedEvent;
