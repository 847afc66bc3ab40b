import { Inject, Injectable } from '@nestjs/common';
import { CommentNotFoundError } from '../../commands/comment-access/comment-access';
import { OutOfScopeError, type CommandContext } from '../../commands/command-context';
import { CLOCK, type ClockPort } from '../../ports/clock.port';
import { ORG_TREE, type OrgTreePort } from '../../ports/org-tree.port';
import {
  COMMENT_READ_MODEL,
  type CommentReadModelPort,
  type CommentView,
  type RectificationStatus,
  type RectificationSummary,
  type RectificationView,
} from './comment-read-model.port';

type Page<T> = { items: T[]; total: number };

/** Reads of comments and rectifications from their projection, inside the caller's subtree, as of today in China. */
@Injectable()
export class CommentQueries {
  constructor(
    @Inject(COMMENT_READ_MODEL) private readonly views: CommentReadModelPort,
    @Inject(ORG_TREE) private readonly tree: OrgTreePort,
    @Inject(CLOCK) private readonly clock: ClockPort,
  ) {}

  async comment(commentId: string, ctx: CommandContext): Promise<CommentView> {
    const view = await this.views.comment(commentId, this.clock.today());
    // Outside the caller's subtree reads exactly like a comment that does not exist.
    if (!view || !this.tree.isWithin(ctx.caller.orgId, view.orgId)) throw new CommentNotFoundError(commentId);
    return view;
  }

  comments(q: { subtreeOf?: string; cycleId?: string; limit: number; offset: number }, ctx: CommandContext): Promise<Page<CommentView>> {
    return this.views.comments({ ...q, subtreeOf: this.subtree(q.subtreeOf, ctx), today: this.clock.today() });
  }

  rectifications(
    q: { subtreeOf?: string; status?: RectificationStatus; limit: number; offset: number },
    ctx: CommandContext,
  ): Promise<Page<RectificationView>> {
    return this.views.rectifications({ ...q, subtreeOf: this.subtree(q.subtreeOf, ctx), today: this.clock.today() });
  }

  summary(q: { subtreeOf?: string }, ctx: CommandContext): Promise<RectificationSummary> {
    return this.views.summary({ subtreeOf: this.subtree(q.subtreeOf, ctx), today: this.clock.today() });
  }

  dueForOverdueCheck(ctx: CommandContext): Promise<string[]> {
    return this.views.dueForOverdueCheck({ subtreeOf: this.subtree(undefined, ctx), today: this.clock.today() });
  }

  private subtree(requested: string | undefined, ctx: CommandContext): string {
    const subtreeOf = requested ?? ctx.caller.orgId;
    if (!subtreeOf || !this.tree.isWithin(ctx.caller.orgId, subtreeOf)) throw new OutOfScopeError();
    return subtreeOf;
  }
}
