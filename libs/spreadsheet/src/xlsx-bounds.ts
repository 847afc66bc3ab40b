import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createInflateRaw } from 'node:zlib';

/** An .xlsx (a zip) that would inflate past a limit, lies about its sizes or compression, or hides entries. */
export class XlsxRefusedError extends Error {}

interface Entry {
  readonly name: string;
  readonly method: number;
  readonly compressed: number;
  readonly declared: number;
  readonly offset: number;
}

/** Where one entry's local record (header, data, any data descriptor) lies in the file: [start, end). */
export interface XlsxEntrySpan {
  readonly name: string;
  readonly start: number;
  readonly end: number;
}

const EOCD = 0x06054b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
/** A data descriptor (signature, crc, two sizes; zip64 sizes are refused) fits in 24 bytes; a hidden local entry does not. */
const MAX_GAP = 24;
/** Local header flag: sizes and CRC follow the data (a data descriptor), zeros in the header. */
const SIZES_AFTER_DATA = 0x0008;

/**
 * The parts ExcelJS's reader keeps whole in memory, at about eleven times their inflated size
 * for shared strings: each is held under its own cap, far below the workbook's.
 */
export const XLSX_HELD_PARTS = ['xl/sharedStrings.xml', 'xl/styles.xml'] as const;
export const DEFAULT_MAX_HELD_PART_BYTES = 16 * 1024 * 1024;

/**
 * Checks an .xlsx before anything parses it: every entry's declared uncompressed size and
 * their sum stay under `maxInflatedBytes`, each of XLSX_HELD_PARTS under `maxHeldPartBytes`,
 * and every entry really inflates to what it declares, counted while inflating so a bomb is
 * stopped after at most the limit. The entries must also cover the file end to end, and each
 * local header agree with the directory, so the streaming reader, which walks local headers,
 * cannot meet an entry, or a compression, the central directory did not show.
 */
export async function checkXlsxBounds(
  file: string,
  maxInflatedBytes: number,
  maxHeldPartBytes = DEFAULT_MAX_HELD_PART_BYTES,
): Promise<{ inflatedBytes: number; spans: XlsxEntrySpan[] }> {
  const { entries, spans } = await centralDirectory(file);
  const declared = entries.reduce((n, e) => n + e.declared, 0);
  for (const e of entries) {
    if (e.declared > maxInflatedBytes || declared > maxInflatedBytes)
      throw new XlsxRefusedError(
        `解压后超过 ${maxInflatedBytes} 字节 / the workbook declares more than ${maxInflatedBytes} bytes uncompressed`,
      );
    // Its declaration is what it inflates to: a part inflating past it is refused below.
    if ((XLSX_HELD_PARTS as readonly string[]).includes(e.name) && e.declared > maxHeldPartBytes)
      throw new XlsxRefusedError(
        `${e.name} 解压后超过 ${maxHeldPartBytes} 字节 / ${e.name} inflates to more than ${maxHeldPartBytes} bytes, the most read into memory`,
      );
  }
  let total = 0;
  for (const e of entries) {
    const start = await dataStart(file, e);
    if (e.method === 0) {
      if (e.compressed !== e.declared) throw new XlsxRefusedError(`条目 ${e.name} 大小不符 / entry ${e.name} misstates its size`);
      total += e.declared;
      continue;
    }
    if (e.compressed === 0) {
      if (e.declared !== 0) throw new XlsxRefusedError(`条目 ${e.name} 大小不符 / entry ${e.name} misstates its size`);
      continue;
    }
    let own = 0;
    const counter = new Writable({
      write(chunk: Buffer, _enc, done) {
        own += chunk.length;
        total += chunk.length;
        if (own > e.declared)
          return done(new XlsxRefusedError(`条目 ${e.name} 解压后大于声明 / entry ${e.name} inflates past its declared size`));
        if (total > maxInflatedBytes)
          return done(new XlsxRefusedError(`解压后超过 ${maxInflatedBytes} 字节 / the workbook inflates past ${maxInflatedBytes} bytes`));
        done();
      },
    });
    const source = createReadStream(file, { start, end: start + e.compressed - 1 });
    try {
      await pipeline(source, createInflateRaw(), counter);
    } catch (err) {
      if (err instanceof XlsxRefusedError) throw err;
      throw new XlsxRefusedError(`条目 ${e.name} 无法解压 / entry ${e.name} is not valid deflate data`);
    }
    if (own !== e.declared) throw new XlsxRefusedError(`条目 ${e.name} 大小不符 / entry ${e.name} misstates its size`);
  }
  return { inflatedBytes: total, spans };
}

async function centralDirectory(file: string): Promise<{ entries: Entry[]; spans: XlsxEntrySpan[] }> {
  const fh = await open(file, 'r');
  try {
    const size = (await fh.stat()).size;
    const tailLen = Math.min(size, 22 + 0xffff);
    const tail = Buffer.alloc(tailLen);
    await fh.read(tail, 0, tailLen, size - tailLen);
    let at = -1;
    for (let i = tailLen - 22; i >= 0; i--)
      if (tail.readUInt32LE(i) === EOCD) {
        at = i;
        break;
      }
    if (at < 0) throw new XlsxRefusedError('不是 .xlsx（zip）文件 / not an .xlsx (zip) file');
    const count = tail.readUInt16LE(at + 10);
    const cdSize = tail.readUInt32LE(at + 12);
    const cdOffset = tail.readUInt32LE(at + 16);
    if (count === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff)
      throw new XlsxRefusedError('不支持 zip64 / zip64 workbooks are not accepted');
    if (cdOffset + cdSize > size) throw new XlsxRefusedError('zip 目录越界 / the zip directory points outside the file');
    const cd = Buffer.alloc(cdSize);
    await fh.read(cd, 0, cdSize, cdOffset);
    const entries: Entry[] = [];
    let p = 0;
    for (let i = 0; i < count; i++) {
      if (p + 46 > cd.length || cd.readUInt32LE(p) !== CENTRAL) throw new XlsxRefusedError('zip 目录损坏 / the zip directory is damaged');
      const nameLen = cd.readUInt16LE(p + 28);
      const e: Entry = {
        method: cd.readUInt16LE(p + 10),
        compressed: cd.readUInt32LE(p + 20),
        declared: cd.readUInt32LE(p + 24),
        offset: cd.readUInt32LE(p + 42),
        name: cd.toString('utf8', p + 46, p + 46 + nameLen),
      };
      if (e.method !== 0 && e.method !== 8)
        throw new XlsxRefusedError(`条目 ${e.name} 压缩方式不支持 / entry ${e.name} uses an unsupported method`);
      if (e.compressed === 0xffffffff || e.declared === 0xffffffff || e.offset === 0xffffffff)
        throw new XlsxRefusedError('不支持 zip64 / zip64 workbooks are not accepted');
      entries.push(e);
      p += 46 + nameLen + cd.readUInt16LE(p + 30) + cd.readUInt16LE(p + 32);
    }
    await coversTheFile(fh, entries, cdOffset);
    return { entries, spans: spansOf(entries, cdOffset) };
  } finally {
    await fh.close();
  }
}

/**
 * Local entries follow each other from byte 0 to the directory with no room for an unlisted one,
 * each under the name, compression and (unless they follow the data) sizes the directory gives
 * it, no name twice: a reader that walks local headers (the streaming one) and one that reads
 * the directory then see the same parts.
 */
async function coversTheFile(fh: Awaited<ReturnType<typeof open>>, entries: Entry[], cdOffset: number): Promise<void> {
  const sorted = [...entries].sort((a, b) => a.offset - b.offset);
  if (new Set(entries.map((e) => e.name)).size !== entries.length)
    throw new XlsxRefusedError('zip 中有重名条目 / the zip holds two entries of one name');
  let expected = 0;
  for (const e of sorted) {
    if (e.offset < expected || e.offset - expected > (expected === 0 ? 0 : MAX_GAP))
      throw new XlsxRefusedError('zip 条目与目录不符 / the zip holds data its directory does not list');
    const head = Buffer.alloc(30);
    await fh.read(head, 0, 30, e.offset);
    if (head.readUInt32LE(0) !== LOCAL) throw new XlsxRefusedError('zip 条目头损坏 / a zip entry header is damaged');
    const nameLength = head.readUInt16LE(26);
    const name = Buffer.alloc(nameLength);
    await fh.read(name, 0, nameLength, e.offset + 30);
    if (name.toString('utf8') !== e.name)
      throw new XlsxRefusedError(`条目 ${e.name} 的本地名称与目录不符 / entry ${e.name} is named otherwise in its local header`);
    // The streaming reader inflates by the local header: stored in the directory but deflated
    // locally, an entry was never inflated here and would inflate there without bound.
    if (head.readUInt16LE(8) !== e.method)
      throw new XlsxRefusedError(
        `条目 ${e.name} 的本地压缩方式与目录不符 / entry ${e.name} is compressed otherwise in its local header than in the directory`,
      );
    const sizesInHeader = (head.readUInt16LE(6) & SIZES_AFTER_DATA) === 0;
    if (sizesInHeader && (head.readUInt32LE(18) !== e.compressed || head.readUInt32LE(22) !== e.declared))
      throw new XlsxRefusedError(
        `条目 ${e.name} 的本地大小与目录不符 / entry ${e.name} gives other sizes in its local header than in the directory`,
      );
    expected = e.offset + 30 + nameLength + head.readUInt16LE(28) + e.compressed;
  }
  if (cdOffset < expected || cdOffset - expected > MAX_GAP)
    throw new XlsxRefusedError('zip 条目与目录不符 / the zip holds data its directory does not list');
}

/** Each local record runs to the next one (or the directory): a data descriptor is part of it. */
function spansOf(entries: Entry[], cdOffset: number): XlsxEntrySpan[] {
  const sorted = [...entries].sort((a, b) => a.offset - b.offset);
  return sorted.map((e, i) => ({ name: e.name, start: e.offset, end: sorted[i + 1]?.offset ?? cdOffset }));
}

async function dataStart(file: string, e: Entry): Promise<number> {
  const fh = await open(file, 'r');
  try {
    const head = Buffer.alloc(30);
    await fh.read(head, 0, 30, e.offset);
    return e.offset + 30 + head.readUInt16LE(26) + head.readUInt16LE(28);
  } finally {
    await fh.close();
  }
}
