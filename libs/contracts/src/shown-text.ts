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

/** Chinese numerals (and the financial forms, and ○ typed for 〇) as people write a number digit by digit; 幺 and 两 as said aloud. */
const NUMERALS: Readonly<Record<string, string>> = Object.fromEntries(
  ['〇零○◯', '一壹幺', '二贰两', '三叁', '四肆', '五伍', '六陆', '七柒', '八捌', '九玖'].flatMap((chars, digit) =>
    [...chars].map((c) => [c, String(digit)]),
  ),
);
const NUMERAL_CHARS = Object.keys(NUMERALS).join('');
// What may stand between the groups of one written number: blanks (the invisible fillers too),
// dashes of every kind, dots, slashes, brackets and the like — not commas or 、, which list numbers.
const SEPARATORS = String.raw`\s\p{Pd}\u2212\u3164\u2800\u115f\u1160.·・•∙/\\()\[\]:;。|~*_`;
const RUN = new RegExp(`[\\p{Nd}${NUMERAL_CHARS}](?:[${SEPARATORS}]{0,3}[\\p{Nd}${NUMERAL_CHARS}])*[Xx]?`, 'gu');
const GROUP_BREAK = new RegExp(`[${SEPARATORS}]+`, 'u');
const IS_DIGIT = /\p{Nd}/u;

/** A decimal digit of any script as 0–9: its distance from the zero that begins its run of ten. */
function asciiDigit(c: string): string {
  if (c >= '0' && c <= '9') return c;
  if (NUMERALS[c]) return NUMERALS[c];
  if (!IS_DIGIT.test(c)) return c;
  const cp = c.codePointAt(0)!;
  let zero = cp;
  while (zero > cp - 60 && IS_DIGIT.test(String.fromCodePoint(zero - 1))) zero--;
  return String((cp - zero) % 10);
}

const wide = (groups: readonly string[]) => groups.length <= 4 && groups.every((g) => g.length >= 3);
const single = (groups: readonly string[]) => groups.every((g) => g.length === 1);

/**
 * The personal number a run of groups spells, if it is written the way one is: one group, digit by
 * digit, or at most four groups of three or more (138 0013 8000, 110101 19900307 7777; a landline's
 * area code first, (010)62345678). Dates, serials and lists (2019.10.1, 2019-001-0001, 12345/12315)
 * are not grouped so, or spell no such number.
 */
function spelled(groups: readonly string[]): PersonalNumberKind | undefined {
  const digits = groups.join('');
  const asWritten = single(groups) || wide(groups);
  const mobile = groups[0] === '86' && groups.length > 1 ? groups.slice(1) : groups;
  if (/^1[3-9][0-9]{9}$/.test(mobile.join('')) && (single(mobile) || wide(mobile))) return 'phone';
  const areaFirst = groups.length <= 4 && /^0[0-9]{2,3}$/.test(groups[0]!) && groups.slice(1).every((g) => g.length >= 3);
  if (/^0[1-9][0-9]{8,10}$/.test(digits) && (single(groups) || groups.length === 1 || areaFirst)) return 'phone';
  if (/^[0-9]{17}[0-9X]$/i.test(digits) && asWritten) return 'id-number';
  return undefined;
}

/**
 * The personal numbers a reader would read out of `shown` that the stored-text check does not see:
 * a number in Chinese, financial or other scripts' numerals, or in groups split by dots, slashes,
 * brackets, colons or invisible blanks. Every stretch of consecutive groups of each run is tried,
 * so a number written next to another (a year, a count) is found too.
 */
function numbersReadIn(shown: string): PersonalNumberKind[] {
  const found = new Set<PersonalNumberKind>();
  // Combining marks (a keycap, an underline) do not change the digit they sit on.
  const text = shown.normalize('NFKC').replace(/\p{M}/gu, '');
  for (const { 0: run, index } of text.matchAll(RUN)) {
    // Digits running into Latin letters are a code, not a number written out: an id, a hash, a model.
    if (/[A-Za-z]/.test(text[index - 1] ?? '') || /[A-Za-z]/.test(text[index + run.length] ?? '')) continue;
    // A UUID all of whose hex digits happen to be decimal (the demo's organisation ids) is an id.
    if (/^[0-9]{8}-[0-9]{4}-[0-9]{4}-[0-9]{4}-[0-9]{12}$/.test(run)) continue;
    const groups = run.split(GROUP_BREAK).map((g) => [...g].map(asciiDigit).join(''));
    for (let i = 0; i < groups.length; i++)
      for (let j = i + 1; j <= groups.length; j++) {
        const window = groups.slice(i, j);
        // A trailing X belongs to an ID-card number; after anything else it is a letter.
        const kind = spelled(window) ?? spelled([...window.slice(0, -1), window.at(-1)!.replace(/[Xx]$/, '')]);
        if (kind) found.add(kind);
      }
  }
  return [...found];
}

/**
 * The personal numbers a public page would show: those in the text as stored (a number in a
 * link's address counts), those in the text as shown, and those a reader would read out of it
 * (numbersReadIn). The check every published free text of a service goes through.
 */
export function personalNumbersShownIn(text: string, markup = false): PersonalNumberKind[] {
  const shown = shownText(text, markup);
  const found = new Set([...personalNumbersIn(text), ...personalNumbersIn(shown), ...numbersReadIn(shown)]);
  return [...found];
}
