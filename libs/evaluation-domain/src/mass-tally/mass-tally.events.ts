import type { ContractData, MassEvaluationTallyRecorded } from '@vanguard/contracts';
import type { DomainEvent } from '@vanguard/kernel';

export type MassEvaluationTallyRecordedEvent = DomainEvent<
  typeof MassEvaluationTallyRecorded.type,
  ContractData<typeof MassEvaluationTallyRecorded>
>;

export type MassTallyEvent = MassEvaluationTallyRecordedEvent;
