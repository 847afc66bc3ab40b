import type { BenchmarkEvent } from './benchmark.events';

export interface BenchmarkState {
  readonly status: 'none' | 'active' | 'reached';
  readonly version: number;
  readonly benchmarkId: string | null;
  /** The organisation benchmarking (the member's, for a member): what the caller's scope is checked against. */
  readonly orgId: string | null;
  readonly subjectKind: 'organization' | 'member' | null;
  readonly percent: number;
}

export const initialState = (): BenchmarkState => ({
  status: 'none',
  version: 0,
  benchmarkId: null,
  orgId: null,
  subjectKind: null,
  percent: 0,
});

export function evolve(state: BenchmarkState, event: BenchmarkEvent): BenchmarkState {
  const s = { ...state, version: state.version + 1 };
  switch (event.type) {
    case 'evaluation.BenchmarkChosen':
      return { ...s, status: 'active', benchmarkId: event.data.benchmarkId, orgId: event.data.orgId, subjectKind: event.data.subject.kind };
    case 'evaluation.BenchmarkProgressReported':
      return { ...s, percent: event.data.percent };
    case 'evaluation.BenchmarkReached':
      return { ...s, status: 'reached', percent: 100 };
  }
}
