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
      // A tag holds no '<': with [^>]* each of 50,000 '<' with no '>' scanned to the end (1.5 s).
      .replace(/<[^<>]*>/g, '')
      // Leading zeros are allowed by HTML and were a way round a shorter pattern (&#x0000031;).
      .replace(/&#x0*([0-9a-f]{1,6});?/gi, (_, hex: string) => codePoint(parseInt(hex, 16)))
      .replace(/&#0*([0-9]{1,7});?/g, (_, dec: string) => codePoint(Number(dec)))
      .replace(/&([a-z]+);/gi, (all, name: string) => NAMED[name.toLowerCase()] ?? all);
  return t.replace(/\p{Cf}/gu, '');
}

/**
 * Numerals people write a number digit by digit with, besides the digits of every script: Chinese
 * (〇 and ○ typed for it), financial (壹贰叁, and the traditional 貳叄參陸兩), Suzhou (〡〢〣), 幺 and
 * 两 as said aloud, 洞 for zero as radio operators say it.
 */
const NUMERALS: Readonly<Record<string, string>> = Object.fromEntries(
  ['〇零○◯洞', '一壹幺〡', '二贰貳两兩〢', '三叁叄參〣', '四肆〤', '五伍〥', '六陆陸〦', '七柒〧', '八捌〨', '九玖〩'].flatMap(
    (chars, digit) => [...chars].map((c) => [c, String(digit)]),
  ),
);
const DIGIT = `\\p{Nd}${Object.keys(NUMERALS).join('')}`;
// Between the groups of one written number: up to four characters that are neither letters nor
// digits — blanks, dots, dashes, brackets, arrows, symbols. Not the marks that list numbers
// (， 、 ; / and a line break): 136/2800/5600 and 12345、12315 are three numbers each.
const LISTING = ',，、;；/\\n\\r';
const JOIN = `(?:[^\\p{L}${DIGIT}${LISTING}]|[\\u3164\\u115f\\u1160\\uffa0\\u30fc]){1,4}`;
const RUN = new RegExp(`[${DIGIT}](?:${JOIN}[${DIGIT}]|[${DIGIT}])*`, 'gu');
const GROUP_BREAK = new RegExp(JOIN, 'u');
// An ID number's X written a little apart from its digits (…002 X), as a group of its own.
const TRAILING_X = new RegExp(`^(?:${JOIN})?[Xx](?![A-Za-z])`, 'u');
// Where numerals meet digits a group ends too: 张三13800138000 is a name and a number, not one
// number 313800138000 (三 reads as 3), and 一38 0013 8000 still joins across it.
const SAME_SCRIPT = new RegExp(`[${Object.keys(NUMERALS).join('')}]+|\\p{Nd}+`, 'gu');
const IS_DIGIT = /\p{Nd}/u;

/** A digit or numeral as 0–9: a decimal digit of any script by its distance from the zero that begins its run of ten. */
function asciiDigit(c: string): string {
  if (c >= '0' && c <= '9') return c;
  if (NUMERALS[c]) return NUMERALS[c];
  const cp = c.codePointAt(0)!;
  let zero = cp;
  while (zero > cp - 60 && IS_DIGIT.test(String.fromCodePoint(zero - 1))) zero--;
  return String((cp - zero) % 10);
}

const AREA_CODE = /^0(?:10|2[0-9]|[3-9][0-9]{2})$/;
const MOBILE = /^(?:86)?1[3-9][0-9]{9}$/;
const LANDLINE = /^0(?:10|2[0-9]|[3-9][0-9]{2})[2-9][0-9]{6,7}$/;
const ID18 = /^[1-8][0-9]{5}((?:19|20)[0-9]{2})([0-9]{2})([0-9]{2})[0-9]{3}[0-9X]$/i;
const ID15 = /^[1-8][0-9]{5}([0-9]{2})([0-9]{2})([0-9]{2})[0-9]{3}$/;
// The longest number kindOf knows: an ID-card number's 18 characters (86 and a mobile make 13).
const LONGEST = 18;
// Every length kindOf reads as a number: a landline's 10–12 digits, a mobile's 11 (13 with 86),
// an ID-card number's 15 or 18.
const NUMBER_LENGTHS = new Set([10, 11, 12, 13, 15, 18]);

const isDay = (y: number, m: number, d: number) => {
  const t = new Date(Date.UTC(y, m - 1, d));
  return t.getUTCFullYear() === y && t.getUTCMonth() === m - 1 && t.getUTCDate() === d;
};

/**
 * What `groups[from..to)` are, read whole as `digits` (their join): a mobile number (with or without 86), a landline with a
 * real area code (010, 02x, or 03xx–09xx) and a subscriber number, or an ID-card number whose
 * region and birth date are possible (18 characters, or the old 15). The date and area checks keep
 * a date range, a contract or registration number from reading as one.
 */
function kindOf(digits: string, groups: readonly string[], from = 0, to = groups.length): PersonalNumberKind | undefined {
  const split = to - from > 1;
  if (MOBILE.test(digits)) return 'phone';
  // A landline split up starts with its area code as a group (or is spelled digit by digit): a
  // date and a time run together (2026-11-01 05:30) would read as one otherwise.
  const landline = LANDLINE.test(digits);
  if (landline && (!split || AREA_CODE.test(groups[from]!) || groups.slice(from, to).every((g) => g.length === 1))) return 'phone';
  const id18 = digits.length === 18 ? ID18.exec(digits) : null;
  if (id18 && isDay(Number(id18[1]), Number(id18[2]), Number(id18[3]))) return 'id-number';
  // The old 15-digit card only unsplit: split, too many dates and ranges read as one.
  const id15 = !split && digits.length === 15 ? ID15.exec(digits) : null;
  if (id15 && isDay(1900 + Number(id15[1]), Number(id15[2]), Number(id15[3]))) return 'id-number';
  return undefined;
}

/**
 * The personal numbers a reader would read out of `text`: each run of digits and numerals of any
 * script, its groups joined across what stands between them (spaces, dots, dashes, brackets,
 * invisible blanks, symbols), every stretch of consecutive groups tried, so a number next to a
 * year or written in pairs is found too. Digits running into Latin letters, or shaped as a UUID,
 * are a code and read as one group only. Not read as one number: groups split by letters or
 * Chinese characters, or by the marks that list numbers; a quantity in thousands; an old 15-digit
 * card number split up (so many dates and ranges spell one).
 */
function numbersReadIn(text: string, reading: NumberReading): PersonalNumberKind[] {
  const found = new Set<PersonalNumberKind>();
  // Combining marks (a keycap, an underline) do not change the digit they sit on.
  const plain = text.normalize('NFKC').replace(/\p{M}/gu, '');
  for (const { 0: run, index } of plain.matchAll(RUN)) {
    const written = run.split(GROUP_BREAK);
    const after = plain[index + run.length] ?? '';
    const code =
      /[A-Za-z]/.test(plain[index - 1] ?? '') ||
      (/[A-Za-z]/.test(after) && !/[Xx][^A-Za-z]?$/.test(plain.slice(index + run.length, index + run.length + 2))) ||
      /^[0-9]{8}-[0-9]{4}-[0-9]{4}-[0-9]{4}-[0-9]{12}$/.test(run);
    const trailingX =
      !code &&
      (after === 'X' || after === 'x' || (reading >= 3 && TRAILING_X.test(plain.slice(index + run.length, index + run.length + 6))));
    const read = readGroups(written, code, trailingX, found);
    // Reading 3 reads the run a second way, a group ending where numerals meet digits (张三13800138000),
    // besides the first: split, 〇10-62345678 loses its area code and Tel13八00138000 its number.
    if (reading >= 3) {
      const split = written.flatMap((g) => g.match(SAME_SCRIPT) ?? []);
      const splitRead = split.length > written.length ? readGroups(split, code, trailingX, found) : read;
      // Reading 4: words run into a number spelled in numerals from either side — a name ending in
      // a numeral (张三一三八〇〇一三八〇〇〇 reads 313800138000), a group or a household after it
      // (…〇〇〇四组, …〇〇〇一户): read again without one or two numerals at either end. Only the
      // stretches at the ends differ from the split's, when that was read.
      if (reading >= 4) for (const trimmed of numeralsTrimmed(split)) readGroups(trimmed, code, trailingX, found, splitRead);
    }
  }
  return [...found];
}

/**
 * `groups` without one or two numerals at the start of the first group and at the end of the last
 * (张三, 王二小 end in one; 李三三 in two; 四组, 一户 begin with one), each combination once.
 */
function numeralsTrimmed(groups: readonly string[]): string[][] {
  const first = [...groups[0]!];
  const last = [...groups.at(-1)!];
  const heads = IS_DIGIT.test(first[0]!) ? [0] : [0, 1, 2];
  const tails = IS_DIGIT.test(last[0]!) ? [0] : [0, 1, 2];
  const out: string[][] = [];
  for (const head of heads)
    for (const tail of tails) {
      if (head + tail === 0) continue;
      if (groups.length === 1) {
        if (head + tail < first.length) out.push([first.slice(head, first.length - tail).join('')]);
        continue;
      }
      if (head >= first.length || tail >= last.length) continue;
      const middle = groups.slice(1, -1);
      out.push([first.slice(head).join(''), ...middle, last.slice(0, last.length - tail).join('')]);
    }
  return out;
}

/**
 * Every stretch of consecutive `groups` (digits or numerals as written) that kindOf reads as a
 * number, into `found`. `endsOnly`: only the stretches that hold the first or the last group (the
 * others were read already, in the groups these were trimmed from). Returns false when it read
 * none, the groups being a quantity in thousands.
 */
function readGroups(
  written: readonly string[],
  code: boolean,
  trailingX: boolean,
  found: Set<PersonalNumberKind>,
  endsOnly = false,
): boolean {
  const groups = written.map((g) => [...g].map(asciiDigit).join(''));
  // A quantity written in thousands (15 000 000 000, 1 234 567) is one number and no one's.
  if (groups.length > 1 && groups[0]!.length <= 3 && groups.slice(1).every((g) => g.length === 3)) return false;
  const last = groups.length - 1;
  // A stretch ends once it holds more digits than any number has: every stretch of every length
  // was tried, and "1 ".repeat(600) in an exemplar's story held publicity's event loop 4.7 s. Only
  // a stretch of a number's length is read: "1一".repeat(16384) took 0.7 s reading every other.
  for (let i = 0; i <= last; i++) {
    let digits = '';
    for (let j = i + 1; j <= (code ? i + 1 : groups.length); j++) {
      digits += groups[j - 1]!;
      if (digits.length > LONGEST) break;
      if (NUMBER_LENGTHS.has(digits.length) && (!endsOnly || i === 0 || j === last + 1)) {
        const kind = kindOf(digits, groups, i, j);
        if (kind) found.add(kind);
      }
    }
  }
  // A trailing X ends an ID-card number; the run stops before it (it is a letter).
  if (trailingX)
    for (let i = groups.length - 1, digits = groups[i]!.length; i >= 0 && digits < LONGEST; digits += groups[--i]?.length ?? 0)
      if (kindOf(`${groups.slice(i).join('')}X`, [...groups.slice(i, -1), `${groups.at(-1)!}X`])) found.add('id-number');
  return true;
}

/**
 * The personal numbers a public page would show: those a reader would read (numbersReadIn) in the
 * text as stored (a number in a link's address counts) and in the text as shown. The check every
 * published free text of a service goes through. Stricter than the contracts' refinement
 * (`personalNumbersIn`, whose digest is locked) on how a number is split or spelled, and looser on
 * what is no number at all: a date range, a 15-digit registration number, spaced thousands.
 */
export function personalNumbersShownIn(text: string, markup = false, reading: NumberReading = 4): PersonalNumberKind[] {
  const shown = shownText(text, markup);
  const read = [...numbersReadIn(text, reading), ...numbersReadIn(shown, reading)];
  // Reading 3 also reads it with its blanks as a page lays them out: a run of spaces shows as one
  // (138     0013     8000 was five apart, past the join), and in markup every line break too.
  if (reading >= 3) read.push(...numbersReadIn(shown.replace(markup ? /\s+/g : /[^\S\r\n]+/g, ' '), reading));
  return [...new Set(read)];
}

/**
 * What free text published in clear must not carry: what the contracts' refinement refuses (an
 * event carrying the text must pass it: a bare 010-12345678, a 15-digit card) and what a page
 * would show (`personalNumbersShownIn`: 138.0013.8000, numerals, invisible characters).
 */
export function personalNumbersPublishedIn(text: string, reading: NumberReading = 4): PersonalNumberKind[] {
  return [...new Set([...personalNumbersIn(text), ...personalNumbersShownIn(text, false, reading)])];
}

/**
 * Which reading of numbers a versioned rule was recorded with, so its replay reads as it did:
 * 2 read numerals and the digits they touch as one group (张三13800138000 as 313800138000, no
 * number); 3 also ends a group where they meet, reads blanks as a page collapses them, and takes
 * an ID number's X set apart (…002 X); 4, in force, also reads a group of numerals without the
 * one or two a name may end in (张三一三八〇〇一三八〇〇〇).
 */
export type NumberReading = 2 | 3 | 4;
