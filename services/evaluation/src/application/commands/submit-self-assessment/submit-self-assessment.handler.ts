import { Inject, Injectable } from '@nestjs/common';
import { reviewDecider } from '@vanguard/evaluation-domain';
import { CLOCK, type ClockPort } from '../../ports/clock.port';
import { ORG_TREE, type OrgTreePort } from '../../ports/org-tree.port';
import { ROSTER, type RosterPort } from '../../ports/roster.port';
import { STREAMS, type StreamsPort } from '../../ports/streams.port';
import { memberOrgPath, reviewStream, ReviewNotFoundError } from '../../reviews/review-access';
import { streamContext, type CommandContext } from '../command-context';

export interface SubmitSelfAssessmentInput {
  readonly memberId: string;
  readonly year: number;
  /** The member's branch. */
  readonly orgId: string;
  readonly selfAssessment: string;
  readonly partySpiritAnalysis: string;
}

/**
 * 个人总结和党性分析: the branch records the member's self-assessment, which opens the year's
 * review (`review-<memberId>-<year>`) — only in the branch the roster has the member active in.
 * The day is the clock's, in China.
 */
@Injectable()
export class SubmitSelfAssessmentHandler {
  constructor(
    @Inject(STREAMS) private readonly streams: StreamsPort,
    @Inject(ORG_TREE) private readonly tree: OrgTreePort,
    @Inject(CLOCK) private readonly clock: ClockPort,
    @Inject(ROSTER) private readonly roster: RosterPort,
  ) {}

  async execute(input: SubmitSelfAssessmentInput, ctx: CommandContext): Promise<{ version: number }> {
    const { memberId, year, orgId } = input;
    // A branch outside the caller's subtree reads like one without the review: nothing to probe.
    if (!this.tree.isWithin(ctx.caller.orgId, orgId)) throw new ReviewNotFoundError(memberId, year);
    // The stream is keyed by member and year, so whoever opened it would own it: only the member's
    // own branch (per the roster) may. Not a member there reads as not found too.
    if (!(await this.roster.isActiveMemberOf(memberId, orgId))) throw new ReviewNotFoundError(memberId, year);
    await memberOrgPath(this.tree, orgId, memberId, year);
    const stream = reviewStream(memberId, year);
    const { state, version } = await this.streams.load(stream, reviewDecider);
    // A started review of another branch is not the caller's to see either.
    if (state.orgId && !this.tree.isWithin(ctx.caller.orgId, state.orgId)) throw new ReviewNotFoundError(memberId, year);
    const events = reviewDecider.decide({ type: 'SubmitSelfAssessment', data: { ...input, submittedOn: this.clock.today() } }, state);
    return { version: await this.streams.append(stream, events, version, streamContext(ctx, orgId)) };
  }
}
