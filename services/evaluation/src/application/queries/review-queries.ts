import { Inject, Injectable } from '@nestjs/common';
import { OutOfScopeError, type CommandContext } from '../commands/command-context';
import { ORG_TREE, type OrgTreePort } from '../ports/org-tree.port';
import { REVIEW_READ_MODEL, type ReviewReadModelPort, type ReviewView } from '../ports/review-read-model.port';
import { STREAMS, type StreamsPort } from '../ports/streams.port';
import { EvidencePack, type EvidencePackResult } from '../reviews/evidence-pack';
import { loadReviewInScope, ReviewNotFoundError } from '../reviews/review-access';

/** Reviews from their projection, and the evidence pack, inside the caller's subtree. */
@Injectable()
export class ReviewQueries {
  constructor(
    @Inject(REVIEW_READ_MODEL) private readonly views: ReviewReadModelPort,
    @Inject(ORG_TREE) private readonly tree: OrgTreePort,
    @Inject(STREAMS) private readonly streams: StreamsPort,
    private readonly evidence: EvidencePack,
  ) {}

  async get(memberId: string, year: number, ctx: CommandContext): Promise<ReviewView> {
    const view = await this.views.get(memberId, year);
    if (!view || !this.tree.isWithin(ctx.caller.orgId, view.orgId)) throw new ReviewNotFoundError(memberId, year);
    return view;
  }

  list(
    q: { subtreeOf?: string; year: number; status?: string; limit: number; offset: number },
    ctx: CommandContext,
  ): Promise<{ items: ReviewView[]; total: number }> {
    const subtreeOf = q.subtreeOf ?? ctx.caller.orgId;
    if (!subtreeOf || !this.tree.isWithin(ctx.caller.orgId, subtreeOf)) throw new OutOfScopeError();
    return this.views.list({ ...q, subtreeOf });
  }

  /**
   * 评议材料 of a member under review: what is already recorded about their year. The review's
   * stream (not the projection) decides scope, so the pack is there as soon as the review is.
   */
  async evidencePack(memberId: string, year: number, ctx: CommandContext): Promise<EvidencePackResult> {
    const review = await loadReviewInScope(this.streams, this.tree, ctx, memberId, year);
    return this.evidence.gather({ memberId, orgId: review.orgId, year });
  }
}
