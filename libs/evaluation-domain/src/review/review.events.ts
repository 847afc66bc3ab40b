import type {
  ContractData,
  PeerBallotsTallied,
  ReviewApproved,
  ReviewConcluded,
  ReviewReturned,
  SelfAssessmentSubmitted,
} from '@vanguard/contracts';
import type { DomainEvent } from '@vanguard/kernel';

export type SelfAssessmentSubmittedEvent = DomainEvent<typeof SelfAssessmentSubmitted.type, ContractData<typeof SelfAssessmentSubmitted>>;
export type PeerBallotsTalliedEvent = DomainEvent<typeof PeerBallotsTallied.type, ContractData<typeof PeerBallotsTallied>>;
export type ReviewConcludedEvent = DomainEvent<typeof ReviewConcluded.type, ContractData<typeof ReviewConcluded>>;
export type ReviewApprovedEvent = DomainEvent<typeof ReviewApproved.type, ContractData<typeof ReviewApproved>>;
export type ReviewReturnedEvent = DomainEvent<typeof ReviewReturned.type, ContractData<typeof ReviewReturned>>;

export type ReviewEvent =
  SelfAssessmentSubmittedEvent | PeerBallotsTalliedEvent | ReviewConcludedEvent | ReviewApprovedEvent | ReviewReturnedEvent;
