import type {
  BallotCodesIssued,
  ContractData,
  MassEvaluationClosed,
  MassEvaluationOpened,
  MassEvaluationPublished,
} from '@vanguard/contracts';
import type { DomainEvent } from '@vanguard/kernel';

export type MassEvaluationOpenedEvent = DomainEvent<typeof MassEvaluationOpened.type, ContractData<typeof MassEvaluationOpened>>;
export type MassEvaluationClosedEvent = DomainEvent<typeof MassEvaluationClosed.type, ContractData<typeof MassEvaluationClosed>>;
export type MassEvaluationPublishedEvent = DomainEvent<typeof MassEvaluationPublished.type, ContractData<typeof MassEvaluationPublished>>;

export type BallotCodesIssuedEvent = DomainEvent<typeof BallotCodesIssued.type, ContractData<typeof BallotCodesIssued>>;

export type MassEvaluationEvent =
  MassEvaluationOpenedEvent | BallotCodesIssuedEvent | MassEvaluationClosedEvent | MassEvaluationPublishedEvent;
