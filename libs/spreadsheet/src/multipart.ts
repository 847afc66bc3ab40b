import { createReadStream, createWriteStream } from 'node:fs';
import { SheetRefusedError } from './sheet-reader';

const MAX_PART_HEADERS = 16 * 1024;
const CRLF = Buffer.from('\r\n');
const HEADERS_END = Buffer.from('\r\n\r\n');

/** Whether a request's Content-Type is a multipart form (a browser's file upload). */
export const isMultipart = (contentType: string | undefined): boolean => /^multipart\/form-data\s*;/i.test(contentType ?? '');

/**
 * Copies the first file part of a multipart/form-data body already on disk (bounded by the
 * upload limit) to `target`, in one pass: each byte is searched once for the boundary, only the
 * boundary's length is carried between chunks, and part headers past 16 KiB are refused.
 * Other fields are skipped. Written for uploads of one file, not as a general form parser.
 */
export async function extractMultipartFile(source: string, contentType: string, target: string): Promise<void> {
  const m = /boundary=(?:"([^"]{1,70})"|([^;\s]{1,70}))/i.exec(contentType);
  if (!m) throw new SheetRefusedError('multipart 缺少 boundary / the multipart body names no boundary');
  const delimiter = Buffer.from(`\r\n--${m[1] ?? m[2]}`);
  const out = createWriteStream(target, { flags: 'wx', mode: 0o600 });
  const write = (b: Buffer) => new Promise<void>((resolve, reject) => out.write(b, (e) => (e ? reject(e) : resolve())));
  // The body's first boundary has no CRLF before it: one is supplied so every boundary looks alike.
  let buf: Buffer = CRLF;
  let state = 'preamble' as 'preamble' | 'after-boundary' | 'headers' | 'file' | 'other' | 'done';
  let found = false;
  try {
    for await (const chunk of createReadStream(source, { highWaterMark: 256 * 1024 }) as AsyncIterable<Buffer>) {
      buf = buf.length ? Buffer.concat([buf, chunk]) : chunk;
      for (;;) {
        if (state === 'preamble' || state === 'file' || state === 'other') {
          const at = buf.indexOf(delimiter);
          if (at < 0) {
            const keep = Math.min(buf.length, delimiter.length - 1);
            if (state === 'file') await write(buf.subarray(0, buf.length - keep));
            buf = buf.subarray(buf.length - keep);
            break;
          }
          if (state === 'file') {
            await write(buf.subarray(0, at));
            found = true;
            state = 'done';
            break;
          }
          buf = buf.subarray(at + delimiter.length);
          state = 'after-boundary';
          continue;
        }
        if (state === 'after-boundary') {
          if (buf.length < 2) break;
          if (buf[0] === 0x2d && buf[1] === 0x2d) {
            state = 'done';
            break;
          }
          const eol = buf.indexOf(CRLF);
          if (eol < 0 || eol > 256) {
            if (buf.length > 256) throw new SheetRefusedError('multipart 分隔行损坏 / a multipart boundary line is damaged');
            break;
          }
          buf = buf.subarray(eol + 2);
          state = 'headers';
          continue;
        }
        // headers
        const end = buf.subarray(0, 2).equals(CRLF) ? -2 : buf.indexOf(HEADERS_END);
        if (end === -1) {
          if (buf.length > MAX_PART_HEADERS) throw new SheetRefusedError('multipart 头部过长 / a multipart part has too long headers');
          break;
        }
        const headers = end < 0 ? '' : buf.subarray(0, end).toString('utf8');
        buf = buf.subarray(end < 0 ? 2 : end + 4);
        state = /^content-disposition:[^\r\n]*\bfilename\*?=/im.test(headers) ? 'file' : 'other';
      }
      if (state === 'done') break;
    }
  } finally {
    await new Promise<void>((resolve) => out.end(resolve));
  }
  if (!found) throw new SheetRefusedError('表单中没有文件 / the multipart body holds no complete file part');
}
