/**
 * How many characters a text holds, as the event contracts (zod), JSON Schema's `maxLength` and
 * the request checks count them: Unicode code points, so a name's rare character of CJK Extension B
 * (two UTF-16 units) is one (ADR 0161).
 */
export function codePointLength(text: string): number {
  let n = text.length;
  for (let i = 1; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit >= 0xdc00 && unit <= 0xdfff) {
      const before = text.charCodeAt(i - 1);
      if (before >= 0xd800 && before <= 0xdbff) n--;
    }
  }
  return n;
}
