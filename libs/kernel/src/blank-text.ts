/**
 * What shows as nothing: format characters (soft hyphen, zero-width space and joiners, word
 * joiner, BOM), every default-ignorable code point (variation selectors, the Hangul fillers, the
 * combining grapheme joiner, Mongolian variation selectors) and the Braille blank. One set for
 * "blank" below and for publicity's outlet key: the two used to differ, and an outlet of one
 * U+FE0F was not blank to the request yet stored with an empty key (ADR 0124).
 */
const SHOWS_AS_NOTHING = /[\p{Cf}\p{Default_Ignorable_Code_Point}\p{Variation_Selector}\u2800]/gu;
// Spaces of every kind besides (a probe published a service name of two U+200B).
const BLANK = /[\s\p{Z}\p{Cf}\p{Default_Ignorable_Code_Point}\p{Variation_Selector}\u2800]/gu;

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
