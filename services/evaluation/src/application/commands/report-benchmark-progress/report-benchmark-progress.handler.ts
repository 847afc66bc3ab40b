import { Inject, Injectable } from '@nestjs/common';
import { ORG_TREE, type OrgTreePort } from '../../ports/org-tree.port';
import { STREAMS, type StreamsPort } from '../../ports/streams.port';
import { decideOnBenchmark } from '../benchmark-access/benchmark-access';
import { decidedBy, type CommandContext } from '../command-context';

export interface ReportBenchmarkProgressInput {
  readonly note: string;
  readonly percent: number;
}

/** Progress on closing the gaps, by the organisation benchmarking; never below the last report (the decider's rules). */
@Injectable()
export class ReportBenchmarkProgressHandler {
  constructor(
    @Inject(STREAMS) private readonly streams: StreamsPort,
    @Inject(ORG_TREE) private readonly tree: OrgTreePort,
  ) {}

  execute(benchmarkId: string, input: ReportBenchmarkProgressInput, ctx: CommandContext): Promise<{ version: number }> {
    return decideOnBenchmark(this.streams, this.tree, ctx, benchmarkId, () => ({
      type: 'ReportBenchmarkProgress',
      data: { note: input.note, percent: input.percent, reportedBy: decidedBy(ctx) },
    }));
  }
}
