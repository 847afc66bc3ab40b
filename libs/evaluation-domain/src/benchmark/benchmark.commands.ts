import type { BenchmarkChosen, BenchmarkProgressReported, ContractData } from '@vanguard/contracts';
import type { DecidedBy } from '../decided-by';

export interface ChooseBenchmark {
  readonly type: 'ChooseBenchmark';
  readonly data: ContractData<typeof BenchmarkChosen> & { readonly today: string };
}
export interface ReportBenchmarkProgress {
  readonly type: 'ReportBenchmarkProgress';
  readonly data: Omit<ContractData<typeof BenchmarkProgressReported>, 'benchmarkId'>;
}
export interface ConfirmBenchmarkReached {
  readonly type: 'ConfirmBenchmarkReached';
  /** `orgPath`: ids from the root down to the organisation benchmarking (or the member's). */
  readonly data: { readonly decidedBy: DecidedBy; readonly orgPath: readonly string[]; readonly reason: string };
}
export type BenchmarkCommand = ChooseBenchmark | ReportBenchmarkProgress | ConfirmBenchmarkReached;
