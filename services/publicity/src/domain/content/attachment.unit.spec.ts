import { BusinessRuleViolation, DomainError } from '@vanguard/kernel';
import {
  AnArticlesAttachmentsChangeOnlyAsADraft,
  MAX_ATTACHMENTS_PER_OWNER,
  MAX_ATTACHMENT_BYTES,
  checkAttachment,
  mayAttachOneMore,
  mayChangeAttachmentsOf,
  type AttachmentChange,
} from './attachment';

const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);
const PDF = Buffer.from('%PDF-1.7\n%âãÏÓ\n', 'latin1');

const codeOf = (f: () => unknown): string => {
  try {
    f();
  } catch (e) {
    if (e instanceof DomainError) return e.code;
    throw e;
  }
  throw new Error('expected a refusal');
};

describe('checkAttachment', () => {
  it('takes a PNG, a PDF and a JPEG by their bytes', () => {
    expect(checkAttachment(PNG, 'image/png')).toBe('image/png');
    expect(checkAttachment(PDF, undefined)).toBe('application/pdf');
    expect(checkAttachment(Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1]), 'application/octet-stream')).toBe('image/jpeg');
  });

  it('refuses HTML named as an image, whatever the declared type says', () => {
    expect(codeOf(() => checkAttachment(Buffer.from('<html><script>alert(1)</script>'), 'image/png'))).toBe('ATTACHMENT.TYPE_NOT_ALLOWED');
  });

  it('refuses a declared type that disagrees with the bytes', () => {
    expect(codeOf(() => checkAttachment(PDF, 'image/png'))).toBe('ATTACHMENT.TYPE_MISMATCH');
  });

  it('refuses an empty file and one past the limit', () => {
    expect(codeOf(() => checkAttachment(Buffer.alloc(0), undefined))).toBe('ATTACHMENT.EMPTY');
    const big = Buffer.alloc(MAX_ATTACHMENT_BYTES + 1);
    PNG.copy(big);
    expect(codeOf(() => checkAttachment(big, 'image/png'))).toBe('ATTACHMENT.TOO_LARGE');
  });
});

describe('the owner of an attachment', () => {
  const CHANGES: readonly AttachmentChange[] = ['attach', 'remove'];

  it('WhenTheExemplarIsWithdrawnOrDeclined_TakesNoUploadAndKeepsItsAttachments', () => {
    for (const change of CHANGES) {
      for (const status of ['withdrawn', 'declined'] as const)
        expect(codeOf(() => mayChangeAttachmentsOf({ kind: 'exemplar', status }, change))).toBe('ATTACHMENT.OWNER_CLOSED');
      for (const status of ['proposed', 'published'] as const)
        expect(() => mayChangeAttachmentsOf({ kind: 'exemplar', status }, change)).not.toThrow();
    }
  });

  it('WhenTheArticleIsInReviewOrPublished_TakesNoUploadAndKeepsItsAttachments', () => {
    for (const change of CHANGES) {
      expect(() => mayChangeAttachmentsOf({ kind: 'article', status: 'draft' }, change)).not.toThrow();
      for (const status of ['in_review', 'published'] as const)
        expect(codeOf(() => mayChangeAttachmentsOf({ kind: 'article', status }, change))).toBe('ATTACHMENT.ARTICLE_NOT_DRAFT');
    }
  });

  it('WhenAnArticleRefusesAnUploadOrARemoval_OneRuleNamesItInWordsForEach', () => {
    const refusal = (change: AttachmentChange): BusinessRuleViolation => {
      try {
        mayChangeAttachmentsOf({ kind: 'article', status: 'published' }, change);
      } catch (e) {
        if (e instanceof BusinessRuleViolation) return e;
        throw e;
      }
      throw new Error('expected a refusal');
    };
    const [attach, remove] = [refusal('attach'), refusal('remove')];
    for (const e of [attach, remove]) expect(e.rule).toBeInstanceOf(AnArticlesAttachmentsChangeOnlyAsADraft);
    expect(attach.message).toMatch(/不能添加附件.* takes no new attachment/);
    expect(remove.message).toMatch(/附件不能删除.* keeps its attachments/);
  });

  it(`WhenItHolds${MAX_ATTACHMENTS_PER_OWNER}_TakesNoMore`, () => {
    expect(() => mayAttachOneMore(MAX_ATTACHMENTS_PER_OWNER - 1)).not.toThrow();
    expect(codeOf(() => mayAttachOneMore(MAX_ATTACHMENTS_PER_OWNER))).toBe('ATTACHMENT.TOO_MANY');
    expect(codeOf(() => mayAttachOneMore(40))).toBe('ATTACHMENT.TOO_MANY');
  });
});
