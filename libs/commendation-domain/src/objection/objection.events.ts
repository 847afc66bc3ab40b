import type { ContractData, ObjectionAssigned, ObjectionDismissed, ObjectionFiled, ObjectionUpheld } from '@vanguard/contracts';
import type { DomainEvent } from '@vanguard/kernel';

export type ObjectionFiledEvent = DomainEvent<typeof ObjectionFiled.type, ContractData<typeof ObjectionFiled>>;
export type ObjectionAssignedEvent = DomainEvent<typeof ObjectionAssigned.type, ContractData<typeof ObjectionAssigned>>;
export type ObjectionUpheldEvent = DomainEvent<typeof ObjectionUpheld.type, ContractData<typeof ObjectionUpheld>>;
export type ObjectionDismissedEvent = DomainEvent<typeof ObjectionDismissed.type, ContractData<typeof ObjectionDismissed>>;

export type ObjectionEvent = ObjectionFiledEvent | ObjectionAssignedEvent | ObjectionUpheldEvent | ObjectionDismissedEvent;
