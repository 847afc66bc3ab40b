import { Inject, Injectable } from '@nestjs/common';
import { BenchmarkNotFoundError } from '../../commands/benchmark-access/benchmark-access';
import { OutOfScopeError, type CommandContext } from '../../commands/command-context';
import { ORG_TREE, type OrgTreePort } from '../../ports/org-tree.port';
import {
  BENCHMARK_PIONEER_READ_MODEL,
  type BenchmarkPioneerReadModelPort,
  type BenchmarkView,
  type PioneerView,
} from './benchmark-pioneer-read-model.port';

type Page<T> = { items: T[]; total: number };

/** Reads of benchmarks and pioneers from their projection, inside the caller's subtree. */
@Injectable()
export class BenchmarkPioneerQueries {
  constructor(
    @Inject(BENCHMARK_PIONEER_READ_MODEL) private readonly views: BenchmarkPioneerReadModelPort,
    @Inject(ORG_TREE) private readonly tree: OrgTreePort,
  ) {}

  async benchmark(benchmarkId: string, ctx: CommandContext): Promise<BenchmarkView> {
    const view = await this.views.benchmark(benchmarkId);
    // Outside the caller's subtree reads exactly like a benchmarking that does not exist.
    if (!view || !this.tree.isWithin(ctx.caller.orgId, view.orgId)) throw new BenchmarkNotFoundError(benchmarkId);
    return view;
  }

  benchmarks(q: { subtreeOf?: string; limit: number; offset: number }, ctx: CommandContext): Promise<Page<BenchmarkView>> {
    return this.views.benchmarks({ ...q, subtreeOf: this.subtree(q.subtreeOf, ctx) });
  }

  pioneers(q: { subtreeOf?: string; cycleId?: string; limit: number; offset: number }, ctx: CommandContext): Promise<Page<PioneerView>> {
    return this.views.pioneers({ ...q, subtreeOf: this.subtree(q.subtreeOf, ctx) });
  }

  private subtree(requested: string | undefined, ctx: CommandContext): string {
    const subtreeOf = requested ?? ctx.caller.orgId;
    if (!subtreeOf || !this.tree.isWithin(ctx.caller.orgId, subtreeOf)) throw new OutOfScopeError();
    return subtreeOf;
  }
}
