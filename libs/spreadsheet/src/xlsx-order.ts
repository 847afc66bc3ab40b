import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import type { XlsxEntrySpan } from './xlsx-bounds';

/**
 * The parts ExcelJS's streaming reader must have seen before a worksheet to read it in place.
 * Met in another order (Excel itself writes the shared strings after the sheets; ExcelJS's own
 * writer puts the workbook last and, under load, the sheets after the shared strings), it
 * copies each sheet to a temporary file it deletes only if reading runs to the end, or throws
 * a TypeError when a sheet comes before the workbook part.
 */
export const XLSX_PARTS_FIRST = ['xl/_rels/workbook.xml.rels', 'xl/workbook.xml', 'xl/sharedStrings.xml'] as const;

/**
 * The workbook's local records as one stream, those parts first and the rest in file order:
 * what a zip reader that walks local headers needs, without the directory it never reads.
 * `onBytes` counts what was read, for progress.
 */
export function xlsxInReadingOrder(file: string, spans: readonly XlsxEntrySpan[], onBytes: (n: number) => void): Readable {
  const rank = (name: string) => {
    const i = (XLSX_PARTS_FIRST as readonly string[]).indexOf(name);
    return i < 0 ? XLSX_PARTS_FIRST.length : i;
  };
  const ordered = [...spans].sort((a, b) => rank(a.name) - rank(b.name) || a.start - b.start);
  return Readable.from(
    (async function* () {
      for (const s of ordered) {
        if (s.end <= s.start) continue;
        for await (const chunk of createReadStream(file, { start: s.start, end: s.end - 1, highWaterMark: 256 * 1024 })) {
          onBytes((chunk as Buffer).length);
          yield chunk as Buffer;
        }
      }
    })(),
    { objectMode: false },
  );
}
