import {
  personalNumbersIn,
  personalNumbersPublishedIn,
  personalNumbersShownIn,
  type AwardCategory,
  type NumberReading,
} from '@vanguard/contracts';
import { isBlankText, Rule, VersionedRuleSet, type DomainErrorKind, type RuleVersionChoice } from '@vanguard/kernel';
import type { DecidedBy } from '../decided-by';
import type { ProgrammeTimeline } from '../programme/programme.state';
import { AWARDING_ROLES, NOMINATING_ROLES, REVIEWING_ROLES, hasRole } from '../roles';
import type { Deeds, Nominee, NoticeFacts, ObjectionOutcomeFacts, OrgOnPath, QuotaFacts, ReviewStep } from './nomination.commands';
import type { NominationState, NominationStatus } from './nomination.state';

// Each rule is a sentence with an id and a version; a decision event records the one that
// decided it. When a rule changes its old class stays, so recorded decisions replay.

abstract class StatusRule extends Rule {
  readonly kind: DomainErrorKind = 'conflict';
  protected abstract readonly allowed: readonly NominationStatus[];
  constructor(private readonly status: NominationStatus) {
    super();
  }
  isBroken(): boolean {
    return !this.allowed.includes(this.status);
  }
}

export class NominationIsSubmittedOnceRule extends StatusRule {
  readonly id = 'commendation.nomination.submitted-once';
  readonly code = 'NOMINATION.ALREADY_SUBMITTED';
  readonly message = '该推荐已提交 / this nomination was submitted already';
  protected readonly allowed = ['none'] as const;
}

export class NominationAwaitsReviewRule extends StatusRule {
  readonly id = 'commendation.nomination.awaits-review';
  readonly code = 'NOMINATION.NOT_UNDER_REVIEW';
  readonly message = '该推荐不在审核中 / the nomination is not waiting for a review';
  protected readonly allowed = ['under_review'] as const;
}

export class OnlyAReturnedNominationIsAmendedRule extends StatusRule {
  readonly id = 'commendation.nomination.amend-returned';
  readonly code = 'NOMINATION.NOT_RETURNED';
  readonly message = '只有退回的推荐可以修改 / only a returned nomination is amended';
  protected readonly allowed = ['returned'] as const;
}

/** Standing: under review, returned or shortlisted — still in the running. */
export class NominationIsStandingRule extends StatusRule {
  readonly id = 'commendation.nomination.standing';
  readonly code = 'NOMINATION.NOT_STANDING';
  readonly message = '该推荐已结束（未通过、已撤回或已决定） / the nomination is no longer in the running';
  protected readonly allowed = ['under_review', 'returned', 'shortlisted'] as const;
}

export class OnlyAShortlistedNominationIsDecidedRule extends StatusRule {
  readonly id = 'commendation.nomination.decide-shortlisted';
  readonly code = 'NOMINATION.NOT_SHORTLISTED';
  readonly message = '只能对经审核列入公示名单的推荐作出表彰决定 / only a shortlisted nomination is decided';
  protected readonly allowed = ['shortlisted'] as const;
}

export class OnlyADecidedCommendationIsRevokedRule extends StatusRule {
  readonly id = 'commendation.nomination.revoke-decided';
  readonly code = 'NOMINATION.NOT_DECIDED';
  readonly message = '只能撤销已作出的表彰 / only a decided commendation is revoked';
  protected readonly allowed = ['decided'] as const;
}

/** Members are outstanding members or party workers; organisations are advanced organisations or county committees. */
export class NomineeFitsTheCategoryRule extends Rule {
  readonly id = 'commendation.nomination.nominee-fits-category';
  readonly code = 'NOMINATION.NOMINEE_KIND';
  readonly kind = 'invalid';
  readonly message = '被推荐对象与表彰类别不符 / the nominee does not fit the category (a member or an organisation)';
  constructor(
    private readonly category: AwardCategory,
    private readonly nominee: Nominee,
  ) {
    super();
  }
  isBroken(): boolean {
    const member = this.category === 'outstanding_member' || this.category === 'outstanding_party_worker';
    return this.nominee.kind !== (member ? 'member' : 'organization');
  }
}

export class NominationIsInTheWindowRule extends Rule {
  readonly id = 'commendation.nomination.in-window';
  readonly code = 'NOMINATION.OUTSIDE_WINDOW';
  readonly kind = 'rule';
  readonly message = '不在推荐时间内 / nominations are not open today';
  constructor(
    private readonly timeline: ProgrammeTimeline,
    private readonly today: string,
  ) {
    super();
  }
  isBroken(): boolean {
    return this.today < this.timeline.nominationOpensOn || this.today > this.timeline.nominationClosesOn;
  }
}

/**
 * 自下而上: the nominating organisation (the last on its path, whose secretary or organiser
 * acts) lies strictly below the awarding body, with at least one level to review it.
 */
export class NominationComesFromBelowTheAwardingBodyRule extends Rule {
  readonly id = 'commendation.nomination.from-below';
  readonly code = 'NOMINATION.NOT_BELOW_AWARDING_BODY';
  readonly kind = 'forbidden';
  readonly message = '推荐须由表彰机关下级的党组织提出 / a nomination comes from an organisation below the awarding body';
  constructor(
    private readonly decidedBy: DecidedBy,
    private readonly nominatorOrgPath: readonly OrgOnPath[],
    private readonly chain: readonly ReviewStep[],
  ) {
    super();
  }
  isBroken(): boolean {
    const nominator = this.nominatorOrgPath.at(-1)?.orgId;
    return nominator !== this.decidedBy.orgId || !hasRole(NOMINATING_ROLES, this.decidedBy.role) || this.chain.length === 0;
  }
}

/** A branch nominates its own members or itself; a township anyone in its subtree. */
export class NomineeIsInTheNominatorsCareRule extends Rule {
  readonly id = 'commendation.nomination.nominee-in-subtree';
  readonly code = 'NOMINATION.NOMINEE_OUTSIDE';
  readonly kind = 'forbidden';
  readonly message = '只能推荐本组织及下级组织的党员或组织 / the nominee must belong to the nominating organisation or one below it';
  constructor(
    private readonly nominatorOrgId: string,
    private readonly nominee: Nominee,
    private readonly nomineeOrgPath: readonly string[],
  ) {
    super();
  }
  isBroken(): boolean {
    const orgOk = this.nomineeOrgPath.at(-1) === this.nominee.orgId;
    const selfOk = this.nominee.kind === 'member' || this.nominee.id === this.nominee.orgId;
    return !orgOk || !selfOk || !this.nomineeOrgPath.includes(this.nominatorOrgId);
  }
}

export class NomineeIsNominatedOnceRule extends Rule {
  readonly id = 'commendation.nomination.nominee-once';
  readonly code = 'NOMINATION.DUPLICATE';
  readonly kind = 'conflict';
  readonly message = '该对象已在本次表彰的同一类别中被推荐 / this nominee is already nominated in this programme and category';
  constructor(private readonly alreadyNominated: unknown) {
    super();
  }
  isBroken(): boolean {
    return this.alreadyNominated !== null;
  }
}

/**
 * Version 1: the deeds and the name, as stored, carry no ID-card or phone number (spaced, dashed
 * or full-width ones seen through). Kept for the decisions that recorded it.
 */
export class DeedsCarryNoPersonalNumbersRuleV1 extends Rule {
  readonly id = 'commendation.nomination.no-personal-numbers';
  readonly code = 'NOMINATION.PERSONAL_NUMBERS';
  readonly kind = 'invalid';
  readonly message = '事迹材料和姓名中不得含身份证号或电话号码 / the deeds and the name must not carry an ID-card or phone number';
  constructor(private readonly texts: readonly string[]) {
    super();
  }
  isBroken(): boolean {
    return this.texts.some((t) => personalNumbersIn(t).length > 0);
  }
}

/**
 * Version 2 (a probe put 1\u200b3800138000 and 138.0013.8000 on the public notice past version 1):
 * the deeds and the name carry no number a reader of the notice would read as one — behind
 * invisible characters, dots, brackets or Chinese numerals too (`personalNumbersShownIn`), numerals
 * read as one with the digits they touch (reading 2). Kept for the decisions that recorded it.
 */
export class DeedsCarryNoPersonalNumbersRuleV2 extends Rule {
  readonly id = 'commendation.nomination.no-personal-numbers';
  override readonly version: number = 2;
  protected readonly reading: NumberReading = 2;
  readonly code = 'NOMINATION.PERSONAL_NUMBERS';
  readonly kind = 'invalid';
  readonly message =
    '事迹材料和姓名中不得含身份证号或电话号码（含以符号、零宽字符或汉字数字写出的）/ the deeds and the name must not carry an ID-card or phone number, nor one split by symbols or invisible characters or spelled in Chinese numerals';
  constructor(private readonly texts: readonly string[]) {
    super();
  }
  isBroken(): boolean {
    return this.texts.some((t) => personalNumbersShownIn(t, false, this.reading).length > 0);
  }
}

/**
 * Version 3: as version 2, with a group of digits ending where a numeral meets it — 张三13800138000
 * read as one number 313800138000 under version 2, so a name ending in 三 or 四 hid a phone.
 * Kept for the decisions that recorded it.
 */
export class DeedsCarryNoPersonalNumbersRuleV3 extends DeedsCarryNoPersonalNumbersRuleV2 {
  override readonly version: number = 3;
  protected override readonly reading: NumberReading = 3;
}

/**
 * Version 4: as version 3, with a number spelled in numerals read without the one or two a name
 * before it may end in — 张三一三八〇〇一三八〇〇〇 read as 313800138000 under version 3.
 */
export class DeedsCarryNoPersonalNumbersRule extends DeedsCarryNoPersonalNumbersRuleV2 {
  override readonly version: number = 4;
  protected override readonly reading: NumberReading = 4;
}

const DEEDS_RULE = new VersionedRuleSet<[readonly string[]]>('commendation.nomination.no-personal-numbers', {
  1: DeedsCarryNoPersonalNumbersRuleV1,
  2: DeedsCarryNoPersonalNumbersRuleV2,
  3: DeedsCarryNoPersonalNumbersRuleV3,
  4: DeedsCarryNoPersonalNumbersRule,
});

/** The deeds rule in the version `chosen` names (a replay's), else the one in force. */
export const deedsCarryNoPersonalNumbers = (chosen: RuleVersionChoice | undefined, deeds: Deeds, name = '') =>
  DEEDS_RULE.create(chosen, [deeds.summary, deeds.record, name]);

/** 名额: the acting level forwards no more nominations of the unit, in the category, than its places. */
export class QuotaIsNotExceededRule extends Rule {
  readonly id = 'commendation.nomination.within-quota';
  readonly code = 'NOMINATION.OVER_QUOTA';
  readonly kind = 'rule';
  readonly message = '超出分配名额 / the unit’s places in this category are used up at this level';
  constructor(private readonly quota: QuotaFacts) {
    super();
  }
  isBroken(): boolean {
    return this.quota.used >= this.quota.places;
  }
}

/** No level skipped: only the level the nomination waits on reviews it, in a reviewing role. */
export class ReviewIsByTheLevelItWaitsOnRule extends Rule {
  readonly id = 'commendation.nomination.next-level-reviews';
  readonly code = 'NOMINATION.NOT_THE_NEXT_LEVEL';
  readonly kind = 'forbidden';
  readonly message = '须由推荐所在的下一级审核，不得越级 / only the level the nomination waits on reviews it; no level is skipped';
  constructor(
    private readonly decidedBy: DecidedBy,
    private readonly awaited: ReviewStep | undefined,
  ) {
    super();
  }
  isBroken(): boolean {
    return this.awaited?.orgId !== this.decidedBy.orgId || !hasRole(REVIEWING_ROLES, this.decidedBy.role);
  }
}

export class NomineeIsEligibleRule extends Rule {
  readonly id = 'commendation.nomination.eligible';
  readonly code = 'NOMINATION.NOT_ELIGIBLE';
  readonly kind = 'rule';
  readonly message = '最近一次资格审查未通过 / the nominee failed the latest eligibility check';
  constructor(private readonly eligible: boolean | null) {
    super();
  }
  isBroken(): boolean {
    return this.eligible !== true;
  }
}

/**
 * Version 1: a reason of spaces is none (`trim()`), so one of zero-width or other invisible
 * characters passed. Kept for the returns, rejections and revocations that recorded it.
 */
export class DecisionGivesItsReasonRuleV1 extends Rule {
  readonly id = 'commendation.nomination.reason-given';
  readonly code = 'NOMINATION.REASON_REQUIRED';
  readonly kind = 'invalid';
  readonly message = '退回、不予推荐和撤销须说明理由 / a return, a rejection or a revocation gives its reason';
  constructor(private readonly reason: string) {
    super();
  }
  isBroken(): boolean {
    return this.reason.trim().length === 0;
  }
}

/**
 * Version 2 (ADR 0127): a reason a reader sees as nothing — zero-width, soft hyphen, word joiner,
 * BOM, Braille or Hangul blanks, spaces of any kind — is none (`isBlankText`, the test the HTTP
 * `IsNotBlank` applies first).
 */
export class DecisionGivesItsReasonRule extends Rule {
  readonly id = 'commendation.nomination.reason-given';
  override readonly version: number = 2;
  readonly code = 'NOMINATION.REASON_REQUIRED';
  readonly kind = 'invalid';
  readonly message =
    '退回、不予推荐和撤销须说明理由（不能只有空白或不可见字符）/ a return, a rejection or a revocation gives its reason, not blank or invisible characters';
  constructor(private readonly reason: string) {
    super();
  }
  isBroken(): boolean {
    return isBlankText(this.reason);
  }
}

const REASON_RULE = new VersionedRuleSet<[string]>('commendation.nomination.reason-given', {
  1: DecisionGivesItsReasonRuleV1,
  2: DecisionGivesItsReasonRule,
});

/**
 * A decision's own words — its reason, a commendation's document number — carry no ID-card or
 * phone number (`personalNumbersPublishedIn`, reading 4). They are kept for ever in a store that
 * cannot forget, and a revocation's reason and number are shown on the public 光荣榜 history (a
 * hostile probe put 身份证号152522198001011234 there through a revocation). First shipped after
 * decisions were recorded: a replay runs it only for a decision that recorded it.
 */
export class DecisionTextCarriesNoPersonalNumbersRule extends Rule {
  static readonly ID = 'commendation.decision.no-personal-numbers';
  readonly id = DecisionTextCarriesNoPersonalNumbersRule.ID;
  readonly code = 'DECISION.PERSONAL_NUMBERS';
  readonly kind = 'invalid';
  readonly message =
    '决定的理由和文号中不得含身份证号或电话号码（决定永久保存并公开）/ a decision’s reason and document number must not carry an ID-card or phone number: the record is kept for ever and shown';
  constructor(private readonly texts: readonly string[]) {
    super();
  }
  isBroken(): boolean {
    // Reading 4 named, not the default: a later reading must not change what a recorded decision replays.
    return this.texts.some((t) => personalNumbersPublishedIn(t, 4).length > 0);
  }
}

/** That rule for a new decision, and for a replay of one that recorded it; none for a replay of one taken before it shipped. */
export const decisionTextCarriesNoPersonalNumbers = (chosen: RuleVersionChoice | undefined, ...texts: string[]) =>
  chosen === undefined || DecisionTextCarriesNoPersonalNumbersRule.ID in chosen
    ? new DecisionTextCarriesNoPersonalNumbersRule(texts)
    : null;

/** The reason rule in the version `chosen` names (a replay's), else the one in force. */
export const decisionGivesItsReason = (chosen: RuleVersionChoice | undefined, reason: string) => REASON_RULE.create(chosen, reason);

export class NominationIsAmendedByItsNominatorRule extends Rule {
  readonly id = 'commendation.nomination.nominator-amends';
  readonly code = 'NOMINATION.NOT_THE_NOMINATOR';
  readonly kind = 'forbidden';
  readonly message = '只有推荐单位可以修改退回的推荐 / only the nominating organisation amends a returned nomination';
  constructor(
    private readonly decidedBy: DecidedBy,
    private readonly nominatorOrgId: string | null,
  ) {
    super();
  }
  isBroken(): boolean {
    return this.decidedBy.orgId !== this.nominatorOrgId || !hasRole(NOMINATING_ROLES, this.decidedBy.role);
  }
}

export class ReviewIsPastItsDeadlineRule extends Rule {
  readonly id = 'commendation.nomination.review-overdue';
  readonly code = 'NOMINATION.NOT_OVERDUE';
  readonly kind = 'rule';
  readonly message = '审核期限未过 / the review deadline has not passed';
  constructor(
    private readonly awaited: ReviewStep | undefined,
    private readonly today: string,
  ) {
    super();
  }
  isBroken(): boolean {
    return !this.awaited || this.today <= this.awaited.dueOn;
  }
}

export class OverdueIsNotedOnceRule extends Rule {
  readonly id = 'commendation.nomination.overdue-once';
  readonly code = 'NOMINATION.OVERDUE_NOTED';
  readonly kind = 'conflict';
  readonly message = '该级审核逾期已记录 / this level’s overdue review is noted already';
  constructor(private readonly state: NominationState) {
    super();
  }
  isBroken(): boolean {
    return this.state.overdueNoted.includes(this.state.atStep);
  }
}

export class WithdrawalFollowsAnUpheldObjectionRule extends Rule {
  readonly id = 'commendation.nomination.withdrawn-on-upheld-objection';
  readonly code = 'NOMINATION.NO_UPHELD_OBJECTION';
  readonly kind = 'rule';
  readonly message = '只有异议成立才撤回推荐 / a nomination is withdrawn when an objection to it is upheld';
  constructor(
    private readonly nominationId: string | null,
    private readonly objection: ObjectionOutcomeFacts,
  ) {
    super();
  }
  isBroken(): boolean {
    return !this.objection.upheld || this.objection.nominationId !== this.nominationId;
  }
}

/** The awarding body decides and revokes: the last step of the chain, in an awarding role. */
export class AwardingBodyDecidesRule extends Rule {
  readonly id = 'commendation.nomination.awarding-body-decides';
  readonly code = 'NOMINATION.NOT_AWARDING_BODY';
  readonly kind = 'forbidden';
  readonly message = '表彰决定和撤销由表彰机关作出 / the awarding body decides and revokes commendations';
  constructor(
    private readonly decidedBy: DecidedBy,
    private readonly chain: readonly ReviewStep[],
  ) {
    super();
  }
  isBroken(): boolean {
    return this.chain.at(-1)?.orgId !== this.decidedBy.orgId || !hasRole(AWARDING_ROLES, this.decidedBy.role);
  }
}

/** 公示: the nomination was on the latest round of the notice, and that round's full period is over. */
export class NoticeRanItsFullPeriodRule extends Rule {
  readonly id = 'commendation.nomination.notice-ran-full-period';
  readonly code = 'NOMINATION.NOTICE_NOT_OVER';
  readonly kind = 'rule';
  readonly message =
    '须在最近一轮公示期满后才能作出表彰决定 / a decision waits until the latest notice listing the nomination has run its full period';
  constructor(
    private readonly notice: NoticeFacts,
    private readonly today: string,
  ) {
    super();
  }
  isBroken(): boolean {
    return this.notice.round < 1 || !this.notice.listed || this.today <= this.notice.endsOn;
  }
}

export class NoDecisionWhileAnObjectionIsOpenRule extends Rule {
  readonly id = 'commendation.nomination.no-open-objection';
  readonly code = 'NOMINATION.OBJECTION_OPEN';
  readonly kind = 'conflict';
  readonly message = '尚有异议未办结，不能作出表彰决定 / no decision while an objection is open';
  constructor(private readonly openObjections: readonly unknown[]) {
    super();
  }
  isBroken(): boolean {
    return this.openObjections.length > 0;
  }
}

/**
 * Version 1: a document number, untrimmed, of 1–100 characters after `trim()` — so one of only
 * zero-width or other invisible characters passed. Kept for the decisions that recorded it.
 */
export class DocumentNumberIsGivenRuleV1 extends Rule {
  readonly id = 'commendation.nomination.document-number';
  readonly code = 'NOMINATION.DOCUMENT_NUMBER';
  readonly kind = 'invalid';
  readonly message = '表彰决定须有文号（不超过 100 字） / a decision carries its document number (up to 100 characters)';
  constructor(private readonly documentNumber: string) {
    super();
  }
  isBroken(): boolean {
    const n = this.documentNumber.trim();
    return n.length === 0 || n.length > 100 || n !== this.documentNumber;
  }
}

/**
 * Version 2 (ADR 0127): as version 1, and a number a reader sees as nothing (`isBlankText`) is
 * none — it would be printed on the decision and the honour roll as an empty 文号.
 */
export class DocumentNumberIsGivenRule extends Rule {
  readonly id = 'commendation.nomination.document-number';
  override readonly version: number = 2;
  readonly code = 'NOMINATION.DOCUMENT_NUMBER';
  readonly kind = 'invalid';
  readonly message =
    '表彰决定须有文号（不超过 100 字，不能只有空白或不可见字符） / a decision carries its document number (up to 100 characters, not blank or invisible characters)';
  constructor(private readonly documentNumber: string) {
    super();
  }
  isBroken(): boolean {
    const n = this.documentNumber.trim();
    return isBlankText(n) || n.length > 100 || n !== this.documentNumber;
  }
}

const DOCUMENT_NUMBER_RULE = new VersionedRuleSet<[string]>('commendation.nomination.document-number', {
  1: DocumentNumberIsGivenRuleV1,
  2: DocumentNumberIsGivenRule,
});

/** The document-number rule in the version `chosen` names (a replay's), else the one in force. */
export const documentNumberIsGiven = (chosen: RuleVersionChoice | undefined, documentNumber: string) =>
  DOCUMENT_NUMBER_RULE.create(chosen, documentNumber);
