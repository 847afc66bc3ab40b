import { benchmarkDecider, type BenchmarkCommand, type BenchmarkState } from '@vanguard/evaluation-domain';
import { DomainError } from '@vanguard/kernel';
import type { OrgTreePort } from '../../ports/org-tree.port';
import type { Loaded, StreamsPort } from '../../ports/streams.port';
import { streamContext, type CommandContext } from '../command-context';

export class BenchmarkNotFoundError extends DomainError {
  constructor(benchmarkId: string) {
    super('BENCHMARK.NOT_FOUND', 'not_found', `对标不存在 / no benchmarking ${benchmarkId}`);
  }
}

export const benchmarkStream = (benchmarkId: string) => `benchmark-${benchmarkId}`;

/** A benchmarking the caller may act on; outside the caller's subtree it answers like one that does not exist. */
export async function loadBenchmarkInScope(
  streams: StreamsPort,
  tree: OrgTreePort,
  ctx: CommandContext,
  benchmarkId: string,
): Promise<Loaded<BenchmarkState> & { orgId: string }> {
  const loaded = await streams.load(benchmarkStream(benchmarkId), benchmarkDecider);
  const orgId = loaded.state.orgId;
  if (loaded.state.status === 'none' || !orgId || !tree.isWithin(ctx.caller.orgId, orgId)) throw new BenchmarkNotFoundError(benchmarkId);
  return { ...loaded, orgId };
}

/** Load in scope, build the command from what was read, decide, append expecting the version read. */
export async function decideOnBenchmark(
  streams: StreamsPort,
  tree: OrgTreePort,
  ctx: CommandContext,
  benchmarkId: string,
  build: (benchmark: Loaded<BenchmarkState> & { orgId: string }) => BenchmarkCommand | Promise<BenchmarkCommand>,
): Promise<{ version: number }> {
  const benchmark = await loadBenchmarkInScope(streams, tree, ctx, benchmarkId);
  const events = benchmarkDecider.decide(await build(benchmark), benchmark.state);
  const version = await streams.append(benchmarkStream(benchmarkId), events, benchmark.version, streamContext(ctx, benchmark.orgId));
  return { version };
}
