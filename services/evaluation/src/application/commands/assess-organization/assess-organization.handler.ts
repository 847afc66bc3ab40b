import { Inject, Injectable } from '@nestjs/common';
import {
  assessmentDecider,
  massTallyStream,
  monthlyReviewDecider,
  monthlyReviewStream,
  monthlyRoundReadOf,
  type AssessOrganization,
  type MonthlyRoundRead,
} from '@vanguard/evaluation-domain';
import {
  assessmentStream,
  AssessmentNotFoundError,
  MassEvaluationNotFoundError,
  SatisfactionNotUsableError,
  SatisfactionTwiceError,
} from '../../assessments/assessment-access';
import { massEvaluationStream, satisfactionWindowFold } from '../../assessments/satisfaction-window';
import { tierRuleVersionInForce } from '../../assessments/tier-rule-in-force';
import { CLOCK, type ClockPort } from '../../ports/clock.port';
import { MONTHLY_REVIEW_ROUNDS, type MonthlyReviewRoundsPort } from '../../ports/monthly-review-rounds.port';
import { ORG_TREE, type OrgTreePort } from '../../ports/org-tree.port';
import { STREAMS, type StreamsPort } from '../../ports/streams.port';
import { decidedBy, streamContext, type CommandContext } from '../command-context';

export interface AssessOrganizationInput {
  readonly period: string;
  readonly scores: AssessOrganization['data']['scores'];
  /** The organisation's closed mass-evaluation window whose satisfaction rate the rule may weigh. */
  readonly satisfactionWindowId: string | null;
  /** Or the county system's paper count of the organisation for the period (`mass-tally-<orgId>-<period>`, ADR 0046). */
  readonly satisfactionCountyTally?: boolean;
  readonly reason: string;
}

/**
 * 五个好 assessment of one organisation for a year: gathers its path, the tier rule version in
 * force for the period, and the satisfaction rate of the window named or of the county's count
 * for the period (its stream and version go on the decision), and the unit's concluded monthly on-site
 * reviews of the year, each folded from its round stream (ADR 0050); the decider computes tier and stars,
 * records the rounds' figures and a tier change.
 */
@Injectable()
export class AssessOrganizationHandler {
  constructor(
    @Inject(STREAMS) private readonly streams: StreamsPort,
    @Inject(ORG_TREE) private readonly tree: OrgTreePort,
    @Inject(MONTHLY_REVIEW_ROUNDS) private readonly rounds: MonthlyReviewRoundsPort,
    @Inject(CLOCK) private readonly clock: ClockPort,
  ) {}

  async execute(orgId: string, input: AssessOrganizationInput, ctx: CommandContext): Promise<{ version: number }> {
    // Outside the caller's subtree reads like an organisation the service does not know.
    const orgPath = this.tree.isWithin(ctx.caller.orgId, orgId) ? await this.tree.readPath(orgId) : null;
    if (!orgPath) throw new AssessmentNotFoundError(orgId);
    if (input.satisfactionWindowId && input.satisfactionCountyTally) throw new SatisfactionTwiceError();
    const satisfaction = input.satisfactionWindowId
      ? await this.satisfaction(massEvaluationStream(input.satisfactionWindowId), input.satisfactionWindowId, orgId, input.period, ctx)
      : input.satisfactionCountyTally
        ? await this.satisfaction(massTallyStream(orgId, input.period), `${orgId}-${input.period}`, orgId, input.period, ctx)
        : null;
    const monthlyReviews = await this.monthlyReviews(orgId, input.period);
    const stream = assessmentStream(orgId);
    const { state, version } = await this.streams.load(stream, assessmentDecider);
    const events = assessmentDecider.decide(
      {
        type: 'AssessOrganization',
        data: {
          orgId,
          period: input.period,
          scores: input.scores,
          satisfaction,
          monthlyReviews,
          decidedBy: decidedBy(ctx),
          orgPath,
          ruleVersion: tierRuleVersionInForce(input.period),
          reason: input.reason,
          assessedOn: this.clock.today(),
        },
      },
      state,
    );
    return { version: await this.streams.append(stream, events, version, streamContext(ctx, orgId)) };
  }

  /** The rounds that ranked the unit in the year, as their streams stand (the index only says which). */
  private async monthlyReviews(orgId: string, period: string): Promise<MonthlyRoundRead[]> {
    const ids = await this.rounds.rankingRoundsOf(orgId, period);
    const reads = await Promise.all(
      ids.map(async (id) => {
        const { state } = await this.streams.load(monthlyReviewStream(id), monthlyReviewDecider);
        return monthlyRoundReadOf(monthlyReviewStream(id), state, orgId);
      }),
    );
    return reads.filter((r): r is MonthlyRoundRead => r !== null);
  }

  /** A window's or a county count's rate: the organisation's own, closed with ballots, of the period. */
  private async satisfaction(streamId: string, windowId: string, orgId: string, period: string, ctx: CommandContext) {
    const { state, version } = await this.streams.load(streamId, satisfactionWindowFold);
    if (!state.orgId || !this.tree.isWithin(ctx.caller.orgId, state.orgId)) throw new MassEvaluationNotFoundError(windowId);
    if (state.subject?.kind !== 'organization' || state.subject.id !== orgId)
      throw new SatisfactionNotUsableError('不是本组织的评议 / not this organisation’s');
    if (!state.closed || state.satisfactionPermille === null)
      throw new SatisfactionNotUsableError('尚未结束或无有效票 / not closed, or no ballots');
    if (!state.opensOn?.startsWith(period)) throw new SatisfactionNotUsableError('不是本年度的评议 / not of the period assessed');
    return { permille: state.satisfactionPermille, streamId, version };
  }
}
