// Spaces of every kind, and what shows as nothing: zero-width and other format characters, the
// Braille and Hangul blanks (a probe published a service name of two U+200B).
const BLANK = /[\s\p{Z}\p{Cf}\u2800\u3164\u115f\u1160\uffa0]/gu;

/**
 * Text a reader sees as nothing: empty, spaces of any kind, or only characters that show as
 * nothing. The one test of "blank" for HTTP fields (libs/http `IsNotBlank`) and for the domains'
 * rules (a reason, a name): `trim()` alone let "\u200b\u2800" through as a reason for a grade.
 */
export function isBlankText(text: string): boolean {
  return text.replace(BLANK, '').length === 0;
}
