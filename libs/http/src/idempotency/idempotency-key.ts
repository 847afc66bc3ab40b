import { BadRequestException } from '@nestjs/common';

/** The header a client names a retryable request with (IETF draft-ietf-httpapi-idempotency-key-header). */
export const IDEMPOTENCY_KEY_HEADER = 'Idempotency-Key';
const MAX_LENGTH = 255;

const refuse = (reason: string) =>
  new BadRequestException({
    code: 'IDEMPOTENCY.KEY_INVALID',
    message: `请求幂等键无效 / ${IDEMPOTENCY_KEY_HEADER}: ${reason}`,
    errors: [{ field: IDEMPOTENCY_KEY_HEADER, reason }],
  });

/**
 * The key of an `Idempotency-Key` header: the draft's structured-field string (`"…"`) or, as most
 * clients send it, the bare value. 1–255 visible ASCII characters: it is stored and compared as is.
 */
export function parseIdempotencyKey(header: string | readonly string[]): string {
  if (typeof header !== 'string') throw refuse('只能发送一次 / sent more than once');
  const quoted = /^"(.*)"$/.exec(header);
  const key = quoted ? quoted[1]! : header;
  if (key.length === 0) throw refuse('不能为空 / empty');
  if (key.length > MAX_LENGTH) throw refuse(`长度超过 ${MAX_LENGTH} / longer than ${MAX_LENGTH} characters`);
  if (!/^[\x21-\x7e]+$/.test(key)) throw refuse('只能含可见 ASCII 字符，不含空格 / only visible ASCII characters, no spaces');
  if (quoted && /["\\]/.test(key)) throw refuse('引号内不能有引号或反斜杠 / a quote or backslash inside the quoted key');
  return key;
}
