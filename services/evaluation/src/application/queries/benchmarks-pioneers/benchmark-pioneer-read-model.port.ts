import type { Decision } from '@vanguard/contracts';

export const BENCHMARK_PIONEER_READ_MODEL = Symbol('BENCHMARK_PIONEER_READ_MODEL');

export interface BenchmarkView {
  readonly benchmarkId: string;
  readonly orgId: string;
  readonly subject: { readonly kind: 'organization' | 'member'; readonly id: string };
  readonly target: { readonly kind: 'organization' | 'member'; readonly id: string; readonly name: string };
  readonly gaps: readonly string[];
  readonly measures: readonly string[];
  readonly dueOn: string;
  readonly status: 'active' | 'reached';
  readonly percent: number;
  readonly lastNote: string | null;
  readonly reachedDecision: Decision | null;
  /** The stream version this row reflects. */
  readonly version: number;
}

export interface PioneerView {
  readonly orgId: string;
  readonly cycleId: string;
  readonly candidate: { readonly kind: 'organization' | 'member'; readonly id: string };
  readonly deeds: string;
  readonly status: 'nominated' | 'selected';
  readonly votesFor: number | null;
  readonly votesCast: number | null;
  /** Who selected, in which role, for which organisation, the inputs, the rule and its version, the reason. */
  readonly decision: Decision | null;
}

export interface BenchmarkPioneerReadModelPort {
  benchmark(benchmarkId: string): Promise<BenchmarkView | null>;
  benchmarks(q: { subtreeOf: string; limit: number; offset: number }): Promise<{ items: BenchmarkView[]; total: number }>;
  pioneers(q: { subtreeOf: string; cycleId?: string; limit: number; offset: number }): Promise<{ items: PioneerView[]; total: number }>;
}
