import { Rule, checkRule } from '@vanguard/kernel';
import { outletKey } from './outlet-key';

export { outletKey } from './outlet-key';

/** 稿件: written as a draft, sent for review, published by an editor in an outlet; reprints add outlets. */
export type ArticleStatus = 'draft' | 'in_review' | 'published';
/** An article's status as its editors read it: a refusal's Chinese half names no code. */
export const ARTICLE_STATUS_LABEL: Readonly<Record<ArticleStatus, string>> = { draft: '草稿', in_review: '待审核', published: '已刊发' };
export const MEDIA_LEVELS = ['central', 'provincial', 'municipal', 'county'] as const;
export type MediaLevel = (typeof MEDIA_LEVELS)[number];
export const MEDIA_CHANNELS = ['press', 'radio', 'tv', 'web', 'briefing', 'sms'] as const;
export type MediaChannel = (typeof MEDIA_CHANNELS)[number];

export interface Publication {
  readonly outlet: string;
  readonly level: MediaLevel;
  readonly channel: MediaChannel;
  readonly publishedOn: string;
  readonly link?: string;
}

/** What was asked of an article, in Chinese and in English. */
const ARTICLE_ACTIONS = {
  submit: ['送审', 'sent for review'],
  return: ['退回修改', 'returned'],
  edit: ['修改', 'edited'],
  publish: ['刊发', 'published'],
  reprint: ['登记转载', 'reprinted'],
} as const;
type ArticleAction = keyof typeof ARTICLE_ACTIONS;

export class ArticleMustBeIn extends Rule {
  readonly id = 'publicity.article-state';
  readonly code = 'ARTICLE.WRONG_STATE';
  readonly kind = 'rule' as const;
  constructor(
    private readonly status: ArticleStatus,
    private readonly expected: readonly ArticleStatus[],
    private readonly action: ArticleAction,
  ) {
    super();
  }
  get message(): string {
    const [zh, en] = ARTICLE_ACTIONS[this.action];
    return `稿件状态为${ARTICLE_STATUS_LABEL[this.status]}，不能${zh} / an article in ${this.status} cannot be ${en}; it must be ${this.expected.join(' or ')}`;
  }
  isBroken(): boolean {
    return !this.expected.includes(this.status);
  }
}

/** 转载按媒体计一次: the same outlet carrying the article again adds nothing to its count. */
export class ReprintCountsOncePerOutlet extends Rule {
  readonly id = 'publicity.reprint-once-per-outlet';
  readonly code = 'ARTICLE.ALREADY_IN_OUTLET';
  readonly kind = 'conflict' as const;
  constructor(
    private readonly outlets: readonly string[],
    private readonly outlet: string,
  ) {
    super();
  }
  get message(): string {
    return `该稿件已在「${this.outlet}」刊发，转载按媒体只计一次 / the article already appeared in ${this.outlet}; a reprint counts once per outlet`;
  }
  isBroken(): boolean {
    const key = outletKey(this.outlet);
    return this.outlets.some((o) => outletKey(o) === key);
  }
}

export class PublicationDateNotInFuture extends Rule {
  readonly id = 'publicity.publication-not-in-future';
  readonly code = 'ARTICLE.DATE_IN_FUTURE';
  readonly kind = 'rule' as const;
  readonly message = '刊发日期不能晚于今天 / a publication date cannot be after today (Asia/Shanghai)';
  constructor(
    private readonly publishedOn: string,
    private readonly today: string,
  ) {
    super();
  }
  isBroken(): boolean {
    return this.publishedOn > this.today;
  }
}

/**
 * 创先争优活动: an article reports on a campaign this service has learned of (evaluation's
 * CampaignLaunched) and belongs to the subtree the campaign covers. An unknown campaign and one
 * elsewhere are refused in the same words, so the rule tells nobody which campaigns exist beyond
 * their reach.
 */
export class ArticleLiesInItsCampaign extends Rule {
  readonly id = 'publicity.article-within-campaign';
  readonly code = 'ARTICLE.OUTSIDE_CAMPAIGN';
  readonly kind = 'rule' as const;
  readonly message =
    '稿件所属组织不在该创先争优活动范围内（或本服务尚未获知该活动）/ the article’s organisation is not in the subtree of a campaign known here';
  constructor(private readonly covered: boolean) {
    super();
  }
  isBroken(): boolean {
    return !this.covered;
  }
}

export const submitForReview = (status: ArticleStatus): ArticleStatus => {
  checkRule(new ArticleMustBeIn(status, ['draft'], 'submit'));
  return 'in_review';
};

export const returnToDraft = (status: ArticleStatus): ArticleStatus => {
  checkRule(new ArticleMustBeIn(status, ['in_review'], 'return'));
  return 'draft';
};

/** What an editor sends: a field left out is not edited. The body is in its sanitised form. */
export interface ArticleEdit {
  readonly title?: string;
  readonly body?: string;
}

/** The text of an article as stored. */
export interface ArticleText {
  readonly title: string;
  readonly bodyHtml: string;
}

/** An edit gives a title or a body: an empty one is refused as an exemplar's is (EXEMPLAR.EDIT_EMPTY), not taken for a new version. */
export class ArticleEditSaysSomething extends Rule {
  readonly id = 'publicity.article-edit-says-something';
  readonly code = 'ARTICLE.EDIT_EMPTY';
  readonly kind = 'invalid' as const;
  readonly message = '请填写标题或正文 / an edit gives a title or a body';
  constructor(private readonly edit: ArticleEdit) {
    super();
  }
  isBroken(): boolean {
    return this.edit.title === undefined && this.edit.body === undefined;
  }
}

/**
 * The text a draft's edit leaves, or undefined when it leaves the text as it was: no new version
 * then, so a holder of the current ETag is not refused (412) for a change nobody made.
 */
export function editArticle(status: ArticleStatus, current: ArticleText, edit: ArticleEdit): ArticleText | undefined {
  checkRule(new ArticleMustBeIn(status, ['draft'], 'edit'));
  checkRule(new ArticleEditSaysSomething(edit));
  const next = { title: edit.title ?? current.title, bodyHtml: edit.body ?? current.bodyHtml };
  return next.title === current.title && next.bodyHtml === current.bodyHtml ? undefined : next;
}

export const reportOnCampaign = (covered: boolean): void => checkRule(new ArticleLiesInItsCampaign(covered));

export function publishIn(status: ArticleStatus, outlets: readonly string[], p: Publication, today: string): ArticleStatus {
  checkRule(
    new ArticleMustBeIn(status, outlets.length === 0 ? ['in_review'] : ['published'], outlets.length === 0 ? 'publish' : 'reprint'),
  );
  checkRule(new PublicationDateNotInFuture(p.publishedOn, today));
  checkRule(new ReprintCountsOncePerOutlet(outlets, p.outlet));
  return 'published';
}
