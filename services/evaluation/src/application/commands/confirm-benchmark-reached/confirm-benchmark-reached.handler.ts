import { Inject, Injectable } from '@nestjs/common';
import { ORG_TREE, type OrgTreePort } from '../../ports/org-tree.port';
import { STREAMS, type StreamsPort } from '../../ports/streams.port';
import { decideOnBenchmark } from '../benchmark-access/benchmark-access';
import { decidedBy, type CommandContext } from '../command-context';
import { readPathOrFail } from '../pledge-access';

/** 达标: a level above the organisation benchmarking confirms the gaps are closed; its path comes from the tree copy. */
@Injectable()
export class ConfirmBenchmarkReachedHandler {
  constructor(
    @Inject(STREAMS) private readonly streams: StreamsPort,
    @Inject(ORG_TREE) private readonly tree: OrgTreePort,
  ) {}

  execute(benchmarkId: string, input: { readonly reason: string }, ctx: CommandContext): Promise<{ version: number }> {
    return decideOnBenchmark(this.streams, this.tree, ctx, benchmarkId, async (b) => ({
      type: 'ConfirmBenchmarkReached',
      data: { decidedBy: decidedBy(ctx), orgPath: await readPathOrFail(this.tree, b.orgId), reason: input.reason },
    }));
  }
}
