import type {
  ContractData,
  MonthlyReviewConcluded,
  MonthlyReviewOpened,
  MonthlyReviewScoresRecorded,
  ZoneDesignated,
} from '@vanguard/contracts';
import type { DomainEvent } from '@vanguard/kernel';

export type ZoneDesignatedEvent = DomainEvent<typeof ZoneDesignated.type, ContractData<typeof ZoneDesignated>>;
/** A zone stream holds its designation: name, guiding leader, units. */
export type ZoneEvent = ZoneDesignatedEvent;

export type MonthlyReviewOpenedEvent = DomainEvent<typeof MonthlyReviewOpened.type, ContractData<typeof MonthlyReviewOpened>>;
export type MonthlyReviewScoresRecordedEvent = DomainEvent<
  typeof MonthlyReviewScoresRecorded.type,
  ContractData<typeof MonthlyReviewScoresRecorded>
>;
export type MonthlyReviewConcludedEvent = DomainEvent<typeof MonthlyReviewConcluded.type, ContractData<typeof MonthlyReviewConcluded>>;
/** A round stream: opened, scored in batches, concluded with its ranking. Its findings go on comment streams. */
export type MonthlyReviewEvent = MonthlyReviewOpenedEvent | MonthlyReviewScoresRecordedEvent | MonthlyReviewConcludedEvent;
