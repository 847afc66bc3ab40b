/**
 * A small streaming RFC 4180 CSV reader and writer (quotes, doubled quotes, CRLF, LF or a lone CR,
 * UTF-8 BOM; anything after a closing quote is refused): enough for rosters, and no dependency the workspace does not declare.
 * The reader scans with indexOf and slices whole fields, so a million rows make little garbage.
 */
import { Utf8Offset } from './utf8-offset';

/** A record longer than the reader allows: the file is refused, not buffered without end. */
export class CsvRecordTooLongError extends Error {
  constructor(
    readonly maxRecordChars: number,
    /** The record's row (the header is row 1). */
    readonly row: number,
  ) {
    super(`第 ${row} 行超过 ${maxRecordChars} 个字符 / row ${row} is longer than ${maxRecordChars} characters`);
  }
}

/**
 * A file RFC 4180 has no reading of: a character after a closing quote (`a,"abc"x,z`), a quote
 * never closed, or bytes that are not UTF-8. Any guess moves cells into the wrong columns, folds
 * the rest of the file into one cell or changes the text, so the file is refused, naming the
 * record when there is one.
 */
export class CsvMalformedError extends Error {
  constructor(
    message: string,
    readonly row?: number,
  ) {
    super(message);
  }
}

/** Thrown by parseRecord, which does not know the record's number; parseCsv adds it. */
class MalformedRecord extends Error {
  constructor(
    readonly zh: string,
    readonly en: string,
  ) {
    super(en);
  }
}

export interface CsvReadOptions {
  /** Characters one record may span (quoted line breaks included); default 64 KiB. */
  readonly maxRecordChars?: number;
  /** Told how many characters each scan looked at: the work done, for tests that prove it linear. */
  readonly onScan?: (chars: number) => void;
}

/**
 * Records as they complete. A record cut by a chunk boundary is scanned again only once the
 * buffer has doubled since the last try, so a record spread over k chunks costs at most twice
 * its length, not k times (a 16 MB quoted field used to be rescanned on every 64 KB chunk).
 */
export async function* parseCsv(chunks: AsyncIterable<string | Buffer>, options: CsvReadOptions = {}): AsyncGenerator<string[]> {
  const maxRecordChars = options.maxRecordChars ?? 64 * 1024;
  const scanned = options.onScan ?? (() => undefined);
  let buf = '';
  let first = true;
  let retryAt = 0;
  // Records read so far: the next one is row `records + 1` (the header is row 1).
  let records = 0;
  const record = (at: number, final: boolean) => {
    try {
      return parseRecord(buf, at, final);
    } catch (e) {
      if (!(e instanceof MalformedRecord)) throw e;
      const row = records + 1;
      throw new CsvMalformedError(`第 ${row} 行${e.zh} / row ${row}: ${e.en}`, row);
    }
  };
  // Fatal: the upload's sniff saw only the first 64 KiB, and a replacement character would change the text unseen.
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let bytes = 0;
  let tail = Buffer.alloc(0);
  const decode = (raw?: Buffer): string => {
    try {
      return raw ? decoder.decode(raw, { stream: true }) : decoder.decode();
    } catch {
      // The native decoder stays the fast path; only a refusal pays for finding its byte.
      const located = Utf8Offset.after(bytes, tail);
      const at = (raw ? located.feed(raw) : undefined) ?? located.end() ?? bytes;
      throw new CsvMalformedError(
        `文件在第 ${at} 字节之后不是有效的 UTF-8 编码 / the file is not valid UTF-8 after byte ${at}; save it as UTF-8`,
      );
    } finally {
      if (raw) {
        bytes += raw.length;
        // The last 3 bytes of the file so far, whatever size its chunks were.
        const last = raw.length >= 3 ? raw : Buffer.concat([tail, raw]);
        tail = Buffer.from(last.subarray(Math.max(0, last.length - 3)));
      }
    }
  };
  for await (const raw of chunks) {
    let chunk = typeof raw === 'string' ? raw : decode(raw);
    if (first) {
      if (chunk.charCodeAt(0) === 0xfeff) chunk = chunk.slice(1);
      first = false;
    }
    buf = buf ? buf + chunk : chunk;
    if (buf.length < retryAt) continue;
    let pos = 0;
    for (;;) {
      const parsed = record(pos, false);
      if (!parsed) {
        scanned(buf.length - pos);
        break;
      }
      scanned(parsed.next - pos);
      if (parsed.next - pos > maxRecordChars) throw new CsvRecordTooLongError(maxRecordChars, records + 1);
      records++;
      yield parsed.record;
      pos = parsed.next;
    }
    buf = buf.slice(pos);
    if (buf.length > maxRecordChars) throw new CsvRecordTooLongError(maxRecordChars, records + 1);
    retryAt = buf.length * 2;
  }
  buf += decode();
  // A DOS end-of-file mark (Ctrl-Z) some older tools still write as a file's last character: not
  // text, and kept it became the last cell's, refused as a control character naming U+001A.
  if (buf.endsWith('\u001a')) buf = buf.slice(0, -1);
  let pos = 0;
  while (pos < buf.length) {
    const parsed = record(pos, true)!;
    scanned(parsed.next - pos);
    if (parsed.next - pos > maxRecordChars) throw new CsvRecordTooLongError(maxRecordChars, records + 1);
    records++;
    yield parsed.record;
    pos = parsed.next;
  }
}

/** One record starting at `pos`, or null when the buffer ends before the record does (unless `final`). */
function parseRecord(buf: string, pos: number, final: boolean): { record: string[]; next: number } | null {
  const record: string[] = [];
  let i = pos;
  for (;;) {
    if (buf.charCodeAt(i) === 34 /* " */) {
      let value = '';
      let j = i + 1;
      for (;;) {
        const q = buf.indexOf('"', j);
        if (q < 0) {
          if (!final) return null;
          throw new MalformedRecord('的引号没有闭合', 'a quote is never closed (unclosed quote)');
        }
        if (buf.charCodeAt(q + 1) === 34) {
          value += buf.slice(j, q + 1);
          j = q + 2;
          continue;
        }
        if (q + 1 >= buf.length && !final) return null;
        value += buf.slice(j, q);
        j = q + 1;
        break;
      }
      record.push(value);
      i = j;
    } else {
      let end = i;
      const len = buf.length;
      while (end < len) {
        const c = buf.charCodeAt(end);
        if (c === 44 || c === 10 || c === 13) break;
        end++;
      }
      if (end >= len && !final) return null;
      record.push(buf.slice(i, end));
      i = end;
    }
    const c = buf.charCodeAt(i);
    if (c === 44 /* , */) {
      i++;
      continue;
    }
    if (c === 13 /* \r */) {
      i++;
      if (buf.charCodeAt(i) === 10 /* \n */) return { record, next: i + 1 };
      // Cut after the CR: the LF may be the next chunk's first character.
      if (i >= buf.length) return final ? { record, next: i } : null;
      // A CR alone ends the record too (classic Mac line endings, still Excel for Mac's "CSV (Macintosh)"):
      // read as part of a cell, a whole file became one header row and its data rows nothing.
      return { record, next: i };
    }
    if (c === 10 /* \n */) return { record, next: i + 1 };
    if (i >= buf.length) {
      if (!final) return null;
      return { record, next: buf.length };
    }
    // After a closing quote, a Ctrl-Z that ends what has arrived may be the file's end-of-file mark (dropped at the end): wait.
    if (c === 0x1a && i + 1 === buf.length && !final) return null;
    throw new MalformedRecord('引号不成对：右引号后还有字符', 'a character follows a closing quote (malformed quoting)');
  }
}

/**
 * A cell a spreadsheet would run as a formula (OWASP "CSV injection"), the one rule for every
 * export: behind any quotes we added, a tab or CR, or a first character past the blanks a
 * spreadsheet skips (spaces, NBSP, zero-width characters, BOM) that NFKC folds to = + - @ (so the
 * full-width ＝＋－＠ an input method types too). Export adds one leading quote, which
 * spreadsheets show as text; import removes one only where what follows is formula-like. Adding a
 * quote never changes the answer, so a name that really starts with one (even `'=x`) comes back as it was.
 */
export function isFormulaLike(s: string): boolean {
  if (/^'*[\t\r]/.test(s)) return true;
  const significant = s.replace(/^['\s\u00a0\u200b-\u200d\u2060\ufeff]+/, '');
  const first = significant.codePointAt(0);
  return first !== undefined && /^[=+\-@]/.test(String.fromCodePoint(first).normalize('NFKC'));
}

export const neutraliseFormula = (s: string): string => (isFormulaLike(s) ? `'${s}` : s);
export const restoreFormula = (s: string): string => (s.startsWith("'") && isFormulaLike(s.slice(1)) ? s.slice(1) : s);

/** One CSV line, every cell neutralised against formula injection. */
export function csvLine(values: readonly (string | number | boolean | null | undefined)[]): string {
  return (
    values
      .map((v) => {
        const s = neutraliseFormula(v === null || v === undefined ? '' : String(v));
        return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
      })
      .join(',') + '\r\n'
  );
}
