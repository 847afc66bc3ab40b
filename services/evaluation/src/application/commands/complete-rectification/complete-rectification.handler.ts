import { Inject, Injectable } from '@nestjs/common';
import { CLOCK, type ClockPort } from '../../ports/clock.port';
import { ORG_TREE, type OrgTreePort } from '../../ports/org-tree.port';
import { STREAMS, type StreamsPort } from '../../ports/streams.port';
import { decidedBy, type CommandContext } from '../command-context';
import { decideOnComment, loadCommentInScope } from '../comment-access/comment-access';
import { readPathOrFail } from '../pledge-access';

/**
 * 整改销号: a level above the organisation confirms a rectification done today (China time);
 * the decider records whether that was by the deadline.
 */
@Injectable()
export class CompleteRectificationHandler {
  constructor(
    @Inject(STREAMS) private readonly streams: StreamsPort,
    @Inject(ORG_TREE) private readonly tree: OrgTreePort,
    @Inject(CLOCK) private readonly clock: ClockPort,
  ) {}

  async execute(
    commentId: string,
    findingId: string,
    input: { readonly reason: string },
    ctx: CommandContext,
  ): Promise<{ version: number }> {
    const comment = await loadCommentInScope(this.streams, this.tree, ctx, commentId);
    const orgPath = await readPathOrFail(this.tree, comment.orgId);
    const { version } = await decideOnComment(this.streams, ctx, comment, {
      type: 'CompleteRectification',
      data: { findingId, completedOn: this.clock.today(), decidedBy: decidedBy(ctx), orgPath, reason: input.reason },
    });
    return { version };
  }
}
