import { personalNumbersIn, type PersonalNumberKind } from './no-personal-numbers.refinement';

const NAMED: Readonly<Record<string, string>> = { nbsp: ' ', amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

const codePoint = (n: number): string => (Number.isInteger(n) && n >= 0 && n <= 0x10ffff ? String.fromCodePoint(n) : '');

/**
 * What a reader of a public page sees of `text`: format characters (zero-width spaces and joiners,
 * soft hyphens) dropped, as a browser shows none of them; for markup, the tags removed and
 * character references decoded, so `138<b>1234</b>5678` and `&#49;38…` read as the number they show.
 */
export function shownText(text: string, markup = false): string {
  let t = text;
  if (markup)
    t = t
      .replace(/<[^>]*>/g, '')
      .replace(/&#x([0-9a-f]{1,6});?/gi, (_, hex: string) => codePoint(parseInt(hex, 16)))
      .replace(/&#([0-9]{1,7});?/g, (_, dec: string) => codePoint(Number(dec)))
      .replace(/&([a-z]+);/gi, (all, name: string) => NAMED[name.toLowerCase()] ?? all);
  return t.replace(/\p{Cf}/gu, '');
}

/**
 * The personal numbers a public page would show: those in the text as stored (a number in a
 * link's address counts) and those in the text as shown. The check every published free text
 * of a service goes through.
 */
export function personalNumbersShownIn(text: string, markup = false): PersonalNumberKind[] {
  const found = new Set([...personalNumbersIn(text), ...personalNumbersIn(shownText(text, markup))]);
  return [...found];
}
