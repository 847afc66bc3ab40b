import type { ContractData, QuarterPioneerNominated, QuarterPioneerSelected } from '@vanguard/contracts';
import type { DomainEvent } from '@vanguard/kernel';

export type QuarterPioneerNominatedEvent = DomainEvent<typeof QuarterPioneerNominated.type, ContractData<typeof QuarterPioneerNominated>>;
export type QuarterPioneerSelectedEvent = DomainEvent<typeof QuarterPioneerSelected.type, ContractData<typeof QuarterPioneerSelected>>;
export type PioneerEvent = QuarterPioneerNominatedEvent | QuarterPioneerSelectedEvent;
