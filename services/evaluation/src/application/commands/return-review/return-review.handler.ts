import { Inject, Injectable } from '@nestjs/common';
import { ORG_TREE, type OrgTreePort } from '../../ports/org-tree.port';
import { STREAMS, type StreamsPort } from '../../ports/streams.port';
import { approverDecidedBy, decideOnReview } from '../../reviews/review-access';
import type { CommandContext } from '../command-context';

/** 退回: the level above sends the conclusion back to the branch with its reason. */
@Injectable()
export class ReturnReviewHandler {
  constructor(
    @Inject(STREAMS) private readonly streams: StreamsPort,
    @Inject(ORG_TREE) private readonly tree: OrgTreePort,
  ) {}

  execute(memberId: string, year: number, input: { reason: string }, ctx: CommandContext): Promise<{ version: number }> {
    return decideOnReview(this.streams, this.tree, ctx, memberId, year, (r) => ({
      type: 'ReturnReview',
      data: { decidedBy: approverDecidedBy(ctx), memberOrgPath: r.path, reason: input.reason },
    }));
  }
}
