import { personalNumbersIn, personalNumbersPublishedIn, trackingCodeSchema } from '@vanguard/contracts';
import { isBlankText, Rule, VersionedRuleSet, type DomainErrorKind, type RuleVersionChoice } from '@vanguard/kernel';
import type { DecidedBy } from '../decided-by';
import { ASSIGNING_ROLES, INVESTIGATOR_ROLE, hasRole } from '../roles';
import type { NoticeForObjection } from './objection.commands';
import type { ObjectionState, ObjectionStatus } from './objection.state';

abstract class StatusRule extends Rule {
  readonly kind: DomainErrorKind = 'conflict';
  protected abstract readonly allowed: readonly ObjectionStatus[];
  constructor(private readonly status: ObjectionStatus) {
    super();
  }
  isBroken(): boolean {
    return !this.allowed.includes(this.status);
  }
}

export class ObjectionIsFiledOnceRule extends StatusRule {
  readonly id = 'commendation.objection.filed-once';
  readonly code = 'OBJECTION.ALREADY_FILED';
  readonly message = '该异议已登记 / this objection was filed already';
  protected readonly allowed = ['none'] as const;
}

export class ObjectionIsOpenRule extends StatusRule {
  readonly id = 'commendation.objection.open';
  readonly code = 'OBJECTION.CLOSED';
  readonly message = '该异议已办结 / this objection is concluded';
  protected readonly allowed = ['filed', 'assigned'] as const;
}

export class ObjectionIsUnderInvestigationRule extends StatusRule {
  readonly id = 'commendation.objection.under-investigation';
  readonly code = 'OBJECTION.NOT_ASSIGNED';
  readonly message = '异议须先交办核查人员且尚未办结 / the objection must be assigned to an investigator and not yet concluded';
  protected readonly allowed = ['assigned'] as const;
}

/** 公示期内: objections are taken from the first to the last day of the latest round. */
export class ObjectionIsFiledWhileTheNoticeRunsRule extends Rule {
  readonly id = 'commendation.objection.during-notice';
  readonly code = 'OBJECTION.NOTICE_NOT_RUNNING';
  readonly kind = 'rule';
  readonly message = '不在公示期内，不受理异议 / objections are taken only while the notice runs';
  constructor(
    private readonly notice: NoticeForObjection,
    private readonly today: string,
  ) {
    super();
  }
  isBroken(): boolean {
    return this.notice.round < 1 || this.today < this.notice.startsOn || this.today > this.notice.endsOn;
  }
}

export class ObjectionConcernsANoticedNominationRule extends Rule {
  readonly id = 'commendation.objection.noticed-nomination';
  readonly code = 'OBJECTION.NOT_ON_NOTICE';
  readonly kind = 'not_found';
  readonly message = '公示名单中没有该对象 / the nomination is not on the notice';
  constructor(
    private readonly notice: NoticeForObjection,
    private readonly nominationId: string,
  ) {
    super();
  }
  isBroken(): boolean {
    return !this.notice.listed.includes(this.nominationId);
  }
}

/**
 * Version 1: grounds of spaces are none (`trim()`), so grounds of zero-width or other invisible
 * characters passed. A filing records no decision, so no replay names it; kept beside version 2
 * as every shipped version of a rule is.
 */
export class ObjectionStatesItsGroundsRuleV1 extends Rule {
  readonly id = 'commendation.objection.grounds-stated';
  readonly code = 'OBJECTION.GROUNDS_REQUIRED';
  readonly kind = 'invalid';
  readonly message = '异议须写明事实和理由（不超过 4000 字） / an objection states its grounds (up to 4,000 characters)';
  constructor(private readonly grounds: string) {
    super();
  }
  isBroken(): boolean {
    return this.grounds.trim().length === 0 || [...this.grounds].length > 4000;
  }
}

/** Version 2 (ADR 0127): grounds a reader sees as nothing (`isBlankText`) are none. */
export class ObjectionStatesItsGroundsRule extends Rule {
  readonly id = 'commendation.objection.grounds-stated';
  override readonly version: number = 2;
  readonly code = 'OBJECTION.GROUNDS_REQUIRED';
  readonly kind = 'invalid';
  readonly message =
    '异议须写明事实和理由（不超过 4000 字，不能只有空白或不可见字符） / an objection states its grounds (up to 4,000 characters, not blank or invisible characters)';
  constructor(private readonly grounds: string) {
    super();
  }
  isBroken(): boolean {
    return isBlankText(this.grounds) || [...this.grounds].length > 4000;
  }
}

const GROUNDS_RULE = new VersionedRuleSet<[string]>('commendation.objection.grounds-stated', {
  1: ObjectionStatesItsGroundsRuleV1,
  2: ObjectionStatesItsGroundsRule,
});

/** The grounds rule in the version `chosen` names, else the one in force. */
export const objectionStatesItsGrounds = (chosen: RuleVersionChoice | undefined, grounds: string) => GROUNDS_RULE.create(chosen, grounds);

/**
 * Version 1: the grounds are kept in the store for good, so a phone or ID-card number belongs in
 * the contact field, kept apart — read as stored (spaced, dashed or full-width ones seen through).
 * A filing records no decision, so no replay names it; kept beside version 2.
 */
export class ObjectionGroundsCarryNoPersonalNumbersRuleV1 extends Rule {
  readonly id = 'commendation.objection.no-personal-numbers';
  readonly code = 'OBJECTION.PERSONAL_NUMBERS';
  readonly kind = 'invalid';
  readonly message: string =
    '异议内容中不得含身份证号或电话号码，联系方式请填在联系方式栏 / no ID-card or phone number in the grounds; leave a contact in the contact field';
  constructor(protected readonly grounds: string) {
    super();
  }
  isBroken(): boolean {
    return personalNumbersIn(this.grounds).length > 0;
  }
}

/**
 * Version 2 (a probe filed 1\u200b3800138000, 138.0013.8000 and 一三八〇〇一三八〇〇〇 past version 1,
 * into the hash-chained store and the audit timeline for good): read as a page would show it too
 * (`personalNumbersPublishedIn`, reading 4), besides what the event's contract refuses.
 */
export class ObjectionGroundsCarryNoPersonalNumbersRule extends ObjectionGroundsCarryNoPersonalNumbersRuleV1 {
  override readonly version: number = 2;
  override readonly message =
    '异议内容中不得含身份证号或电话号码（含以符号、零宽字符或汉字数字写出的），联系方式请填在联系方式栏 / no ID-card or phone number in the grounds, nor one split by symbols or invisible characters or spelled in Chinese numerals; leave a contact in the contact field';
  override isBroken(): boolean {
    return personalNumbersPublishedIn(this.grounds, 4).length > 0;
  }
}

const GROUNDS_NUMBERS_RULE = new VersionedRuleSet<[string]>('commendation.objection.no-personal-numbers', {
  1: ObjectionGroundsCarryNoPersonalNumbersRuleV1,
  2: ObjectionGroundsCarryNoPersonalNumbersRule,
});

/** The grounds' personal-numbers rule in the version `chosen` names, else the one in force. */
export const objectionGroundsCarryNoPersonalNumbers = (chosen: RuleVersionChoice | undefined, grounds: string) =>
  GROUNDS_NUMBERS_RULE.create(chosen, grounds);

export class TrackingCodeIsWellFormedRule extends Rule {
  readonly id = 'commendation.objection.tracking-code';
  readonly code = 'OBJECTION.TRACKING_CODE';
  readonly kind = 'invalid';
  readonly message = '查询码格式不正确 / the tracking code is malformed';
  constructor(private readonly trackingCode: string) {
    super();
  }
  isBroken(): boolean {
    return !trackingCodeSchema.safeParse(this.trackingCode).success;
  }
}

export class ObjectionIsAssignedByTheAwardingBodyRule extends Rule {
  readonly id = 'commendation.objection.assigned-by-awarding-body';
  readonly code = 'OBJECTION.NOT_AWARDING_BODY';
  readonly kind = 'forbidden';
  readonly message = '异议由表彰机关交办 / the awarding body assigns objections';
  constructor(
    private readonly decidedBy: DecidedBy,
    private readonly awardingOrgId: string | null,
  ) {
    super();
  }
  isBroken(): boolean {
    return this.decidedBy.orgId !== this.awardingOrgId || !hasRole(ASSIGNING_ROLES, this.decidedBy.role);
  }
}

/** 纪检: the investigator holds the inspector role at the awarding body or a level above it. */
export class InvestigatorIsAnInspectorRule extends Rule {
  readonly id = 'commendation.objection.investigator-inspector';
  readonly code = 'OBJECTION.NOT_AN_INSPECTOR';
  readonly kind = 'rule';
  readonly message = '异议须交由表彰机关或上级的纪检人员核查 / an inspector at the awarding body or above investigates';
  constructor(
    private readonly investigator: DecidedBy,
    private readonly awardingOrgId: string | null,
    private readonly awardingOrgPath: readonly string[],
  ) {
    super();
  }
  isBroken(): boolean {
    return (
      this.investigator.role !== INVESTIGATOR_ROLE ||
      this.awardingOrgPath.at(-1) !== this.awardingOrgId ||
      !this.awardingOrgPath.includes(this.investigator.orgId)
    );
  }
}

/**
 * An assignment changes who investigates: assigning the objection to the investigator who has it
 * already records nothing. Fifty identical concurrent assigns appended six identical
 * ObjectionAssigned events (a hostile review). First shipped after assignments were recorded: a
 * replay runs it only for an assignment that recorded it.
 */
export class ObjectionIsReassignedToAnotherInvestigatorRule extends Rule {
  static readonly ID = 'commendation.objection.reassigned-to-another';
  readonly id = ObjectionIsReassignedToAnotherInvestigatorRule.ID;
  readonly code = 'OBJECTION.ALREADY_ASSIGNED';
  readonly kind = 'conflict';
  readonly message = '该异议已交办给该核查人员 / this objection is assigned to that investigator already';
  constructor(
    private readonly state: ObjectionState,
    private readonly investigator: DecidedBy,
  ) {
    super();
  }
  isBroken(): boolean {
    return this.state.investigator?.sub === this.investigator.sub;
  }
}

/** That rule for a new assignment, and for a replay of one that recorded it; none for a replay of one taken before it shipped. */
export const objectionIsReassignedToAnotherInvestigator = (
  chosen: RuleVersionChoice | undefined,
  state: ObjectionState,
  investigator: DecidedBy,
) =>
  chosen === undefined || ObjectionIsReassignedToAnotherInvestigatorRule.ID in chosen
    ? new ObjectionIsReassignedToAnotherInvestigatorRule(state, investigator)
    : null;

export class ObjectionIsConcludedByItsInvestigatorRule extends Rule {
  readonly id = 'commendation.objection.concluded-by-investigator';
  readonly code = 'OBJECTION.NOT_THE_INVESTIGATOR';
  readonly kind = 'forbidden';
  readonly message = '只有承办的核查人员可以作出核查结论 / only the assigned investigator concludes the objection';
  constructor(
    private readonly decidedBy: DecidedBy,
    private readonly state: ObjectionState,
  ) {
    super();
  }
  isBroken(): boolean {
    return this.state.investigator?.sub !== this.decidedBy.sub || this.decidedBy.role !== INVESTIGATOR_ROLE;
  }
}

/**
 * Version 1: findings of spaces are none (`trim()`), so findings of zero-width or other invisible
 * characters passed. Kept for the conclusions that recorded it.
 */
export class FindingsAreGivenRuleV1 extends Rule {
  readonly id = 'commendation.objection.findings-given';
  readonly code = 'OBJECTION.FINDINGS_REQUIRED';
  readonly kind = 'invalid';
  readonly message = '核查结论须写明查实情况 / a conclusion gives its findings';
  constructor(private readonly findings: string) {
    super();
  }
  isBroken(): boolean {
    return this.findings.trim().length === 0;
  }
}

/**
 * Version 2 (ADR 0127): findings a reader sees as nothing (`isBlankText`) are none — an upheld
 * objection's findings are the reason its nomination is withdrawn.
 */
export class FindingsAreGivenRule extends Rule {
  readonly id = 'commendation.objection.findings-given';
  override readonly version: number = 2;
  readonly code = 'OBJECTION.FINDINGS_REQUIRED';
  readonly kind = 'invalid';
  readonly message =
    '核查结论须写明查实情况（不能只有空白或不可见字符） / a conclusion gives its findings, not blank or invisible characters';
  constructor(private readonly findings: string) {
    super();
  }
  isBroken(): boolean {
    return isBlankText(this.findings);
  }
}

const FINDINGS_RULE = new VersionedRuleSet<[string]>('commendation.objection.findings-given', {
  1: FindingsAreGivenRuleV1,
  2: FindingsAreGivenRule,
});

/** The findings rule in the version `chosen` names (a replay's), else the one in force. */
export const findingsAreGiven = (chosen: RuleVersionChoice | undefined, findings: string) => FINDINGS_RULE.create(chosen, findings);
