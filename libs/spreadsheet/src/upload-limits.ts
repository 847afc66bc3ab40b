import { lstat, mkdir, open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { positiveIntFromEnv } from '@vanguard/infra-config';
import type { SheetFormat, SheetReadLimits } from './sheet-reader';
import { DEFAULT_MAX_HELD_PART_BYTES } from './xlsx-bounds';
import { SheetRefusedError } from './sheet-reader';
import { Utf8Offset } from './utf8-offset';

/** Bounds on one spreadsheet upload and its reading, shared by every service that imports files. */
export interface SheetUploadLimits extends SheetReadLimits {
  /** Upload body, bytes (413 past it). */
  readonly maxUploadBytes: number;
  /** An upload that sends nothing for this long is cut (408). */
  readonly uploadIdleMs: number;
  /** Every upload must arrive whole within this long (408), however steadily it trickles. */
  readonly uploadDeadlineMs: number;
  /** Where uploads wait for their reader; each file is deleted on every path. */
  readonly uploadDir: string;
}

/**
 * The upload limits of a service, each overridable by `<PREFIX>_UPLOAD_MAX_BYTES`,
 * `<PREFIX>_IMPORT_MAX_ROWS`, `<PREFIX>_IMPORT_MAX_RECORD_CHARS`, `<PREFIX>_XLSX_MAX_INFLATED_BYTES`,
 * `<PREFIX>_XLSX_MAX_HELD_PART_BYTES` (DEFAULT_MAX_HELD_PART_BYTES unless the service's defaults say),
 * `<PREFIX>_UPLOAD_IDLE_MS`, `<PREFIX>_UPLOAD_DEADLINE_MS` and `<PREFIX>_UPLOAD_DIR`.
 */
export function sheetUploadLimits(
  prefix: string,
  defaults: Omit<SheetUploadLimits, 'uploadDir'>,
  env: NodeJS.ProcessEnv = process.env,
): SheetUploadLimits {
  const n = (name: string, fallback: number) => positiveIntFromEnv(env, `${prefix}_${name}`, fallback);
  return {
    maxUploadBytes: n('UPLOAD_MAX_BYTES', defaults.maxUploadBytes),
    maxRows: n('IMPORT_MAX_ROWS', defaults.maxRows),
    maxRecordChars: n('IMPORT_MAX_RECORD_CHARS', defaults.maxRecordChars),
    maxInflatedBytes: n('XLSX_MAX_INFLATED_BYTES', defaults.maxInflatedBytes),
    maxHeldPartBytes: n('XLSX_MAX_HELD_PART_BYTES', defaults.maxHeldPartBytes ?? DEFAULT_MAX_HELD_PART_BYTES),
    uploadIdleMs: n('UPLOAD_IDLE_MS', defaults.uploadIdleMs),
    uploadDeadlineMs: n('UPLOAD_DEADLINE_MS', defaults.uploadDeadlineMs),
    uploadDir: env[`${prefix}_UPLOAD_DIR`] || join(tmpdir(), 'vanguard-uploads'),
  };
}

/** The upload directory is shared with someone else: uploads (rosters with ID numbers) would be theirs to read. */
export class UploadDirNotPrivateError extends Error {}

/**
 * Creates the upload directory (mode 0700) or checks the one already there: a directory, not a
 * link, this process's own, closed to group and others. The default sits in the shared /tmp under
 * a name anyone can guess, and `mkdir -p` accepts a directory another user made there first; the
 * uploads written into it, and the leftovers swept from it, would be theirs.
 */
export async function privateUploadDir(dir: string, uid = process.getuid?.()): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const st = await lstat(dir);
  const problem = !st.isDirectory()
    ? 'is not a directory (a link or a file)'
    : uid !== undefined && st.uid !== uid
      ? `belongs to uid ${st.uid}, not this process's ${uid}`
      : (st.mode & 0o077) !== 0
        ? `is open to group or others (mode ${(st.mode & 0o777).toString(8)})`
        : undefined;
  if (problem) throw new UploadDirNotPrivateError(`upload directory ${dir} ${problem}: set <SERVICE>_UPLOAD_DIR to a private one`);
}

const ZIP = Buffer.from([0x50, 0x4b, 0x03, 0x04]);

/**
 * The format a file is by its content, not by its name or the client's word: a zip is an .xlsx
 * candidate (its bounds are checked when opened), UTF-8 text without NUL is a .csv; anything
 * else (an old .xls, a PDF, an image, UTF-16 text) is refused.
 */
export async function sniffSheetFormat(file: string): Promise<SheetFormat> {
  const fh = await open(file, 'r');
  try {
    const head = Buffer.alloc(64 * 1024);
    const { bytesRead } = await fh.read(head, 0, head.length, 0);
    const bytes = head.subarray(0, bytesRead);
    if (bytes.subarray(0, 4).equals(ZIP)) return 'xlsx';
    const notUtf8At = bytesRead > 0 && !bytes.includes(0) ? notUtf8After(bytes, bytesRead === head.length) : undefined;
    if (bytesRead > 0 && !bytes.includes(0) && notUtf8At === undefined) return 'csv';
    // A roster saved as GBK fails here, at its header's first Chinese character: the byte tells the clerk so.
    const where = notUtf8At === undefined ? '' : `（第 ${notUtf8At} 字节之后不是有效的 UTF-8 编码）`;
    const whereEn = notUtf8At === undefined ? '' : ` (not valid UTF-8 after byte ${notUtf8At}; save it as UTF-8)`;
    throw new SheetRefusedError(
      `文件内容不是 .xlsx 或 UTF-8 编码的 .csv${where} / the file is neither an .xlsx nor a UTF-8 .csv by its content${whereEn}`,
    );
  } finally {
    await fh.close();
  }
}

/** Where `bytes` stop being UTF-8, or undefined; a character cut at the end is fine when they are only the file's start. */
function notUtf8After(bytes: Buffer, onlyTheStart: boolean): number | undefined {
  const located = new Utf8Offset();
  return located.feed(bytes) ?? (onlyTheStart ? undefined : located.end());
}
