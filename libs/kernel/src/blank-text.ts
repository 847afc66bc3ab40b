// Spaces of every kind, and what shows as nothing: zero-width and other format characters, the
// Braille and Hangul blanks (a probe published a service name of two U+200B). Versioned rules
// that decisions record and replay read this set: widening it would refuse on replay what was
// decided (a reason of one U+FE0F), so a wider reading is `withoutInvisibles` below, where asked for.
const BLANK = /[\s\p{Z}\p{Cf}\u2800\u3164\u115f\u1160\uffa0]/gu;

/**
 * What shows as nothing, every default-ignorable code point included (variation selectors, the
 * combining grapheme joiner, Mongolian variation selectors) and the Braille blank: publicity's
 * outlet key and its published names and stories read it (ADR 0124).
 */
const SHOWS_AS_NOTHING = /[\p{Cf}\p{Default_Ignorable_Code_Point}\p{Variation_Selector}\u2800]/gu;

/** The text without what shows as nothing (spaces stay). */
export function withoutInvisibles(text: string): string {
  return text.replace(SHOWS_AS_NOTHING, '');
}

/**
 * Text a reader sees as nothing: empty, spaces of any kind, or only characters that show as
 * nothing. The one test of "blank" for HTTP fields (libs/http `IsNotBlank`) and for the domains'
 * rules (a reason, a name): `trim()` alone let "\u200b\u2800" through as a reason for a grade.
 */
export function isBlankText(text: string): boolean {
  return text.replace(BLANK, '').length === 0;
}
