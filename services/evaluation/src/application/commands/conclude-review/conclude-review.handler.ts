import { Inject, Injectable } from '@nestjs/common';
import type { ConcludeReview } from '@vanguard/evaluation-domain';
import { ORG_TREE, type OrgTreePort } from '../../ports/org-tree.port';
import { STREAMS, type StreamsPort } from '../../ports/streams.port';
import { EvidencePack } from '../../reviews/evidence-pack';
import { decideOnReview } from '../../reviews/review-access';
import { decidedBy, type CommandContext } from '../command-context';

export type ConcludeReviewInput = Pick<ConcludeReview['data'], 'grade' | 'reason'>;

/**
 * 支部评定: the branch concludes the grade with its reasons. The handler gathers the evidence
 * pack the branch decided on, and the decision records its streams and versions beside the
 * review's own (whose version carries the ballot tally).
 */
@Injectable()
export class ConcludeReviewHandler {
  constructor(
    @Inject(STREAMS) private readonly streams: StreamsPort,
    @Inject(ORG_TREE) private readonly tree: OrgTreePort,
    private readonly evidence: EvidencePack,
  ) {}

  execute(memberId: string, year: number, input: ConcludeReviewInput, ctx: CommandContext): Promise<{ version: number }> {
    return decideOnReview(this.streams, this.tree, ctx, memberId, year, async (r) => ({
      type: 'ConcludeReview',
      data: {
        grade: input.grade,
        reason: input.reason,
        decidedBy: decidedBy(ctx),
        memberOrgPath: r.path,
        evidence: await this.evidence.inputsFor({ memberId, orgId: r.orgId, year }),
      },
    }));
  }
}
