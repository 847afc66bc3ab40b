import type {
  BallotCodesIssued,
  BallotCodesVoided,
  ContractData,
  MassEvaluationClosed,
  MassEvaluationOpenedV2,
  MassEvaluationPublishedV2,
} from '@vanguard/contracts';
import type { DomainEvent } from '@vanguard/kernel';

/**
 * Typed by v2, which the service appends; v1 events (no decision) are read as v2 through
 * `upcastMassEvaluationEvent`, and `evolve` reads nothing of the decision, so either folds alike.
 */
export type MassEvaluationOpenedEvent = DomainEvent<typeof MassEvaluationOpenedV2.type, ContractData<typeof MassEvaluationOpenedV2>>;
export type MassEvaluationClosedEvent = DomainEvent<typeof MassEvaluationClosed.type, ContractData<typeof MassEvaluationClosed>>;
export type MassEvaluationPublishedEvent = DomainEvent<
  typeof MassEvaluationPublishedV2.type,
  ContractData<typeof MassEvaluationPublishedV2>
>;

export type BallotCodesIssuedEvent = DomainEvent<typeof BallotCodesIssued.type, ContractData<typeof BallotCodesIssued>>;

export type BallotCodesVoidedEvent = DomainEvent<typeof BallotCodesVoided.type, ContractData<typeof BallotCodesVoided>>;

export type MassEvaluationEvent =
  MassEvaluationOpenedEvent | BallotCodesIssuedEvent | BallotCodesVoidedEvent | MassEvaluationClosedEvent | MassEvaluationPublishedEvent;
