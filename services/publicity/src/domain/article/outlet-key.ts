import { withoutInvisibles } from '@vanguard/kernel';

const SPACES = /[\s\p{Z}]+/gu;
// Chinese (and Japanese, Korean) is written without spaces between words: a space next to one of
// its characters (`人民 日报`, `CCTV 新闻`) changes nothing a reader reads, and each position of it
// would otherwise make another outlet. Between two Latin words (`China Daily`) a space stays.
const CJK = '\\p{sc=Han}\\p{sc=Hiragana}\\p{sc=Katakana}\\p{sc=Hangul}\\u3000-\\u303f';
const SPACE_BESIDE_CJK = new RegExp(`(?<=[${CJK}]) | (?=[${CJK}])`, 'gu');

/**
 * The outlet as a reader tells it apart: invisible characters dropped (before and after NFKC,
 * which turns a half-width Hangul filler into another), width and compatibility forms folded by
 * NFKC, runs of spaces of any kind made one and dropped beside CJK characters, case ignored. A
 * key is derived, never shown: the outlet is stored and published as it was typed.
 */
export function outletKey(outlet: string): string {
  return withoutInvisibles(withoutInvisibles(outlet).normalize('NFKC'))
    .toLowerCase()
    .normalize('NFKC')
    .replace(SPACES, ' ')
    .replace(SPACE_BESIDE_CJK, '')
    .trim();
}
