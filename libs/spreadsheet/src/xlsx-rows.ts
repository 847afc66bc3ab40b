import ExcelJS from 'exceljs';
import type { XlsxEntrySpan } from './xlsx-bounds';
import { xlsxInReadingOrder } from './xlsx-order';

/** One row of a sheet as text; `n` is its spreadsheet row number. */
export interface RawRow {
  readonly n?: number;
  readonly values: string[];
}

/** A row as wide as any import of ours is; a sheet that spreads a bomb sideways stops here. */
export const MAX_COLUMNS = 64;

/** A formula met while formulas are refused: its column index and row. */
export class FormulaCell extends Error {
  constructor(
    readonly index: number,
    readonly row: number,
  ) {
    super('formula');
  }
}

/**
 * A number cell whose value a double does not hold exactly: more than 15 significant digits, or
 * an integer past Number.MAX_SAFE_INTEGER. The reader has already turned `<v>110105194912319999</v>`
 * into 110105194912320000 and keeps no raw text, so the cell cannot be read as written: refused,
 * never guessed (an ID number would be stored with other digits).
 */
export class InexactNumberCell extends Error {
  constructor(
    readonly index: number,
    readonly row: number,
  ) {
    super('inexact number');
  }
}

/** Significant digits of the shortest text that reads back as `n` (what String gives). */
function significantDigits(n: number): number {
  const mantissa = String(Math.abs(n)).split('e')[0]!.replace('.', '');
  return mantissa.replace(/^0+/, '').replace(/0+$/, '').length;
}

/** True for a number (a cell's or a formula's cached result) that may not be the one written in the file. */
export function isInexactNumber(v: ExcelJS.CellValue): boolean {
  if (typeof v === 'object' && v !== null && !(v instanceof Date) && 'result' in v) return isInexactNumber(v.result);
  if (typeof v !== 'number') return false;
  return !Number.isFinite(v) || Math.abs(v) > Number.MAX_SAFE_INTEGER || significantDigits(v) > 15;
}

/** A row with a cell past MAX_COLUMNS: refused, as a .csv cell past its header is, rather than dropped. */
export class WideRow extends Error {
  constructor(
    readonly row: number,
    readonly cells: number,
  ) {
    super('wide row');
  }
}

/** The first worksheet is hidden: what would be read is not what the uploader sees. */
export class HiddenFirstSheet extends Error {
  constructor(readonly why: 'hidden') {
    super(`first sheet ${why}`);
  }
}

/** The workbook's zip or XML could not be parsed (the reader's own words in `cause`, not shown to the uploader). */
export class XlsxUnreadableError extends Error {}

function isFormula(v: ExcelJS.CellValue): boolean {
  return typeof v === 'object' && v !== null && !(v instanceof Date) && ('formula' in v || 'sharedFormula' in v);
}

/**
 * Excel writes a character XML cannot carry (a carriage return, a control character) as `_xHHHH_`
 * in a cell's text, and an underscore that would start one as `_x005F_` (ECMA-376's ST_Xstring);
 * ExcelJS's streaming reader, used here, hands them on as they are (its whole-workbook reader
 * decodes them itself: switching readers would decode twice). Read left to right, so `_x005F_x0041_` is the text `_x0041_`.
 * What decodes to text Postgres cannot store (`_x0000_`) is then refused like any such cell.
 */
export function excelText(s: string): string {
  return s.replace(/_x([0-9A-Fa-f]{4})_/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

function cellText(v: ExcelJS.CellValue): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return excelText(v);
  // The reader dates a number only in a date-formatted cell, at UTC midnight of the serial's day:
  // Excel dates have no zone, so the day is the serial's, read the same in Shanghai as anywhere.
  if (v instanceof Date) return v.toISOString().slice(0, 10);
  if (typeof v === 'object') {
    if ('richText' in v) return v.richText.map((t) => excelText(t.text)).join('');
    if ('text' in v) return excelText(String(v.text));
    if ('result' in v) return cellText(v.result);
    return '';
  }
  return String(v);
}

/**
 * ExcelJS's reader copies every sheet to a temporary file while its workbook relations or shared
 * strings are unset, which a part that is absent, misnamed or parses to nothing leaves them: here
 * each of its parts reads as empty until set (fields of the reader, not its typed API).
 */
function partsNeverMissing(reader: ExcelJS.stream.xlsx.WorkbookReader): void {
  const empty: Record<string, () => unknown> = { workbookRels: () => [], sharedStrings: () => [], model: () => ({ sheets: [] }) };
  for (const [field, make] of Object.entries(empty)) {
    let value: unknown;
    Object.defineProperty(reader, field, {
      configurable: true,
      enumerable: true,
      get: () => (value ??= make()),
      set: (v: unknown) => (value = v),
    });
  }
}

/**
 * The first worksheet's rows, read in place from a workbook whose bounds were checked: no part
 * is copied to a temporary file, and the file is closed when the rows end, throw or are returned.
 * Throws FormulaCell on a formula when `refuseFormulas`, InexactNumberCell on a number a double cannot hold exactly, WideRow on a cell past MAX_COLUMNS, XlsxUnreadableError on a malformed zip or
 * sheet, and the file system's error if the file cannot be read.
 */
export function xlsxRowsOf(
  file: string,
  spans: readonly XlsxEntrySpan[],
  refuseFormulas: boolean,
): { rows: AsyncGenerator<RawRow>; bytesRead(): number } {
  let read = 0;
  let failure: { error: unknown } | undefined;
  const stream = xlsxInReadingOrder(file, spans, { bytes: (n) => (read += n), failure: (error) => (failure = { error }) });
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(stream, {
    sharedStrings: 'cache',
    hyperlinks: 'ignore',
    styles: 'cache',
    worksheets: 'emit',
    entries: 'emit',
  });
  partsNeverMissing(reader);
  const rows = (async function* () {
    try {
      yield* firstSheet(reader, refuseFormulas);
    } catch (e) {
      if (failure) throw failure.error;
      throw e instanceof FormulaCell || e instanceof WideRow || e instanceof InexactNumberCell || e instanceof HiddenFirstSheet
        ? e
        : new XlsxUnreadableError('unreadable workbook', { cause: e });
    } finally {
      // The file handle closes in the stream's own finally, after destroy() returns.
      stream.destroy();
      if (!stream.closed) await new Promise<void>((closed) => stream.once('close', () => closed()));
    }
  })();
  return { rows, bytesRead: () => read };
}

async function* firstSheet(reader: ExcelJS.stream.xlsx.WorkbookReader, refuseFormulas: boolean): AsyncGenerator<RawRow> {
  for await (const sheet of reader) {
    // A hidden (or very hidden) first sheet was read while the uploader saw another (a hostile
    // probe). ExcelJS knows the state only of a part it matched to workbook.xml; one it could not
    // match (an absolute target) is read as the file holds it, its state unknown (a cold review;
    // left: a workbook's parts may come in any order, and its tabs' names only after its sheets).
    const { state } = sheet as unknown as { state?: string };
    if (state !== undefined && state !== 'visible') throw new HiddenFirstSheet('hidden');
    for await (const row of sheet as AsyncIterable<ExcelJS.Row>) {
      const values = row.values as ExcelJS.CellValue[];
      const out: string[] = [];
      for (let i = 1; i < values.length && i <= MAX_COLUMNS; i++) {
        if (refuseFormulas && isFormula(values[i])) throw new FormulaCell(i - 1, row.number);
        if (isInexactNumber(values[i])) throw new InexactNumberCell(i - 1, row.number);
        out.push(cellText(values[i]));
      }
      for (let i = values.length - 1; i > MAX_COLUMNS; i--) if (cellText(values[i]).trim() !== '') throw new WideRow(row.number, i);
      yield { n: row.number, values: out };
    }
    break; // the first worksheet only
  }
}
