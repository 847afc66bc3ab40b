import { Inject, Injectable } from '@nestjs/common';
import { CLOCK, type ClockPort } from '../../ports/clock.port';
import { ORG_TREE, type OrgTreePort } from '../../ports/org-tree.port';
import { ConcurrentChangeError, STREAMS, type StreamsPort } from '../../ports/streams.port';
import type { CommandContext } from '../command-context';
import { decideOnComment, loadCommentInScope } from '../comment-access/comment-access';

/**
 * The overdue check: marks every open rectification past its deadline (against the injected
 * clock's day in China) overdue, once, on each comment given. A comment changed meanwhile is
 * left for the next check rather than failing the others.
 */
@Injectable()
export class MarkOverdueRectificationsHandler {
  constructor(
    @Inject(STREAMS) private readonly streams: StreamsPort,
    @Inject(ORG_TREE) private readonly tree: OrgTreePort,
    @Inject(CLOCK) private readonly clock: ClockPort,
  ) {}

  async execute(commentIds: readonly string[], ctx: CommandContext): Promise<{ marked: number; skipped: number }> {
    const today = this.clock.today();
    let [marked, skipped] = [0, 0];
    for (const commentId of commentIds) {
      try {
        const comment = await loadCommentInScope(this.streams, this.tree, ctx, commentId);
        marked += (await decideOnComment(this.streams, ctx, comment, { type: 'MarkOverdueRectifications', data: { today } })).events;
      } catch (e) {
        if (!(e instanceof ConcurrentChangeError)) throw e;
        skipped++;
      }
    }
    return { marked, skipped };
  }
}
