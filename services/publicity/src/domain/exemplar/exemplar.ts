import { personalNumbersPublishedIn, personalNumbersShownIn } from '@vanguard/contracts';
import { DomainError, Rule, checkRule, isBlankText, withoutInvisibles } from '@vanguard/kernel';
import { RichTextCarriesNoDirectionControl } from '../content/rich-text';
import { shownTextOf } from '../content/sanitize';

/**
 * 先进典型: proposed by an event (a decided commendation, a selected quarter pioneer), then
 * accepted and published, edited, or declined by an editor; withdrawn when the commendation
 * behind it is revoked, or taken down by an editor with a reason. Only a published exemplar is
 * on the honour roll.
 */
export type ExemplarStatus = 'proposed' | 'published' | 'declined' | 'withdrawn';
/** An exemplar's status as its editors read it: a refusal's Chinese half names no code. */
export const EXEMPLAR_STATUS_LABEL: Readonly<Record<ExemplarStatus, string>> = {
  proposed: '待定',
  published: '已采用',
  declined: '不予采用',
  withdrawn: '已撤下',
};

export interface Exemplar {
  readonly id: string;
  readonly status: ExemplarStatus;
  readonly name: string | null;
  readonly orgId: string;
  readonly orgName: string | null;
  readonly category: string;
  readonly story: string;
  readonly version: number;
}

export class ExemplarMustBeProposed extends Rule {
  readonly id = 'publicity.exemplar-must-be-proposed';
  readonly code = 'EXEMPLAR.NOT_PROPOSED';
  readonly kind = 'rule' as const;
  constructor(private readonly status: ExemplarStatus) {
    super();
  }
  get message(): string {
    return `只能处理待定的典型，当前为${EXEMPLAR_STATUS_LABEL[this.status]} / only a proposed exemplar can be edited, accepted or declined; this one is ${this.status}`;
  }
  isBroken(): boolean {
    return this.status !== 'proposed';
  }
}

/** Only what is on the roll can be taken off it. */
export class ExemplarMustBePublished extends Rule {
  readonly id = 'publicity.exemplar-must-be-published';
  readonly code = 'EXEMPLAR.NOT_PUBLISHED';
  readonly kind = 'rule' as const;
  constructor(private readonly status: ExemplarStatus) {
    super();
  }
  get message(): string {
    return `只能撤下已采用的典型，当前为${EXEMPLAR_STATUS_LABEL[this.status]} / only a published exemplar can be taken down; this one is ${this.status}`;
  }
  isBroken(): boolean {
    return this.status !== 'published';
  }
}

/**
 * What a reader of the roll sees as nothing: blank as libs/kernel reads it, or only characters that
 * show as nothing (variation selectors and other default-ignorables too, as the outlet key drops).
 */
export const showsNothing = (text: string): boolean => isBlankText(withoutInvisibles(text));

/** A member chosen as pioneer carries no name (evaluation publishes ids only): the editor supplies it before publishing. */
export class PublishedExemplarNeedsANameAndStory extends Rule {
  readonly id = 'publicity.published-exemplar-needs-name-and-story';
  override readonly version = 2;
  readonly code = 'EXEMPLAR.INCOMPLETE';
  readonly kind = 'rule' as const;
  readonly message = '发布前须填写姓名（名称）和事迹 / an exemplar needs a name and a story before it is published';
  constructor(private readonly exemplar: Pick<Exemplar, 'name' | 'story'>) {
    super();
  }
  isBroken(): boolean {
    // Judged by what the roll would show: a story of empty markup (`<p></p>`) or of a zero-width
    // space (`<p>&#8203;</p>`, stored decoded) survives sanitising but says nothing, and trim()
    // kept "\u2800\u3164" as a name.
    return showsNothing(this.exemplar.name ?? '') || showsNothing(shownTextOf(this.exemplar.story));
  }
}

/**
 * The honour roll is read without a token: an exemplar's name and story carry no ID-card or phone
 * number, as stored (a number in a link's address counts) or as shown (tags, references and
 * zero-width characters taken out). Version 2: a name and a take-down reason are plain text in
 * clear, judged as every such text is (`personalNumbersPublishedIn`, as a revocation's reason on
 * the same history): version 1 let a split 15-digit card (110105-710923-002) through. A story
 * keeps the reading made for prose with dates and registration numbers in it.
 */
export class ExemplarTextCarriesNoPersonalNumbers extends Rule {
  readonly id = 'publicity.exemplar-text-no-personal-numbers';
  override readonly version = 2;
  readonly code = 'EXEMPLAR.PERSONAL_NUMBERS';
  readonly kind = 'invalid' as const;
  readonly message: string;
  private readonly markup: boolean;
  constructor(
    field: 'name' | 'story' | 'reason',
    private readonly text: string | null | undefined,
  ) {
    super();
    this.markup = field === 'story';
    this.message = `${field} 将在光荣榜公开，不得含身份证号或电话号码 / ${field} is shown on the public honour roll and must not carry an ID-card or phone number`;
  }
  isBroken(): boolean {
    if (typeof this.text !== 'string') return false;
    return (this.markup ? personalNumbersShownIn(this.text, true) : personalNumbersPublishedIn(this.text)).length > 0;
  }
}

export class DeclineNeedsAReason extends Rule {
  readonly id = 'publicity.decline-needs-reason';
  readonly code = 'EXEMPLAR.REASON_REQUIRED';
  readonly kind = 'invalid' as const;
  readonly message = '不予采用须说明理由 / declining a proposal needs a reason';
  constructor(private readonly reason: string | undefined) {
    super();
  }
  isBroken(): boolean {
    return this.reason === undefined || isBlankText(this.reason);
  }
}

/** The public history says why an exemplar left the roll: the reason is shown there. */
export class TakeDownNeedsAReason extends Rule {
  readonly id = 'publicity.take-down-needs-reason';
  readonly code = 'EXEMPLAR.REASON_REQUIRED';
  readonly kind = 'invalid' as const;
  readonly message =
    '撤下典型须说明理由（将在光荣榜变更记录中公开）/ taking an exemplar down needs a reason, shown in the honour roll’s history';
  constructor(private readonly reason: string | undefined) {
    super();
  }
  isBroken(): boolean {
    return this.reason === undefined || isBlankText(this.reason);
  }
}

export interface ExemplarEdit {
  readonly name?: string;
  readonly story?: string;
}

/**
 * An edit changes the name, the story or both, and what it gives shows something: a name is not
 * blank, nor is the text a story shows (a story of `<p>&#8203;</p>` would leave the roll's entry
 * empty). Blank as {@link showsNothing} reads it. Version 2: a variation selector or another
 * default-ignorable character alone is blank too (ADR 0124 amended).
 */
export class ExemplarEditSaysSomething extends Rule {
  readonly id = 'publicity.exemplar-edit-says-something';
  override readonly version = 2;
  readonly code = 'EXEMPLAR.EDIT_EMPTY';
  readonly kind = 'invalid' as const;
  constructor(private readonly edit: ExemplarEdit) {
    super();
  }
  get message(): string {
    const { name, story } = this.edit;
    if (typeof name === 'string' && showsNothing(name)) return '姓名（名称）不能为空白 / name must not be blank';
    if (typeof story === 'string' && showsNothing(shownTextOf(story))) return '事迹不能为空白 / story must show some text';
    return '请填写姓名（名称）或事迹 / an edit gives a name or a story';
  }
  isBroken(): boolean {
    // null is no edit of the field (the DTO's @IsOptional lets it through), as undefined is.
    const { name, story } = this.edit;
    return (
      (name == null && story == null) ||
      (typeof name === 'string' && showsNothing(name)) ||
      (typeof story === 'string' && showsNothing(shownTextOf(story)))
    );
  }
}

/**
 * What an edit must be in itself, whatever it edits: checked before the stored exemplar is read,
 * so a body invalid in itself is 400 before a stale If-Match is 412 (ADR 0124), and again by
 * {@link editExemplar}.
 */
export function checkExemplarEdit(edit: ExemplarEdit): void {
  checkRule(new ExemplarEditSaysSomething(edit));
  if (edit.story != null) checkRule(new RichTextCarriesNoDirectionControl('story', edit.story));
  checkRule(new ExemplarTextCarriesNoPersonalNumbers('name', edit.name));
  checkRule(new ExemplarTextCarriesNoPersonalNumbers('story', edit.story));
}

/**
 * The exemplar an edit leaves, or undefined when it shows what is shown already: no new version
 * then, as for an article, so a holder of the current ETag is not refused (412) for a change nobody
 * made. A name equal to the one shown from the organisation is no change either: the proposal keeps
 * following the organisation's renames until published.
 */
export function editExemplar(e: Exemplar, edit: ExemplarEdit): Exemplar | undefined {
  checkRule(new ExemplarMustBeProposed(e.status));
  checkExemplarEdit(edit);
  const next = { ...e, name: edit.name ?? e.name, story: edit.story ?? e.story };
  return next.name === e.name && next.story === e.story ? undefined : next;
}

/** Published as it stands: what a proposal brought (a commendation's deeds) is checked as well as what an editor typed. */
export function acceptExemplar(e: Exemplar): Exemplar {
  checkRule(new ExemplarMustBeProposed(e.status));
  checkRule(new PublishedExemplarNeedsANameAndStory(e));
  checkRule(new RichTextCarriesNoDirectionControl('story', e.story));
  checkRule(new ExemplarTextCarriesNoPersonalNumbers('name', e.name));
  checkRule(new ExemplarTextCarriesNoPersonalNumbers('story', e.story));
  return { ...e, status: 'published' };
}

export function declineExemplar(e: Exemplar, reason: string | undefined): Exemplar {
  checkRule(new ExemplarMustBeProposed(e.status));
  checkRule(new DeclineNeedsAReason(reason));
  return { ...e, status: 'declined' };
}

/**
 * An editor takes a published exemplar off the roll (a story found wrong, a complaint upheld): it
 * is withdrawn, as a revoked commendation's is, and the reason goes on the roll's public history.
 * A commendation behind it stays on the roll (a formal decision only a revocation undoes); its
 * story goes.
 */
export function takeDownExemplar(e: Exemplar, reason: string | undefined): Exemplar {
  checkRule(new ExemplarMustBePublished(e.status));
  checkRule(new TakeDownNeedsAReason(reason));
  checkRule(new ExemplarTextCarriesNoPersonalNumbers('reason', reason));
  return { ...e, status: 'withdrawn' };
}

/** A revocation withdraws whatever state the exemplar is in: the commendation behind it no longer stands. */
export function withdrawExemplar(e: Exemplar): Exemplar {
  return { ...e, status: 'withdrawn' };
}

export const exemplarNotFound = (): DomainError => new DomainError('EXEMPLAR.NOT_FOUND', 'not_found', '未找到该典型 / no such exemplar');
