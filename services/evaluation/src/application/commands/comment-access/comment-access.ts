import { commentDecider, type CommentCommand, type CommentState } from '@vanguard/evaluation-domain';
import { DomainError } from '@vanguard/kernel';
import type { OrgTreePort } from '../../ports/org-tree.port';
import type { Loaded, StreamsPort } from '../../ports/streams.port';
import { streamContext, type CommandContext } from '../command-context';

export class CommentNotFoundError extends DomainError {
  constructor(commentId: string) {
    super('COMMENT.NOT_FOUND', 'not_found', `点评不存在 / no comment ${commentId}`);
  }
}

export const commentStream = (commentId: string) => `comment-${commentId}`;

/** A comment on an organisation in the caller's subtree; any other answers like one that does not exist. */
export async function loadCommentInScope(
  streams: StreamsPort,
  tree: OrgTreePort,
  ctx: CommandContext,
  commentId: string,
): Promise<Loaded<CommentState> & { orgId: string }> {
  const loaded = await streams.load(commentStream(commentId), commentDecider);
  const orgId = loaded.state.orgId;
  if (!loaded.state.made || !orgId || !tree.isWithin(ctx.caller.orgId, orgId)) throw new CommentNotFoundError(commentId);
  return { ...loaded, orgId };
}

/** Decide on a loaded comment and append expecting the version read; nothing to record appends nothing. */
export async function decideOnComment(
  streams: StreamsPort,
  ctx: CommandContext,
  comment: Loaded<CommentState> & { orgId: string },
  command: CommentCommand,
): Promise<{ version: number; events: number }> {
  const events = commentDecider.decide(command, comment.state);
  if (events.length === 0) return { version: comment.version, events: 0 };
  const version = await streams.append(commentStream(comment.state.commentId!), events, comment.version, streamContext(ctx, comment.orgId));
  return { version, events: events.length };
}
