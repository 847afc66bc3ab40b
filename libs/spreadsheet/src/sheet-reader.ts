import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import ExcelJS from 'exceljs';
import { CsvMalformedError, CsvRecordTooLongError, parseCsv, restoreFormula } from './csv';
import { checkXlsxBounds, XlsxRefusedError } from './xlsx-bounds';
import { XLSX_PARTS_FIRST, xlsxInReadingOrder } from './xlsx-order';

export type SheetFormat = 'csv' | 'xlsx';

/** What one import may read: past any of these the file is refused with the reason. */
export interface SheetReadLimits {
  readonly maxRows: number;
  readonly maxRecordChars: number;
  readonly maxInflatedBytes: number;
}

export interface SheetReadOptions {
  /**
   * Refuse an .xlsx cell holding a formula instead of reading its cached result: the result
   * is whatever the author's spreadsheet last computed, not something the importer can check.
   */
  readonly refuseFormulas?: boolean;
}

/** The file is past a limit or is not a well-formed sheet: refused, with a reason meant for the uploader (Chinese / English). */
export class SheetRefusedError extends Error {
  constructor(
    message: string,
    readonly row = 1,
    readonly column?: string,
  ) {
    super(message);
  }
}

export interface SheetRecord {
  /** Spreadsheet row number: the header is row 1. */
  readonly row: number;
  readonly cells: Record<string, string>;
}

export interface SheetSource {
  readonly header: string[];
  readonly records: AsyncGenerator<SheetRecord>;
  /** Bytes of the file consumed so far, for progress. */
  bytesRead(): number;
  readonly bytesTotal: number;
}

/** A row as wide as any import of ours is; a sheet that spreads a bomb sideways stops here. */
const MAX_COLUMNS = 64;

class FormulaCell extends Error {
  constructor(
    readonly index: number,
    readonly row: number,
  ) {
    super('formula');
  }
}

function isFormula(v: ExcelJS.CellValue): boolean {
  return typeof v === 'object' && v !== null && !(v instanceof Date) && ('formula' in v || 'sharedFormula' in v);
}

function cellText(v: ExcelJS.CellValue): string {
  if (v === null || v === undefined) return '';
  if (v instanceof Date) return v.toISOString().slice(0, 10);
  if (typeof v === 'object') {
    if ('richText' in v) return v.richText.map((t) => t.text).join('');
    if ('text' in v) return String(v.text);
    if ('result' in v) return cellText(v.result);
    return '';
  }
  return String(v);
}

/**
 * Opens a .csv (UTF-8) or .xlsx (first worksheet) as a stream of rows keyed by the header's
 * column names (trimmed, lower case); nothing is held in memory but the current row, and each
 * byte is looked at a bounded number of times (csv.ts). An .xlsx is checked against
 * `maxInflatedBytes` first and read with the parts a sheet needs put before it (xlsx-order.ts),
 * so nothing is copied to a temporary file; cells lose the quote an export puts before formula-like text;
 * past `maxRows` rows, on a record longer than `maxRecordChars`, on a formula when
 * `refuseFormulas`, or once `signal` aborts, reading throws.
 */
export async function openSheet(
  file: string,
  format: SheetFormat,
  limits: SheetReadLimits,
  signal?: AbortSignal,
  options: SheetReadOptions = {},
): Promise<SheetSource> {
  const bytesTotal = (await stat(file)).size;
  let bytesRead: () => number;
  let rows: AsyncGenerator<{ n?: number; values: string[] }>;
  if (format === 'csv') {
    const stream = createReadStream(file, { highWaterMark: 256 * 1024 });
    bytesRead = () => stream.bytesRead;
    rows = (async function* () {
      try {
        for await (const values of parseCsv(stream, { maxRecordChars: limits.maxRecordChars })) yield { values };
      } catch (e) {
        if (e instanceof CsvMalformedError) throw new SheetRefusedError(e.message, e.row);
        throw e instanceof CsvRecordTooLongError ? new SheetRefusedError(e.message) : e;
      } finally {
        stream.destroy();
      }
    })();
  } else {
    const { spans } = await checkXlsxBounds(file, limits.maxInflatedBytes).catch((e: unknown) => {
      throw e instanceof XlsxRefusedError ? new SheetRefusedError(e.message) : e;
    });
    let read = 0;
    bytesRead = () => read;
    const stream = xlsxInReadingOrder(file, spans, (n) => (read += n));
    const reader = new ExcelJS.stream.xlsx.WorkbookReader(stream, {
      sharedStrings: 'cache',
      hyperlinks: 'ignore',
      styles: 'ignore',
      worksheets: 'emit',
      entries: 'emit',
    });
    declareMissingParts(reader, new Set(spans.map((s) => s.name)));
    rows = (async function* () {
      try {
        yield* xlsxRows(reader, options.refuseFormulas ?? false);
      } finally {
        stream.destroy();
      }
    })();
  }
  let header: string[] = [];
  const refusedFormula = (e: unknown): unknown => {
    if (!(e instanceof FormulaCell)) return e;
    const row = e.row;
    const column = header[e.index] ?? `#${e.index + 1}`;
    return new SheetRefusedError(
      `第 ${row} 行“${column}”列是公式，请粘贴为数值后再导入 / row ${row}, column ${column} holds a formula; paste it as a value`,
      row,
      column,
    );
  };
  const first = await rows.next().catch((e: unknown) => {
    throw refusedFormula(e);
  });
  header = first.done ? [] : first.value.values.map((h) => h.trim().toLowerCase());
  const records = (async function* () {
    let row = 1;
    let count = 0;
    try {
      for (;;) {
        let next: IteratorResult<{ n?: number; values: string[] }>;
        try {
          next = await rows.next();
        } catch (e) {
          throw refusedFormula(e);
        }
        if (next.done) break;
        const { n, values } = next.value;
        signal?.throwIfAborted();
        row = n ?? row + 1;
        if (values.every((v) => v.trim() === '')) continue;
        if (++count > limits.maxRows)
          throw new SheetRefusedError(`超过 ${limits.maxRows} 行的上限 / the file has more than ${limits.maxRows} rows`, row);
        // A cell past the header has no column to go to: dropping it would lose data unseen.
        if (values.slice(header.length).some((v) => v.trim() !== ''))
          throw new SheetRefusedError(
            `第 ${row} 行有 ${values.length} 个单元格，多于表头的 ${header.length} 列 / row ${row} has ${values.length} cells, more than the header's ${header.length} columns`,
            row,
          );
        const cells: Record<string, string> = {};
        header.forEach((h, i) => (cells[h] = restoreFormula(values[i] ?? '')));
        yield { row, cells };
      }
    } finally {
      await rows.return(undefined);
    }
  })();
  return { header, records, bytesRead, bytesTotal };
}

/**
 * A part the workbook lacks is declared empty on the reader (fields of ExcelJS's reader, not
 * its typed API): it would otherwise wait for the part and copy every sheet to a temporary file.
 */
function declareMissingParts(reader: ExcelJS.stream.xlsx.WorkbookReader, names: ReadonlySet<string>): void {
  const [rels, workbook, sharedStrings] = XLSX_PARTS_FIRST;
  if (!names.has(rels)) Object.assign(reader, { workbookRels: [] });
  if (!names.has(workbook)) Object.assign(reader, { model: { sheets: [] } });
  if (!names.has(sharedStrings)) Object.assign(reader, { sharedStrings: [] });
}

async function* xlsxRows(
  reader: ExcelJS.stream.xlsx.WorkbookReader,
  refuseFormulas: boolean,
): AsyncGenerator<{ n?: number; values: string[] }> {
  for await (const sheet of reader) {
    for await (const row of sheet as AsyncIterable<ExcelJS.Row>) {
      const values = row.values as ExcelJS.CellValue[];
      const out: string[] = [];
      for (let i = 1; i < values.length && i <= MAX_COLUMNS; i++) {
        if (refuseFormulas && isFormula(values[i])) throw new FormulaCell(i - 1, row.number);
        out.push(cellText(values[i]));
      }
      yield { n: row.number, values: out };
    }
    break; // the first worksheet only
  }
}
