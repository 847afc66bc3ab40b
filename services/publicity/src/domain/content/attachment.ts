import { DomainError, Rule, checkRule } from '@vanguard/kernel';
import { ARTICLE_STATUS_LABEL, type ArticleStatus } from '../article/article';
import { EXEMPLAR_STATUS_LABEL, type ExemplarStatus } from '../exemplar/exemplar';

/** Largest attachment stored (photos of a ceremony, a scanned decision); larger ones are refused before they are read whole. */
export const MAX_ATTACHMENT_BYTES = 5 * 1024 * 1024;

/** What an attachment may be, known by its first bytes, never by its name or declared type. */
const SIGNATURES: readonly { type: string; magic: readonly number[] }[] = [
  { type: 'application/pdf', magic: [0x25, 0x50, 0x44, 0x46, 0x2d] }, // %PDF-
  { type: 'image/png', magic: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a] },
  { type: 'image/jpeg', magic: [0xff, 0xd8, 0xff] },
];

export const ALLOWED_ATTACHMENT_TYPES = SIGNATURES.map((s) => s.type);

/** The content type the bytes show, or undefined when they are none of the allowed kinds. */
export function sniffContentType(bytes: Uint8Array): string | undefined {
  return SIGNATURES.find((s) => s.magic.length <= bytes.length && s.magic.every((b, i) => bytes[i] === b))?.type;
}

/**
 * The type an attachment is stored under: what its bytes show. A file whose bytes are not an
 * allowed kind is refused (an HTML page named photo.png), and so is one whose declared type
 * disagrees with its bytes, since a client that lies about one thing is not trusted with the rest.
 */
export function checkAttachment(bytes: Uint8Array, declaredType: string | undefined): string {
  if (bytes.length === 0) throw new DomainError('ATTACHMENT.EMPTY', 'invalid', '附件为空 / the attachment is empty');
  if (bytes.length > MAX_ATTACHMENT_BYTES)
    throw new DomainError(
      'ATTACHMENT.TOO_LARGE',
      'invalid',
      `附件超过 ${MAX_ATTACHMENT_BYTES} 字节 / the attachment exceeds ${MAX_ATTACHMENT_BYTES} bytes`,
    );
  const sniffed = sniffContentType(bytes);
  if (!sniffed)
    throw new DomainError(
      'ATTACHMENT.TYPE_NOT_ALLOWED',
      'invalid',
      `附件内容不是允许的类型 / the attachment's content is none of ${ALLOWED_ATTACHMENT_TYPES.join(', ')}`,
    );
  const declared = declaredType?.split(';')[0]?.trim().toLowerCase();
  if (declared && declared !== 'application/octet-stream' && declared !== sniffed)
    throw new DomainError(
      'ATTACHMENT.TYPE_MISMATCH',
      'invalid',
      `附件声明为 ${declared}，内容却是 ${sniffed} / declared ${declared} but the content is ${sniffed}`,
    );
  return sniffed;
}

/**
 * Most attachments one article or exemplar holds: a story's photos and scans, not an archive.
 * Each may be 5 MiB, and forty arrived at once in a probe (ADR 0124).
 */
export const MAX_ATTACHMENTS_PER_OWNER = 20;

export class AnOwnerHoldsAtMostTwentyAttachments extends Rule {
  readonly id = 'publicity.attachments-per-owner';
  readonly code = 'ATTACHMENT.TOO_MANY';
  readonly kind = 'rule' as const;
  readonly message = `每篇稿件或每个典型最多 ${MAX_ATTACHMENTS_PER_OWNER} 个附件 / an article or exemplar holds at most ${MAX_ATTACHMENTS_PER_OWNER} attachments`;
  constructor(private readonly held: number) {
    super();
  }
  isBroken(): boolean {
    return this.held >= MAX_ATTACHMENTS_PER_OWNER;
  }
}

/**
 * An owner as attachments read it: an article's status, an exemplar's. An exemplar withdrawn
 * (taken down, or its commendation revoked) or declined is in a state nothing follows from.
 */
export type AttachmentOwnerState =
  { readonly kind: 'article'; readonly status: ArticleStatus } | { readonly kind: 'exemplar'; readonly status: ExemplarStatus };
/** An upload adds an attachment, a removal takes one away: both change what the owner holds. */
export type AttachmentChange = 'attach' | 'remove';
const CLOSED_EXEMPLAR: ReadonlySet<ExemplarStatus> = new Set(['withdrawn', 'declined']);

/**
 * What is attached supports an exemplar still to be edited or published, or on the roll; one that
 * has left it takes nothing new, and what it holds stays as the record of it (ADR 0124, 0128).
 */
export class AttachmentsGoToAnOpenOwner extends Rule {
  readonly id = 'publicity.attachment-owner-open';
  readonly code = 'ATTACHMENT.OWNER_CLOSED';
  readonly kind = 'rule' as const;
  constructor(
    private readonly status: ExemplarStatus,
    private readonly change: AttachmentChange = 'attach',
  ) {
    super();
  }
  get message(): string {
    return this.change === 'attach'
      ? `该典型${EXEMPLAR_STATUS_LABEL[this.status]}，不能再添加附件 / the exemplar is ${this.status}: nothing more can be attached to it`
      : `该典型${EXEMPLAR_STATUS_LABEL[this.status]}，其附件不能再删除 / the exemplar is ${this.status}: its attachments stay as they are`;
  }
  isBroken(): boolean {
    return CLOSED_EXEMPLAR.has(this.status);
  }
}

/**
 * An article's attachments (its photos and scans) go with its text, and its text changes only as
 * a draft: one sent for review or published keeps them as they were reviewed and published,
 * nothing added and nothing taken away. A file is added, or a wrong one removed, after the
 * article is returned to draft; a published article's stay as published (ADR 0128).
 */
export class AnArticlesAttachmentsChangeOnlyAsADraft extends Rule {
  readonly id = 'publicity.article-attachments-change-as-draft';
  readonly code = 'ATTACHMENT.ARTICLE_NOT_DRAFT';
  readonly kind = 'rule' as const;
  constructor(
    private readonly status: ArticleStatus,
    private readonly change: AttachmentChange,
  ) {
    super();
  }
  get message(): string {
    return this.change === 'attach'
      ? `稿件状态为${ARTICLE_STATUS_LABEL[this.status]}，不能添加附件（退回草稿后可加）/ an article in ${this.status} takes no new attachment; only a draft's attachments change`
      : `稿件状态为${ARTICLE_STATUS_LABEL[this.status]}，附件不能删除（退回草稿后可删）/ an article in ${this.status} keeps its attachments; only a draft's can be removed`;
  }
  isBroken(): boolean {
    return this.status !== 'draft';
  }
}

/**
 * Whether the owner's attachments may change at all, one rule for uploads and removals alike: a
 * draft article, an exemplar not closed. Judged first, before the bytes or the attachment are
 * looked at, so a closed owner refuses even bytes it holds already.
 */
export function mayChangeAttachmentsOf(owner: AttachmentOwnerState, change: AttachmentChange): void {
  if (owner.kind === 'article') checkRule(new AnArticlesAttachmentsChangeOnlyAsADraft(owner.status, change));
  else checkRule(new AttachmentsGoToAnOpenOwner(owner.status, change));
}

/** Whether one more attachment fits beside the `held` its owner has (the same bytes again are not one more). */
export const mayAttachOneMore = (held: number): void => checkRule(new AnOwnerHoldsAtMostTwentyAttachments(held));
