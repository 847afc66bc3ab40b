import { Inject, Injectable } from '@nestjs/common';
import type { TallyPeerBallots } from '@vanguard/evaluation-domain';
import { ORG_TREE, type OrgTreePort } from '../../ports/org-tree.port';
import { ROSTER, type RosterPort } from '../../ports/roster.port';
import { STREAMS, type StreamsPort } from '../../ports/streams.port';
import { decideOnReview } from '../../reviews/review-access';
import { decidedBy, type CommandContext } from '../command-context';

export type TallyPeerBallotsInput = Pick<TallyPeerBallots['data'], 'tally' | 'criteria'>;

/**
 * 民主测评: the branch records how the peer ballots fell (never who voted how) — the grades and,
 * when counted, each of the five models — no more than the branch's active members per the
 * roster, whose number the event records.
 */
@Injectable()
export class TallyPeerBallotsHandler {
  constructor(
    @Inject(STREAMS) private readonly streams: StreamsPort,
    @Inject(ORG_TREE) private readonly tree: OrgTreePort,
    @Inject(ROSTER) private readonly roster: RosterPort,
  ) {}

  execute(memberId: string, year: number, input: TallyPeerBallotsInput, ctx: CommandContext): Promise<{ version: number }> {
    return decideOnReview(this.streams, this.tree, ctx, memberId, year, async (r) => ({
      type: 'TallyPeerBallots',
      data: {
        memberId,
        year,
        tally: input.tally,
        ...(input.criteria ? { criteria: input.criteria } : {}),
        activeMembers: (await this.roster.activeMemberIdsOf(r.orgId)).length,
        decidedBy: decidedBy(ctx),
        memberOrgPath: r.path,
      },
    }));
  }
}
