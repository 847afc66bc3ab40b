import type { BenchmarkChosen, BenchmarkProgressReported, ContractData } from '@vanguard/contracts';
import type { DecidedBy } from '../decided-by';
import type { OrgPath } from '../org-path';

export interface ChooseBenchmark {
  readonly type: 'ChooseBenchmark';
  readonly data: ContractData<typeof BenchmarkChosen> & { readonly today: string };
}
export interface ReportBenchmarkProgress {
  readonly type: 'ReportBenchmarkProgress';
  /** `reportedBy`: who reports, judged against the organisation benchmarking; not recorded in the event. */
  readonly data: Omit<ContractData<typeof BenchmarkProgressReported>, 'benchmarkId'> & { readonly reportedBy: DecidedBy };
}
export interface ConfirmBenchmarkReached {
  readonly type: 'ConfirmBenchmarkReached';
  /** `orgPath`: the path of the organisation benchmarking (or the member's), recorded among the decision's inputs. */
  readonly data: { readonly decidedBy: DecidedBy; readonly orgPath: OrgPath; readonly reason: string };
}
export type BenchmarkCommand = ChooseBenchmark | ReportBenchmarkProgress | ConfirmBenchmarkReached;
