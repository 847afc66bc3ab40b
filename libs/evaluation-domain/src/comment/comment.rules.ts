import { Rule } from '@vanguard/kernel';
import type { DecidedBy } from '../decided-by';
import { idsOf } from '../org-path';
import type { CommentCycleRead, CommentRight } from './comment.commands';
import type { CommentState } from './comment.state';

export class CommentIsMadeOnceRule extends Rule {
  readonly id = 'evaluation.comment.made-once';
  readonly code = 'COMMENT.ALREADY_MADE';
  readonly kind = 'conflict';
  readonly message = '该点评已记录 / this comment is recorded already';
  constructor(private readonly state: CommentState) {
    super();
  }
  isBroken(): boolean {
    return this.state.made;
  }
}

/** The roles that lead an organisation (书记, 组织部门); others may not comment. */
export const LEADER_ROLES: readonly string[] = ['admin', 'organizer', 'branch_secretary'];

/**
 * 按照党组织隶属关系和领导分工开展点评 (seed 004): a leader of an organisation above the one
 * commented on, or the leader whose contact point it is.
 */
export class CommentIsByALeaderAboveOrTheContactPointRule extends Rule {
  readonly id = 'evaluation.comment.by-leader-above-or-contact-point';
  readonly code = 'COMMENT.NOT_ENTITLED';
  readonly kind = 'forbidden';
  readonly message =
    '只有上级组织的领导或联系点领导可以点评 / only a leader of an organisation above, or its contact-point leader, may comment';
  constructor(
    private readonly decidedBy: DecidedBy,
    private readonly right: CommentRight,
  ) {
    super();
  }
  isBroken(): boolean {
    const above = idsOf(this.right.orgPath).slice(0, -1).includes(this.decidedBy.orgId) && LEADER_ROLES.includes(this.decidedBy.role);
    return !above && this.right.contactPoint === null;
  }
}

/**
 * 一季一点评: a comment that names a cycle names one that a campaign over the organisation commented
 * on plans. A cycle no campaign plans and a cycle of another subtree's campaign answer alike, so a
 * comment cannot probe which cycle ids exist elsewhere. A comment that names no cycle passes.
 * First run and recorded in `checks` from version 1; decisions from before it name it nowhere and
 * replay without it (`ruleRanFor`).
 */
export class CommentNamesACycleOfTheOrganisationsCampaignRule extends Rule {
  readonly id = 'evaluation.comment.cycle-of-campaign';
  readonly code = 'COMMENT.UNKNOWN_CYCLE';
  readonly kind = 'invalid';
  readonly message =
    'cycleId: 所填季度周期不存在，或不属于覆盖该组织的创先争优活动 / cycleId names no cycle of a campaign over the organisation commented on';
  constructor(
    private readonly cycleId: string | null,
    private readonly cycle: CommentCycleRead | null,
    private readonly orgPath: readonly string[],
  ) {
    super();
  }
  isBroken(): boolean {
    return this.cycleId !== null && (this.cycle === null || !this.orgPath.includes(this.cycle.campaignOrgId));
  }
}

/**
 * A comment is on a quarter that has begun: its cycle is open, or closed (点评 of a quarter's
 * work, 评诺, often follows its close). A cycle only planned has had no work to comment on.
 */
export class CommentIsOnACycleThatHasOpenedRule extends Rule {
  readonly id = 'evaluation.comment.cycle-opened';
  readonly code = 'COMMENT.CYCLE_NOT_OPENED';
  readonly kind = 'rule';
  readonly message = 'cycleId: 所填季度周期尚未开始，不能点评 / cycleId names a cycle that has not opened yet';
  constructor(private readonly cycle: CommentCycleRead | null) {
    super();
  }
  isBroken(): boolean {
    return this.cycle?.status === 'planned';
  }
}

export class FindingsHaveADeadlineAfterTheCommentRule extends Rule {
  readonly id = 'evaluation.comment.findings-deadline';
  readonly code = 'COMMENT.BAD_DEADLINE';
  readonly kind = 'invalid';
  readonly message =
    '整改期限须晚于点评日期，且问题不得重复 / each rectification deadline must fall after the comment, and findings must be distinct';
  constructor(
    private readonly madeOn: string,
    private readonly findings: readonly { findingId: string; deadline: string }[],
  ) {
    super();
  }
  isBroken(): boolean {
    return (
      this.findings.some((f) => f.deadline <= this.madeOn) || new Set(this.findings.map((f) => f.findingId)).size !== this.findings.length
    );
  }
}

export class RectificationIsOpenRule extends Rule {
  readonly id = 'evaluation.comment.rectification-open';
  readonly code = 'COMMENT.RECTIFICATION_NOT_OPEN';
  readonly kind = 'conflict';
  readonly message = '该整改事项不存在或已完成 / no such open rectification';
  constructor(
    private readonly state: CommentState,
    private readonly findingId: string,
  ) {
    super();
  }
  isBroken(): boolean {
    const f = this.state.findings.find((x) => x.findingId === this.findingId);
    return !f || f.done;
  }
}

/** The organisation rectifies; a level above it confirms that it is done. */
export class RectificationIsConfirmedFromAboveRule extends Rule {
  readonly id = 'evaluation.comment.rectification-confirmed-above';
  readonly code = 'COMMENT.NOT_CONFIRMING_LEVEL';
  readonly kind = 'forbidden';
  readonly message = '整改完成须由上级组织确认 / a level above the organisation confirms a rectification';
  constructor(
    private readonly decidedBy: DecidedBy,
    private readonly orgPath: readonly string[],
  ) {
    super();
  }
  isBroken(): boolean {
    return !this.orgPath.slice(0, -1).includes(this.decidedBy.orgId);
  }
}
