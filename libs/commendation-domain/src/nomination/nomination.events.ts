import type {
  CommendationDecided,
  CommendationRevoked,
  ContractData,
  EligibilityChecked,
  NominationAmended,
  NominationEndorsed,
  NominationRejected,
  NominationReturned,
  NominationReviewOverdue,
  NominationSubmitted,
  NominationWithdrawn,
} from '@vanguard/contracts';
import type { DomainEvent } from '@vanguard/kernel';

// The nomination stream's events, typed from the published contracts.
export type EligibilityCheckedEvent = DomainEvent<typeof EligibilityChecked.type, ContractData<typeof EligibilityChecked>>;
export type NominationSubmittedEvent = DomainEvent<typeof NominationSubmitted.type, ContractData<typeof NominationSubmitted>>;
export type NominationEndorsedEvent = DomainEvent<typeof NominationEndorsed.type, ContractData<typeof NominationEndorsed>>;
export type NominationReturnedEvent = DomainEvent<typeof NominationReturned.type, ContractData<typeof NominationReturned>>;
export type NominationAmendedEvent = DomainEvent<typeof NominationAmended.type, ContractData<typeof NominationAmended>>;
export type NominationRejectedEvent = DomainEvent<typeof NominationRejected.type, ContractData<typeof NominationRejected>>;
export type NominationReviewOverdueEvent = DomainEvent<typeof NominationReviewOverdue.type, ContractData<typeof NominationReviewOverdue>>;
export type NominationWithdrawnEvent = DomainEvent<typeof NominationWithdrawn.type, ContractData<typeof NominationWithdrawn>>;
export type CommendationDecidedEvent = DomainEvent<typeof CommendationDecided.type, ContractData<typeof CommendationDecided>>;
export type CommendationRevokedEvent = DomainEvent<typeof CommendationRevoked.type, ContractData<typeof CommendationRevoked>>;

export type NominationEvent =
  | EligibilityCheckedEvent
  | NominationSubmittedEvent
  | NominationEndorsedEvent
  | NominationReturnedEvent
  | NominationAmendedEvent
  | NominationRejectedEvent
  | NominationReviewOverdueEvent
  | NominationWithdrawnEvent
  | CommendationDecidedEvent
  | CommendationRevokedEvent;
