import { open, type FileHandle } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { XLSX_HELD_PARTS, type XlsxEntrySpan } from './xlsx-bounds';

/**
 * The parts ExcelJS's streaming reader must have seen before a worksheet to read it in place
 * (the styles, to know a date cell from a number).
 * Met in another order (Excel itself writes the shared strings after the sheets; ExcelJS's own
 * writer puts the workbook last and, under load, the sheets after the shared strings), it
 * copies each sheet to a temporary file it deletes only if reading runs to the end, or throws
 * a TypeError when a sheet comes before the workbook part.
 */
export const XLSX_PARTS_FIRST = ['xl/_rels/workbook.xml.rels', 'xl/workbook.xml', ...XLSX_HELD_PARTS] as const;

const CHUNK = 256 * 1024;
/** An empty end-of-directory record: the zip reader stops on it rather than on a premature end of input. */
const END_OF_DIRECTORY = (() => {
  const b = Buffer.alloc(22);
  b.writeUInt32LE(0x06054b50, 0);
  return b;
})();

export interface ReadingOrderEvents {
  /** Bytes read so far, for progress. */
  bytes(n: number): void;
  /** The file could not be read: the stream ends early (so its reader fails) and never emits 'error', which nobody downstream listens for. */
  failure(e: unknown): void;
}

/**
 * The workbook's local records as one stream, those parts first and the rest in file order,
 * then an empty end-of-directory record: what a zip reader that walks local headers needs.
 * The file is opened once and closed when the stream ends or is destroyed.
 */
export function xlsxInReadingOrder(file: string, spans: readonly XlsxEntrySpan[], on: ReadingOrderEvents): Readable {
  const rank = (name: string) => {
    const i = (XLSX_PARTS_FIRST as readonly string[]).indexOf(name);
    return i < 0 ? XLSX_PARTS_FIRST.length : i;
  };
  const ordered = [...spans].sort((a, b) => rank(a.name) - rank(b.name) || a.start - b.start);
  return Readable.from(
    (async function* () {
      let fh: FileHandle | undefined;
      try {
        fh = await open(file, 'r');
        for (const s of ordered)
          for (let at = s.start; at < s.end;) {
            const want = Math.min(CHUNK, s.end - at);
            const { bytesRead, buffer } = await fh.read(Buffer.alloc(want), 0, want, at);
            if (bytesRead === 0) throw new Error(`${file} ends at byte ${at}, inside its zip entry ${s.name}`);
            at += bytesRead;
            on.bytes(bytesRead);
            yield buffer.subarray(0, bytesRead);
          }
        yield END_OF_DIRECTORY;
      } catch (e) {
        on.failure(e);
      } finally {
        await fh?.close();
      }
    })(),
    { objectMode: false },
  );
}
