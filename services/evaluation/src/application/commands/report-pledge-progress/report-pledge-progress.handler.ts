import { Inject, Injectable } from '@nestjs/common';
import type { ReportPledgeProgress } from '@vanguard/evaluation-domain';
import { ORG_TREE, type OrgTreePort } from '../../ports/org-tree.port';
import { STREAMS, type StreamsPort } from '../../ports/streams.port';
import { decidedBy, type CommandContext } from '../command-context';
import { decideOnPledge } from '../pledge-access';

export type ReportPledgeProgressInput = Pick<ReportPledgeProgress['data'], 'note' | 'percent'>;

/** 践诺: the pledger reports progress, never below the last report. */
@Injectable()
export class ReportPledgeProgressHandler {
  constructor(
    @Inject(STREAMS) private readonly streams: StreamsPort,
    @Inject(ORG_TREE) private readonly tree: OrgTreePort,
  ) {}

  execute(pledgeId: string, input: ReportPledgeProgressInput, ctx: CommandContext): Promise<{ version: number }> {
    return decideOnPledge(this.streams, this.tree, ctx, pledgeId, () => ({
      type: 'ReportPledgeProgress',
      data: { note: input.note, percent: input.percent, reportedBy: decidedBy(ctx) },
    }));
  }
}
