import type { BenchmarkChosen, BenchmarkProgressReported, BenchmarkReached, ContractData } from '@vanguard/contracts';
import type { DomainEvent } from '@vanguard/kernel';

export type BenchmarkChosenEvent = DomainEvent<typeof BenchmarkChosen.type, ContractData<typeof BenchmarkChosen>>;
export type BenchmarkProgressReportedEvent = DomainEvent<
  typeof BenchmarkProgressReported.type,
  ContractData<typeof BenchmarkProgressReported>
>;
export type BenchmarkReachedEvent = DomainEvent<typeof BenchmarkReached.type, ContractData<typeof BenchmarkReached>>;
export type BenchmarkEvent = BenchmarkChosenEvent | BenchmarkProgressReportedEvent | BenchmarkReachedEvent;
