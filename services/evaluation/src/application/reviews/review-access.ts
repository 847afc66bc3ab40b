import {
  APPROVING_ROLES,
  reviewDecider,
  type DecidedBy,
  type OrgPath,
  type ReviewCommand,
  type ReviewState,
} from '@vanguard/evaluation-domain';
import { DomainError } from '@vanguard/kernel';
import { OutOfScopeError, streamContext, type CommandContext } from '../commands/command-context';
import type { OrgTreePort } from '../ports/org-tree.port';
import type { Loaded, StreamsPort } from '../ports/streams.port';

export const reviewStream = (memberId: string, year: number) => `review-${memberId}-${year}`;

export class ReviewNotFoundError extends DomainError {
  constructor(memberId: string, year: number) {
    super('REVIEW.NOT_FOUND', 'not_found', `没有该党员本年度的评议 / no review of ${memberId} in ${year}`);
  }
}

/**
 * A review the caller may see or act on. Outside the caller's subtree it answers exactly like
 * a review that does not exist, so other branches' members cannot be probed.
 */
export async function loadReviewInScope(
  streams: StreamsPort,
  tree: OrgTreePort,
  ctx: CommandContext,
  memberId: string,
  year: number,
): Promise<Loaded<ReviewState> & { orgId: string }> {
  const loaded = await streams.load(reviewStream(memberId, year), reviewDecider);
  const orgId = loaded.state.orgId;
  if (loaded.state.status === 'none' || !orgId || !tree.isWithin(ctx.caller.orgId, orgId)) throw new ReviewNotFoundError(memberId, year);
  return { ...loaded, orgId };
}

/** The member's branch path (with the copy's versions) from the tree copy; a branch the copy no longer knows reads as not found. */
export async function memberOrgPath(tree: OrgTreePort, orgId: string, memberId: string, year: number): Promise<OrgPath> {
  const path = await tree.readPath(orgId);
  if (!path) throw new ReviewNotFoundError(memberId, year);
  return path;
}

/** Load the review in scope, build the command from what was read, decide, append expecting the version read. */
export async function decideOnReview(
  streams: StreamsPort,
  tree: OrgTreePort,
  ctx: CommandContext,
  memberId: string,
  year: number,
  build: (review: Loaded<ReviewState> & { orgId: string; path: OrgPath }) => ReviewCommand | Promise<ReviewCommand>,
): Promise<{ version: number }> {
  const review = await loadReviewInScope(streams, tree, ctx, memberId, year);
  const path = await memberOrgPath(tree, review.orgId, memberId, year);
  const events = reviewDecider.decide(await build({ ...review, path }), review.state);
  const version = await streams.append(reviewStream(memberId, year), events, review.version, streamContext(ctx, review.orgId));
  return { version };
}

/**
 * Who approves or returns: the role recorded is the first approving role (the domain's
 * APPROVING_ROLES, most specific first) the caller holds, so the domain rule can check it.
 */
export function approverDecidedBy(ctx: CommandContext): DecidedBy {
  if (!ctx.caller.orgId) throw new OutOfScopeError();
  const role = APPROVING_ROLES.find((r) => ctx.caller.roles.includes(r)) ?? ctx.caller.roles[0] ?? 'none';
  return { sub: ctx.caller.sub, role, orgId: ctx.caller.orgId };
}
