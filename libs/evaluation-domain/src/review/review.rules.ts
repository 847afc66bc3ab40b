import { CountIsNotOlderRule } from '../count-not-older.rule';
import { isBlankText, Rule, VersionedRuleSet, type DomainErrorKind } from '@vanguard/kernel';
import type { DecidedBy } from '../decided-by';
import type { ReviewStatus } from './review.state';

abstract class ReviewStatusRule extends Rule {
  readonly kind: DomainErrorKind = 'conflict';
  protected abstract readonly allowed: readonly ReviewStatus[];
  constructor(private readonly status: ReviewStatus) {
    super();
  }
  isBroken(): boolean {
    return !this.allowed.includes(this.status);
  }
}

export class SelfAssessmentComesFirstRule extends ReviewStatusRule {
  readonly id = 'evaluation.review.self-assessment-first';
  readonly code = 'REVIEW.ALREADY_STARTED';
  readonly message = '本年度评议已开始 / this year’s review has started already';
  protected readonly allowed = ['none'] as const;
}

export class BallotsFollowTheSelfAssessmentRule extends ReviewStatusRule {
  readonly id = 'evaluation.review.ballots-after-self-assessment';
  readonly code = 'REVIEW.NOT_SELF_ASSESSED';
  readonly message = '须先提交个人总结和党性分析，且只计票一次 / ballots are counted once, after the self-assessment';
  protected readonly allowed = ['self_assessed'] as const;
}

/**
 * Version 1: a count relayed by a county system (county.DemocraticReviewTallied, "a later tally
 * replaces an earlier one") replaces the tally in force while the branch has not concluded; once
 * a conclusion rests on the ballots (awaiting approval or approved) a recount must wait until the
 * level above returns it, or the grade would stand on ballots nobody concluded from.
 */
export class CountyTallyReplacesBeforeConclusionRule extends ReviewStatusRule {
  readonly id = 'evaluation.review.county-tally-replaces-before-conclusion';
  readonly code = 'REVIEW.ALREADY_CONCLUDED';
  readonly message = '支部已作出评议结论，县级系统的计票不能再替换 / the branch has concluded: a county count no longer replaces the tally';
  protected readonly allowed = ['tallied'] as const;
}

/**
 * Version 1: a county recount is not older than the county count it replaces (a resent old sheet,
 * even under a new message id, never overwrites a newer count); held the same day, it is a
 * correction and replaces it. A tally the platform counted has no day and is replaced.
 */
export class CountyTallyIsNotOlderRule extends CountIsNotOlderRule {
  readonly id = 'evaluation.review.county-tally-not-older';
  readonly code = 'REVIEW.TALLY_OLDER_THAN_RECORDED';
  readonly message = '该计票早于已记录的计票，不能替换 / this count was held before the one recorded and cannot replace it';
}

export class ConclusionFollowsTheBallotsRule extends ReviewStatusRule {
  readonly id = 'evaluation.review.conclusion-after-ballots';
  readonly code = 'REVIEW.NOT_TALLIED';
  readonly message = '须先统计民主测评票，且结论待审批时不能再作结论 / the branch concludes after the ballots, once per round';
  protected readonly allowed = ['tallied'] as const;
}

export class OnlyAConclusionIsApprovedRule extends ReviewStatusRule {
  readonly id = 'evaluation.review.approve-conclusion';
  readonly code = 'REVIEW.NOT_CONCLUDED';
  readonly message = '没有待审批的评议结论 / there is no conclusion waiting for approval';
  protected readonly allowed = ['concluded'] as const;
}

/**
 * Version 2: only the member's own branch (the last organisation on their path) counts the
 * ballots and concludes; version 1 let any level on the path do it, so one organiser above
 * could run a whole review alone.
 */
export class BranchConcludesForItsMembersRule extends Rule {
  readonly id = 'evaluation.review.branch-concludes';
  override readonly version = 2;
  readonly code = 'REVIEW.NOT_THE_BRANCH';
  readonly kind = 'forbidden';
  readonly message = '测评计票和评议结论由党员所在支部作出 / only the member’s own branch counts the ballots and concludes';
  constructor(
    private readonly decidedBy: DecidedBy,
    private readonly memberOrgPath: readonly string[],
  ) {
    super();
  }
  isBroken(): boolean {
    return this.decidedBy.orgId !== this.memberOrgPath.at(-1);
  }
}

/** Version 1 (the branch or a level above it concluded); kept so decisions taken under it replay. */
export class BranchOrAboveConcludesRuleV1 extends Rule {
  readonly id = 'evaluation.review.branch-concludes';
  readonly code = 'REVIEW.NOT_THE_BRANCH';
  readonly kind = 'forbidden';
  readonly message = '评议结论由党员所在支部作出 / the member’s branch concludes the review';
  constructor(
    private readonly decidedBy: DecidedBy,
    private readonly memberOrgPath: readonly string[],
  ) {
    super();
  }
  isBroken(): boolean {
    return !this.memberOrgPath.includes(this.decidedBy.orgId);
  }
}

/**
 * Both versions of who counts and concludes. A conclusion records the version it ran in its
 * `checks`; one recorded before checks were (no `checks`) replays with version 1, which allows
 * every conclusion version 2 allows (the member's own branch is on the member's path).
 */
export const BRANCH_CONCLUDES = new VersionedRuleSet<[DecidedBy, readonly string[]]>('evaluation.review.branch-concludes', {
  1: BranchOrAboveConcludesRuleV1,
  2: BranchConcludesForItsMembersRule,
});

/**
 * Roles that approve or return a conclusion for the level above, most specific first: the one
 * place they are listed (the HTTP guard and the recorded role read them from here).
 */
export const APPROVING_ROLES = ['reviewer', 'organizer', 'admin'] as const;
const approves = (role: string) => (APPROVING_ROLES as readonly string[]).includes(role);

/**
 * Version 2: an approving role in an organisation strictly above the one that concluded (on the
 * member's path). Version 1 compared with the member's branch only, so a level above that had
 * concluded could approve its own conclusion.
 */
export class ConclusionIsApprovedAboveRule extends Rule {
  readonly id = 'evaluation.review.approved-above';
  override readonly version = 2;
  readonly code = 'REVIEW.NOT_LEVEL_ABOVE';
  readonly kind = 'forbidden';
  readonly message = '评议结论须经作出结论的党组织的上级审批 / a level above the one that concluded approves the conclusion';
  constructor(
    private readonly decidedBy: DecidedBy,
    private readonly memberOrgPath: readonly string[],
    private readonly concludedBy: DecidedBy | null,
  ) {
    super();
  }
  isBroken(): boolean {
    const concluding = this.concludedBy ? this.memberOrgPath.indexOf(this.concludedBy.orgId) : -1;
    const approving = this.memberOrgPath.indexOf(this.decidedBy.orgId);
    return !approves(this.decidedBy.role) || concluding < 0 || approving < 0 || approving >= concluding;
  }
}

/** Version 1 (a level above the member's branch); kept so decisions recorded under it replay. */
export class ConclusionIsApprovedAboveRuleV1 extends Rule {
  readonly id = 'evaluation.review.approved-above';
  readonly code = 'REVIEW.NOT_LEVEL_ABOVE';
  readonly kind = 'forbidden';
  readonly message = '评议结论须经上级党组织审批 / a level above the branch approves the conclusion';
  constructor(
    private readonly decidedBy: DecidedBy,
    private readonly memberOrgPath: readonly string[],
  ) {
    super();
  }
  isBroken(): boolean {
    return !this.memberOrgPath.slice(0, -1).includes(this.decidedBy.orgId) || !approves(this.decidedBy.role);
  }
}

/** 四眼原则: whoever concluded does not also approve or return their own conclusion. */
export class ConcluderDoesNotApproveRule extends Rule {
  readonly id = 'evaluation.review.concluder-does-not-approve';
  readonly code = 'REVIEW.SAME_PERSON';
  readonly kind = 'forbidden';
  readonly message = '作出评议结论的人不能审批本人的结论 / the one who concluded does not approve their own conclusion';
  constructor(
    private readonly decidedBy: DecidedBy,
    private readonly concludedBy: DecidedBy | null,
  ) {
    super();
  }
  isBroken(): boolean {
    return !this.concludedBy || this.concludedBy.sub === this.decidedBy.sub;
  }
}

/** Version 1 (a reason of spaces is none); kept for the returns recorded under it, which name no version of it. */
export class ReturnGivesAReasonRuleV1 extends Rule {
  readonly id = 'evaluation.review.return-reason';
  readonly code = 'REVIEW.REASON_REQUIRED';
  readonly kind = 'invalid';
  readonly message = '退回须说明理由 / a return must give its reason';
  constructor(private readonly reason: string) {
    super();
  }
  isBroken(): boolean {
    return this.reason.trim().length === 0;
  }
}

/**
 * Version 2 (a probe gave "\u200b\u2800" as a reason): a reason a reader sees as nothing — zero-width,
 * Braille or Hangul blanks and spaces of any kind — is none (`isBlankText`). Recorded in `checks`.
 */
export class ReturnGivesAReasonRule extends Rule {
  readonly id = 'evaluation.review.return-reason';
  override readonly version = 2;
  readonly code = 'REVIEW.REASON_REQUIRED';
  readonly kind = 'invalid';
  readonly message = '退回须说明理由（不能只有空白或不可见字符）/ a return must give its reason, not blank or invisible characters';
  constructor(private readonly reason: string) {
    super();
  }
  isBroken(): boolean {
    return isBlankText(this.reason);
  }
}

export const RETURN_GIVES_A_REASON = new VersionedRuleSet<[string]>('evaluation.review.return-reason', {
  1: ReturnGivesAReasonRuleV1,
  2: ReturnGivesAReasonRule,
});

/**
 * Both versions of who approves. The concluder-does-not-approve rule shipped with version 2, so
 * a decision under version 1 is replayed without it (ADR 0030).
 */
export const APPROVED_ABOVE = new VersionedRuleSet<[DecidedBy, readonly string[], DecidedBy | null]>('evaluation.review.approved-above', {
  1: ConclusionIsApprovedAboveRuleV1,
  2: ConclusionIsApprovedAboveRule,
});

export * from './review-ballots.rules';
