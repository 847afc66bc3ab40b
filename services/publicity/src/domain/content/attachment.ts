import { DomainError } from '@vanguard/kernel';

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
