import type { ContractData, TraineesEnrolled, TrainingAttendanceRecorded, TrainingClassOpened } from '@vanguard/contracts';
import type { DomainEvent } from '@vanguard/kernel';

export type TrainingClassOpenedEvent = DomainEvent<typeof TrainingClassOpened.type, ContractData<typeof TrainingClassOpened>>;
export type TraineesEnrolledEvent = DomainEvent<typeof TraineesEnrolled.type, ContractData<typeof TraineesEnrolled>>;
export type TrainingAttendanceRecordedEvent = DomainEvent<
  typeof TrainingAttendanceRecorded.type,
  ContractData<typeof TrainingAttendanceRecorded>
>;
export type TrainingClassEvent = TrainingClassOpenedEvent | TraineesEnrolledEvent | TrainingAttendanceRecordedEvent;
