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

/** Chinese numerals as people write a number digit by digit (幺 and 两 as said aloud). */
const CHINESE_DIGITS: Readonly<Record<string, string>> = {
  〇: '0',
  零: '0',
  一: '1',
  幺: '1',
  二: '2',
  两: '2',
  三: '3',
  四: '4',
  五: '5',
  六: '6',
  七: '7',
  八: '8',
  九: '9',
};

/**
 * How a reader would read a number out of `shown`: Chinese numerals in a run of four or more as
 * digits (一三八〇〇一三八〇〇〇; a shorter run is a quantity in prose, 三户), and dots, slashes,
 * commas and brackets between digits taken out (138.0013.8000, (010)62345678). Spaces and dashes
 * the base check sees through already.
 */
function readAsDigits(shown: string): string {
  return shown
    .normalize('NFKC')
    .replace(/[〇零一幺二两三四五六七八九]{4,}/g, (run) => [...run].map((c) => CHINESE_DIGITS[c]).join(''))
    .replace(/(?<=[0-9])[.·・,，、/()（）_]+(?=[0-9(（])|(?<![0-9])[(（](?=0[0-9])/g, '');
}

/**
 * The personal numbers a public page would show: those in the text as stored (a number in a
 * link's address counts), those in the text as shown, and those a reader would read out of it
 * (readAsDigits). The check every published free text of a service goes through.
 */
export function personalNumbersShownIn(text: string, markup = false): PersonalNumberKind[] {
  const shown = shownText(text, markup);
  const found = new Set([...personalNumbersIn(text), ...personalNumbersIn(shown), ...personalNumbersIn(readAsDigits(shown))]);
  return [...found];
}
