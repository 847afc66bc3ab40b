import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { CsvMalformedError, CsvRecordTooLongError, parseCsv, restoreFormula } from './csv';
import { columnOfHeaderCell } from './header';
import { checkXlsxBounds, XlsxRefusedError } from './xlsx-bounds';
import {
  FormulaCell,
  HiddenFirstSheet,
  InexactNumberCell,
  MAX_COLUMNS,
  type RawRow,
  WideRow,
  xlsxRowsOf,
  XlsxUnreadableError,
} from './xlsx-rows';

export type SheetFormat = 'csv' | 'xlsx';

/** What one import may read: past any of these the file is refused with the reason. */
export interface SheetReadLimits {
  readonly maxRows: number;
  readonly maxRecordChars: number;
  readonly maxInflatedBytes: number;
  /** Inflated bytes of each .xlsx part read whole into memory (shared strings, styles); DEFAULT_MAX_HELD_PART_BYTES unless set. */
  readonly maxHeldPartBytes?: number;
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
  /** Each header cell's column name (header.ts `columnOfHeaderCell`). */
  readonly header: string[];
  /** The header cells as written, trimmed: a format checks their labels (header.ts `mislabelledColumns`). */
  readonly headerCells: string[];
  readonly records: AsyncGenerator<SheetRecord>;
  /** Bytes of the file consumed so far, for progress: `bytesTotal` once the records have ended. */
  bytesRead(): number;
  readonly bytesTotal: number;
  /** Ends the reading and releases the file, whether or not `records` was ever started; idempotent. */
  close(): Promise<void>;
}

/**
 * Opens a .csv (UTF-8) or .xlsx (first worksheet) as a stream of rows keyed by the header's
 * column names (trimmed, lower case; `label（name）` read as `name`, header.ts); nothing is held in memory but the current row, and each
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
  let rows: AsyncGenerator<RawRow>;
  if (format === 'csv') {
    const stream = createReadStream(file, { highWaterMark: 256 * 1024 });
    bytesRead = () => stream.bytesRead;
    rows = (async function* () {
      try {
        for await (const values of parseCsv(stream, { maxRecordChars: limits.maxRecordChars })) yield { values };
      } catch (e) {
        if (e instanceof CsvMalformedError) throw new SheetRefusedError(e.message, e.row);
        throw e instanceof CsvRecordTooLongError ? new SheetRefusedError(e.message, e.row) : e;
      } finally {
        // destroy() closes the descriptor later: a caller told "refused" must find the file let go.
        stream.destroy();
        if (!stream.closed) await new Promise<void>((closed) => stream.once('close', () => closed()));
      }
    })();
  } else {
    const { spans } = await checkXlsxBounds(file, limits.maxInflatedBytes, limits.maxHeldPartBytes).catch((e: unknown) => {
      throw e instanceof XlsxRefusedError ? new SheetRefusedError(e.message) : e;
    });
    const xlsx = xlsxRowsOf(file, spans, options.refuseFormulas ?? false);
    bytesRead = () => xlsx.bytesRead();
    rows = (async function* () {
      try {
        yield* xlsx.rows;
      } catch (e) {
        if (!(e instanceof XlsxUnreadableError)) throw e;
        throw new SheetRefusedError('文件结构损坏，无法读取 / the workbook is damaged: its zip or sheet XML cannot be read');
      } finally {
        await xlsx.rows.return(undefined);
      }
    })();
  }
  let header: string[] = [];
  const refusedCell = (e: unknown): unknown => {
    if (e instanceof WideRow)
      return new SheetRefusedError(
        `第 ${e.row} 行有 ${e.cells} 个单元格，多于 ${MAX_COLUMNS} 列的上限 / row ${e.row} has ${e.cells} cells, more than the ${MAX_COLUMNS} columns a sheet may have`,
        e.row,
        `#${e.cells}`,
      );
    if (e instanceof InexactNumberCell) {
      const column = header[e.index] ?? `#${e.index + 1}`;
      // The number itself is not repeated: in a roster it is as likely as not someone's ID number.
      return new SheetRefusedError(
        `第 ${e.row} 行“${column}”列是超过 15 位有效数字的数值，无法准确读取（如身份证号）；请将该列设置为文本格式并重新录入后再导入 / row ${e.row}, column ${column} holds a number with more than 15 significant digits, which cannot be read exactly (an ID number, say); format the column as text, enter the values again and import again`,
        e.row,
        column,
      );
    }
    if (e instanceof HiddenFirstSheet)
      return new SheetRefusedError(
        '工作簿的第一个工作表已隐藏，导入读取的是第一个工作表；请将要导入的表移到第一个并取消隐藏 / the workbook’s first worksheet is hidden, and an import reads the first worksheet: make the sheet to import the first one, visible',
      );
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
    throw refusedCell(e);
  });
  const headerCells = first.done ? [] : first.value.values.map((v) => v.trim());
  header = headerCells.map(columnOfHeaderCell);
  const badHeader = refusedHeader(header);
  if (badHeader) {
    await rows.return(undefined);
    throw badHeader;
  }
  let finished = false;
  const generator = (async function* () {
    let row = 1;
    let count = 0;
    try {
      for (;;) {
        let next: IteratorResult<RawRow>;
        try {
          next = await rows.next();
        } catch (e) {
          throw refusedCell(e);
        }
        if (next.done) break;
        const { n, values } = next.value;
        signal?.throwIfAborted();
        row = n ?? row + 1;
        if (values.every((v) => v.trim() === '')) continue;
        if (++count > limits.maxRows)
          throw new SheetRefusedError(`超过 ${limits.maxRows} 行的上限 / the file has more than ${limits.maxRows} rows`, row);
        // The CSV parser refuses such a record as it reads; an .xlsx cell has no length of its own
        // short of the inflate limit (a 40 kB workbook held a cell of 41,943,040 characters).
        if (values.reduce((n, v) => n + v.length, 0) > limits.maxRecordChars)
          throw new SheetRefusedError(
            `第 ${row} 行超过 ${limits.maxRecordChars} 个字符 / row ${row} is longer than ${limits.maxRecordChars} characters`,
            row,
          );
        // A cell past the header has no column to go to: dropping it would lose data unseen.
        if (values.slice(header.length).some((v) => v.trim() !== ''))
          throw new SheetRefusedError(
            `第 ${row} 行有 ${values.length} 个单元格，多于表头的 ${header.length} 列 / row ${row} has ${values.length} cells, more than the header's ${header.length} columns`,
            row,
          );
        const cells: Record<string, string> = {};
        for (const [i, h] of header.entries()) {
          const value = values[i] ?? '';
          if (h !== '') cells[h] = restoreFormula(value);
          else if (value.trim() !== '')
            throw new SheetRefusedError(
              `第 ${row} 行第 ${i + 1} 列有内容，但表头该列为空 / row ${row}, column #${i + 1} holds a value under a blank header`,
              row,
              `#${i + 1}`,
            );
        }
        yield { row, cells };
      }
      finished = true;
    } finally {
      await rows.return(undefined);
    }
  })();
  // A generator returned before its first next() never runs its finally: the file would stay open
  // (both importers return early on a bad header), so return() and close() end `rows` themselves.
  const endGenerator = generator.return.bind(generator);
  const close = async () => {
    await endGenerator(undefined);
    await rows.return(undefined);
  };
  const records = Object.assign(generator, {
    return: async (value?: unknown): Promise<IteratorResult<SheetRecord>> => {
      await close();
      return { done: true, value };
    },
  });
  return { header, headerCells, records, bytesRead: () => (finished ? bytesTotal : bytesRead()), bytesTotal, close };
}

/**
 * Names that are the object's own machinery: `cells.__proto__ = v` sets no cell at all, and an
 * absent `constructor` or `prototype` cell reads as something other than text.
 */
const RESERVED_NAMES = new Set(['__proto__', 'constructor', 'prototype']);

/** Two columns of one name, or a reserved one, would lose a column's cells unseen. */
function refusedHeader(header: readonly string[]): SheetRefusedError | undefined {
  const seen = new Set<string>();
  for (const h of header) {
    if (RESERVED_NAMES.has(h)) return new SheetRefusedError(`表头不能有名为“${h}”的列 / the header may not name a column ${h}`, 1, h);
    if (seen.has(h)) return new SheetRefusedError(`表头有两列都叫“${h}” / the header names two columns ${h}`, 1, h);
    if (h !== '') seen.add(h);
  }
  return undefined;
}
