import type { RatingTally } from '@vanguard/contracts';
import { isBlankText, Rule, VersionedRuleSet, type DomainErrorKind } from '@vanguard/kernel';
import { actsFor, type DecidedBy } from '../decided-by';
import type { CycleFacts, FollowedPledgeFacts } from './pledge.commands';
import type { PledgeState, PledgeStatus } from './pledge.state';

// Each rule is a sentence with an id and a version. A decision event records the id and the
// version that decided it; when a rule changes, its old version stays here under its own
// class so a replay of an old decision runs the code that made it.

abstract class StatusRule extends Rule {
  readonly kind: DomainErrorKind = 'conflict';
  protected abstract readonly allowed: readonly PledgeStatus[];
  constructor(protected readonly status: PledgeStatus) {
    super();
  }
  isBroken(): boolean {
    return !this.allowed.includes(this.status);
  }
}

export class PledgeIsMadeOnceRule extends StatusRule {
  readonly id = 'evaluation.pledge.made-once';
  readonly code = 'PLEDGE.ALREADY_MADE';
  readonly message = '该承诺已提出 / this pledge was made already';
  protected readonly allowed = ['none'] as const;
}

/**
 * An organisation's pledge is its own: the pledger is the organisation it is made in. A probe had
 * 红石村 pledge in the name of a village of another county (201); the county gate and the views
 * read the pledge's organisation as the pledger's.
 */
export class OrganizationPledgesForItselfRule extends Rule {
  readonly id = 'evaluation.pledge.organization-pledges-for-itself';
  readonly code = 'PLEDGE.PLEDGER_NOT_THE_ORGANIZATION';
  readonly kind = 'invalid';
  readonly message =
    '组织承诺的承诺人须为该组织本身（pledger.id 应等于 orgId）/ an organisation pledges for itself: pledger.id must be the orgId';
  constructor(
    private readonly pledger: { readonly kind: string; readonly id: string },
    private readonly orgId: string,
  ) {
    super();
  }
  isBroken(): boolean {
    return this.pledger.kind === 'organization' && this.pledger.id !== this.orgId;
  }
}

export class PledgeIsMadeInAnOpenCycleRule extends Rule {
  readonly id = 'evaluation.pledge.open-cycle';
  readonly code = 'PLEDGE.CYCLE_NOT_OPEN';
  readonly kind = 'rule';
  readonly message = '本季度活动未开放，不能提出承诺 / the cycle is not open for pledges';
  constructor(
    private readonly cycle: CycleFacts,
    private readonly today: string,
  ) {
    super();
  }
  isBroken(): boolean {
    return !this.cycle.open || this.today < this.cycle.startsOn || this.today > this.cycle.endsOn;
  }
}

export class PledgeIsDueWithinItsCycleRule extends Rule {
  readonly id = 'evaluation.pledge.due-within-cycle';
  readonly code = 'PLEDGE.DUE_OUTSIDE_CYCLE';
  readonly kind = 'rule';
  readonly message = '承诺完成时限须在本季度内且不早于今天 / the due date must fall between today and the end of the cycle';
  constructor(
    private readonly dueOn: string,
    private readonly today: string,
    private readonly cycleEndsOn: string,
  ) {
    super();
  }
  isBroken(): boolean {
    return this.dueOn < this.today || this.dueOn > this.cycleEndsOn;
  }
}

export class FollowUpPledgeFollowsAFulfilledOneRule extends Rule {
  readonly id = 'evaluation.pledge.follow-up-after-fulfilment';
  readonly code = 'PLEDGE.FOLLOWS_UNFULFILLED';
  readonly kind = 'rule';
  readonly message = '再承诺只能接续已兑现的承诺 / a follow-up pledge must follow a fulfilled one';
  constructor(private readonly follows: FollowedPledgeFacts | null) {
    super();
  }
  isBroken(): boolean {
    return this.follows !== null && !this.follows.fulfilled;
  }
}

export class PledgeAwaitsFilingRule extends StatusRule {
  readonly id = 'evaluation.pledge.awaits-filing';
  readonly code = 'PLEDGE.NOT_AWAITING_FILING';
  readonly message = '该承诺不在待备案状态 / the pledge is not waiting to be filed';
  protected readonly allowed = ['awaiting_filing'] as const;
}

/**
 * 把关备案: the level above files an organisation's pledge (a proper ancestor of it); a
 * member's pledge is filed by the member's own organisation or any level above it.
 */
export class PledgeIsFiledByTheLevelAboveRule extends Rule {
  readonly id = 'evaluation.pledge.filed-by-level-above';
  readonly code = 'PLEDGE.NOT_LEVEL_ABOVE';
  readonly kind = 'forbidden';
  readonly message = '承诺须由上一级组织把关备案 / only the level above may file or return this pledge';
  constructor(
    private readonly pledgerKind: 'organization' | 'member',
    private readonly pledgerOrgPath: readonly string[],
    private readonly decidedBy: DecidedBy,
  ) {
    super();
  }
  isBroken(): boolean {
    const above = this.pledgerKind === 'organization' ? this.pledgerOrgPath.slice(0, -1) : this.pledgerOrgPath;
    return !above.includes(this.decidedBy.orgId);
  }
}

/** Version 1 (a reason of spaces is none); kept for the returns and lapses recorded under it, which name no version of it. */
export class DecisionGivesAReasonRuleV1 extends Rule {
  readonly id = 'evaluation.decision.reason-given';
  readonly code = 'PLEDGE.REASON_REQUIRED';
  readonly kind = 'invalid';
  readonly message = '退回或未兑现须说明理由 / a return or a lapse must give its reason';
  constructor(private readonly reason: string) {
    super();
  }
  isBroken(): boolean {
    return this.reason.trim().length === 0;
  }
}

/**
 * Version 2 (a probe returned and lapsed pledges with the reason "\u200b\u2800"): a reason a reader
 * sees as nothing — zero-width, Braille or Hangul blanks, spaces of any kind — is none
 * (`isBlankText`). Recorded in the decision's `checks`, which version 1 never was.
 */
export class DecisionGivesAReasonRule extends Rule {
  readonly id = 'evaluation.decision.reason-given';
  override readonly version = 2;
  readonly code = 'PLEDGE.REASON_REQUIRED';
  readonly kind = 'invalid';
  readonly message =
    '退回或未兑现须说明理由（不能只有空白或不可见字符）/ a return or a lapse must give its reason, not blank or invisible characters';
  constructor(private readonly reason: string) {
    super();
  }
  isBroken(): boolean {
    return isBlankText(this.reason);
  }
}

export const DECISION_GIVES_A_REASON = new VersionedRuleSet<[string]>('evaluation.decision.reason-given', {
  1: DecisionGivesAReasonRuleV1,
  2: DecisionGivesAReasonRule,
});

/**
 * 承诺由承诺者修改: a returned pledge is amended by the organisation that pledged it (for a member's
 * pledge, the member's organisation) — not by the level that files it, which could otherwise rewrite
 * another organisation's pledge and then file it itself (a probe did).
 */
export class PledgeIsAmendedByThePledgerRule extends Rule {
  readonly id = 'evaluation.pledge.amended-by-pledger';
  readonly code = 'PLEDGE.NOT_PLEDGER';
  readonly kind = 'forbidden';
  readonly message = '只有作出承诺的组织可以修改承诺 / only the organisation that made the pledge amends it';
  constructor(
    private readonly pledgingOrgId: string | null,
    private readonly decidedBy: DecidedBy,
  ) {
    super();
  }
  isBroken(): boolean {
    return !actsFor(this.pledgingOrgId, this.decidedBy);
  }
}

export class OnlyAReturnedPledgeIsAmendedRule extends StatusRule {
  readonly id = 'evaluation.pledge.amend-after-return';
  readonly code = 'PLEDGE.NOT_RETURNED';
  readonly message = '只有被退回的承诺可以修改 / only a returned pledge can be amended';
  protected readonly allowed = ['returned'] as const;
}

export class OnlyAFiledPledgeIsPublishedRule extends StatusRule {
  readonly id = 'evaluation.pledge.publish-after-filing';
  readonly code = 'PLEDGE.NOT_FILED';
  readonly message = '承诺备案后方可公开 / a pledge is published once it is filed';
  protected readonly allowed = ['filed'] as const;
}

export class PledgeIsPublishedRule extends StatusRule {
  readonly id = 'evaluation.pledge.published';
  readonly code = 'PLEDGE.NOT_PUBLISHED';
  readonly message = '承诺尚未公开或已结束 / the pledge is not published or is already closed';
  protected readonly allowed = ['published'] as const;
}

export class ProgressNeverGoesBackRule extends Rule {
  readonly id = 'evaluation.pledge.progress-forward';
  readonly code = 'PLEDGE.PROGRESS_BACKWARDS';
  readonly kind = 'rule';
  readonly message = '进度不能低于上次报告 / progress cannot fall below the last report';
  constructor(
    private readonly state: PledgeState,
    private readonly percent: number,
  ) {
    super();
  }
  isBroken(): boolean {
    return this.percent < this.state.percent;
  }
}

/** Acts of the level that filed a pledge, or one above it on its path: each names its act. */
abstract class ByTheFilingLevelRule extends Rule {
  readonly code = 'PLEDGE.NOT_FILING_LEVEL';
  readonly kind = 'forbidden';
  constructor(
    private readonly filedByOrgId: string | null,
    private readonly filerOrgPath: readonly string[],
    private readonly decidedBy: DecidedBy,
  ) {
    super();
  }
  isBroken(): boolean {
    const filer = this.filerOrgPath.at(-1);
    return this.filedByOrgId === null || filer !== this.filedByOrgId || !this.filerOrgPath.includes(this.decidedBy.orgId);
  }
}

/** The level that filed a pledge (or one above it) accepts its fulfilment or its lapse. */
export class PledgeIsClosedByTheFilingLevelRule extends ByTheFilingLevelRule {
  readonly id = 'evaluation.pledge.closed-by-filing-level';
  readonly message = '承诺的兑现或未兑现由备案的组织认定 / the level that filed the pledge decides whether it was kept';
}

/**
 * 践诺: the pledger reports its progress — the pledging organisation, for itself or for its
 * member's pledge — or a county system relaying the pledger's report. A probe had the county's
 * evaluator report a village's pledge 100 % done. The same judgement and code as amending.
 */
export class ProgressIsReportedByThePledgerRule extends Rule {
  readonly id = 'evaluation.pledge.progress-by-pledger';
  readonly code = 'PLEDGE.NOT_PLEDGER';
  readonly kind = 'forbidden';
  readonly message = '承诺进展由作出承诺的组织报告 / the organisation that made the pledge reports its progress';
  constructor(
    private readonly pledgingOrgId: string | null,
    private readonly reportedBy: DecidedBy | 'county',
  ) {
    super();
  }
  isBroken(): boolean {
    return this.reportedBy !== 'county' && !actsFor(this.pledgingOrgId, this.reportedBy);
  }
}

/**
 * 评诺: the masses' tally is recorded by the level that filed the pledge, or one above it, as it
 * judges the pledge kept or not: a probe had the pledging village record 1,000,000 satisfied
 * votes on its own pledge. First shipped after ratings were recorded: a replay runs it only for
 * a rating that recorded it.
 */
export class PledgeIsRatedByTheFilingLevelRule extends ByTheFilingLevelRule {
  static readonly ID = 'evaluation.pledge.rated-by-filing-level';
  readonly id = PledgeIsRatedByTheFilingLevelRule.ID;
  readonly message = '承诺的群众评议结果由备案的组织或其上级录入 / the level that filed the pledge, or one above it, records its rating';
}

export class PledgeIsRatedOnceAfterClosingRule extends Rule {
  readonly id = 'evaluation.pledge.rated-once-after-closing';
  readonly code = 'PLEDGE.NOT_RATEABLE';
  readonly kind = 'conflict';
  readonly message = '承诺结束后方可评议，且只评一次 / a pledge is rated once, after it is kept or lapsed';
  constructor(private readonly state: PledgeState) {
    super();
  }
  isBroken(): boolean {
    return !(this.state.status === 'fulfilled' || this.state.status === 'lapsed') || this.state.rated;
  }
}

export class RatingCountsVotesRule extends Rule {
  readonly id = 'evaluation.pledge.rating-has-votes';
  readonly code = 'PLEDGE.NO_VOTES';
  readonly kind = 'invalid';
  readonly message = '评议票数不能为零 / a rating needs at least one vote';
  constructor(private readonly tally: RatingTally) {
    super();
  }
  isBroken(): boolean {
    return this.tally.satisfied + this.tally.basicallySatisfied + this.tally.dissatisfied === 0;
  }
}

/**
 * 满意度: satisfied and basically satisfied over all votes, in per mille, rounded half up —
 * the way seed 000 reports 99.68 %. Version 1; a new formula is a new class with version 2.
 */
export const SatisfactionRateV1 = {
  id: 'evaluation.satisfaction-rate',
  version: 1,
  permille(t: RatingTally): number {
    const total = t.satisfied + t.basicallySatisfied + t.dissatisfied;
    return total === 0 ? 0 : Math.floor((2000 * (t.satisfied + t.basicallySatisfied) + total) / (2 * total));
  },
} as const;
