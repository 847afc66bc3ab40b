import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import ExcelJS from 'exceljs';
import type { RosterFormat } from '../../application/roster/roster-format';
import { CsvMalformedError, CsvRecordTooLongError, parseCsv, restoreFormula } from './csv';
import { checkXlsxBounds, XlsxRefusedError } from './xlsx-bounds';

/** What one import may read: past any of these the file is refused with the reason. */
export interface RosterReadLimits {
  readonly maxRows: number;
  readonly maxRecordChars: number;
  readonly maxInflatedBytes: number;
}

/** The file is past a limit or is not a well-formed roster file: refused, with a reason meant for the uploader. */
export class RosterRefusedError extends Error {
  constructor(
    message: string,
    readonly row = 1,
  ) {
    super(message);
  }
}

export interface RosterRecord {
  /** Spreadsheet row number: the header is row 1. */
  readonly row: number;
  readonly cells: Record<string, string>;
}

export interface RosterSource {
  readonly header: string[];
  readonly records: AsyncGenerator<RosterRecord>;
  /** Bytes of the file consumed so far, for progress. */
  bytesRead(): number;
  readonly bytesTotal: number;
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
 * Opens a roster file as a stream of rows keyed by the header's column names; nothing is held
 * in memory but the current row. An .xlsx is checked against `maxInflatedBytes` first; cells
 * lose the quote the export puts before formula-like text; past `maxRows` rows, on a record
 * longer than `maxRecordChars` or once `signal` aborts, reading throws.
 */
export async function openRoster(
  file: string,
  format: RosterFormat,
  limits: RosterReadLimits,
  signal?: AbortSignal,
): Promise<RosterSource> {
  const bytesTotal = (await stat(file)).size;
  if (format === 'xlsx')
    await checkXlsxBounds(file, limits.maxInflatedBytes).catch((e: unknown) => {
      throw e instanceof XlsxRefusedError ? new RosterRefusedError(e.message) : e;
    });
  const stream = createReadStream(file, { highWaterMark: 256 * 1024 });
  const bytesRead = () => stream.bytesRead;
  let rows: AsyncGenerator<{ n?: number; values: string[] }>;
  if (format === 'csv') {
    rows = (async function* () {
      try {
        for await (const values of parseCsv(stream, { maxRecordChars: limits.maxRecordChars })) yield { values };
      } catch (e) {
        if (e instanceof CsvMalformedError) throw new RosterRefusedError(e.message, e.row);
        throw e instanceof CsvRecordTooLongError ? new RosterRefusedError(e.message) : e;
      } finally {
        stream.destroy();
      }
    })();
  } else {
    const reader = new ExcelJS.stream.xlsx.WorkbookReader(stream, {
      sharedStrings: 'cache',
      hyperlinks: 'ignore',
      styles: 'ignore',
      worksheets: 'emit',
      entries: 'emit',
    });
    rows = (async function* () {
      try {
        yield* xlsxRows(reader);
      } finally {
        stream.destroy();
      }
    })();
  }
  const first = await rows.next();
  const header = first.done ? [] : first.value.values.map((h) => h.trim().toLowerCase());
  const records = (async function* () {
    let row = 1;
    let count = 0;
    try {
      for await (const { n, values } of rows) {
        signal?.throwIfAborted();
        row = n ?? row + 1;
        if (values.every((v) => v.trim() === '')) continue;
        if (++count > limits.maxRows)
          throw new RosterRefusedError(`超过 ${limits.maxRows} 行的上限 / the file has more than ${limits.maxRows} rows`, row);
        // A cell past the header has no column to go to: dropping it would lose data unseen.
        if (values.slice(header.length).some((v) => v.trim() !== ''))
          throw new RosterRefusedError(
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

async function* xlsxRows(reader: ExcelJS.stream.xlsx.WorkbookReader): AsyncGenerator<{ n?: number; values: string[] }> {
  for await (const sheet of reader) {
    for await (const row of sheet as AsyncIterable<ExcelJS.Row>) {
      const values = row.values as ExcelJS.CellValue[];
      const out: string[] = [];
      // A row as wide as a roster is; a sheet that spreads a bomb sideways stops here.
      for (let i = 1; i < values.length && i <= 64; i++) out.push(cellText(values[i]));
      yield { n: row.number, values: out };
    }
    break; // the first worksheet only
  }
}
