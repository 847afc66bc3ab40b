import { ContractRegistry, ReviewApproved, evaluationContracts } from '@vanguard/contracts';

/** Where evaluation publishes its events (`vanguard.evaluation.events.v1`). */
export const EVALUATION_EVENTS_TOPIC = ReviewApproved.topic;

/** Evaluation's published language, as this consumer validates it; `topic` redirects it (tests). */
export const evaluationContractsOn = (topic: string = EVALUATION_EVENTS_TOPIC): ContractRegistry =>
  new ContractRegistry(evaluationContracts.map((c) => ({ ...c, topic })));
