import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import ExcelJS from 'exceljs';
import type { RosterFormat } from '../../application/roster/roster-format';
import { parseCsv } from './csv';

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

/** Opens a roster file as a stream of rows keyed by the header's column names; nothing is held in memory but the current row. */
export async function openRoster(file: string, format: RosterFormat): Promise<RosterSource> {
  const bytesTotal = (await stat(file)).size;
  const stream = createReadStream(file, { highWaterMark: 256 * 1024 });
  const bytesRead = () => stream.bytesRead;
  let rows: AsyncGenerator<{ n?: number; values: string[] }>;
  if (format === 'csv') {
    rows = (async function* () {
      for await (const values of parseCsv(stream)) yield { values };
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
      for await (const sheet of reader) {
        for await (const row of sheet as AsyncIterable<ExcelJS.Row>) {
          const values = row.values as ExcelJS.CellValue[];
          const out: string[] = [];
          for (let i = 1; i < values.length; i++) out.push(cellText(values[i]));
          yield { n: row.number, values: out };
        }
        break; // the first worksheet only
      }
    })();
  }
  const first = await rows.next();
  const header = first.done ? [] : first.value.values.map((h) => h.trim().toLowerCase());
  const records = (async function* () {
    let row = 1;
    for await (const { n, values } of rows) {
      row = n ?? row + 1;
      if (values.every((v) => v.trim() === '')) continue;
      const cells: Record<string, string> = {};
      header.forEach((h, i) => (cells[h] = values[i] ?? ''));
      yield { row, cells };
    }
  })();
  return { header, records, bytesRead, bytesTotal };
}
