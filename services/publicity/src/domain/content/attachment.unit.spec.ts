import { DomainError } from '@vanguard/kernel';
import {
  MAX_ATTACHMENTS_PER_OWNER,
  MAX_ATTACHMENT_BYTES,
  checkAttachment,
  mayAttachOneMore,
  mayAttachTo,
  mayRemoveFrom,
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
  it('WhenTheExemplarIsWithdrawnOrDeclined_TakesNoUpload', () => {
    for (const status of ['withdrawn', 'declined'])
      expect(codeOf(() => mayAttachTo({ kind: 'exemplar', status }))).toBe('ATTACHMENT.OWNER_CLOSED');
    for (const status of ['proposed', 'published']) expect(() => mayAttachTo({ kind: 'exemplar', status })).not.toThrow();
    for (const status of ['draft', 'in_review', 'published'] as const) expect(() => mayAttachTo({ kind: 'article', status })).not.toThrow();
  });

  it('WhenTheArticleIsInReviewOrPublished_KeepsItsAttachments', () => {
    expect(() => mayRemoveFrom({ kind: 'article', status: 'draft' })).not.toThrow();
    for (const status of ['in_review', 'published'] as const)
      expect(codeOf(() => mayRemoveFrom({ kind: 'article', status }))).toBe('ATTACHMENT.ARTICLE_NOT_DRAFT');
  });

  it('WhenTheExemplarIsWithdrawnOrDeclined_KeepsItsAttachments', () => {
    for (const status of ['withdrawn', 'declined'])
      expect(codeOf(() => mayRemoveFrom({ kind: 'exemplar', status }))).toBe('ATTACHMENT.OWNER_CLOSED');
    for (const status of ['proposed', 'published']) expect(() => mayRemoveFrom({ kind: 'exemplar', status })).not.toThrow();
  });

  it(`WhenItHolds${MAX_ATTACHMENTS_PER_OWNER}_TakesNoMore`, () => {
    expect(() => mayAttachOneMore(MAX_ATTACHMENTS_PER_OWNER - 1)).not.toThrow();
    expect(codeOf(() => mayAttachOneMore(MAX_ATTACHMENTS_PER_OWNER))).toBe('ATTACHMENT.TOO_MANY');
    expect(codeOf(() => mayAttachOneMore(40))).toBe('ATTACHMENT.TOO_MANY');
  });
});
