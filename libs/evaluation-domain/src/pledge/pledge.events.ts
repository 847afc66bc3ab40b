import type {
  ContractData,
  PledgeAmended,
  PledgeFiled,
  PledgeFulfilled,
  PledgeLapsed,
  PledgeMade,
  PledgeProgressReported,
  PledgePublished,
  PledgeRated,
  PledgeReturned,
} from '@vanguard/contracts';
import type { DomainEvent } from '@vanguard/kernel';

// The pledge stream's events, typed from the published contracts: a field the contract
// does not know cannot be put on an event here.
export type PledgeMadeEvent = DomainEvent<typeof PledgeMade.type, ContractData<typeof PledgeMade>>;
export type PledgeAmendedEvent = DomainEvent<typeof PledgeAmended.type, ContractData<typeof PledgeAmended>>;
export type PledgeFiledEvent = DomainEvent<typeof PledgeFiled.type, ContractData<typeof PledgeFiled>>;
export type PledgeReturnedEvent = DomainEvent<typeof PledgeReturned.type, ContractData<typeof PledgeReturned>>;
export type PledgePublishedEvent = DomainEvent<typeof PledgePublished.type, ContractData<typeof PledgePublished>>;
export type PledgeProgressReportedEvent = DomainEvent<typeof PledgeProgressReported.type, ContractData<typeof PledgeProgressReported>>;
export type PledgeFulfilledEvent = DomainEvent<typeof PledgeFulfilled.type, ContractData<typeof PledgeFulfilled>>;
export type PledgeLapsedEvent = DomainEvent<typeof PledgeLapsed.type, ContractData<typeof PledgeLapsed>>;
export type PledgeRatedEvent = DomainEvent<typeof PledgeRated.type, ContractData<typeof PledgeRated>>;

export type PledgeEvent =
  | PledgeMadeEvent
  | PledgeAmendedEvent
  | PledgeFiledEvent
  | PledgeReturnedEvent
  | PledgePublishedEvent
  | PledgeProgressReportedEvent
  | PledgeFulfilledEvent
  | PledgeLapsedEvent
  | PledgeRatedEvent;
