import { once } from 'node:events';
import { PassThrough } from 'node:stream';
import * as zlib from 'node:zlib';
import { BundleError } from './bundle-error';

/**
 * The bundle's gzip member, written one way only so that every byte of it is checked:
 * a fixed 10-byte header (no name, time 0, OS "unknown"), then the archive in DEFLATE *stored*
 * blocks (RFC 1951 §3.2.4) of exactly 65,535 bytes, the last one shorter and marked final, then
 * the CRC-32 and length. Compressed blocks were tried first: some bit flips inside a Huffman
 * block (and the padding bits after its end) decode to the very same archive, so a changed byte
 * could pass; stored blocks leave no byte unchecked, and cost no CPU. Any gunzip reads them.
 */
export const GZIP_HEADER = Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xff]);
const HEADER_FIELDS = ['magic', 'magic', 'method', 'flags', 'time', 'time', 'time', 'time', 'extra flags', 'OS'];
export const STORED_BLOCK = 65_535;
const NOT_FINAL = 0x00; // BFINAL 0, BTYPE 00 (stored), five zero padding bits
const FINAL = 0x01;

type Crc32 = (data: Uint8Array, value?: number) => number;
const crc32 = (zlib as unknown as { crc32: Crc32 }).crc32;

function blockHeader(final: boolean, length: number): Buffer {
  const h = Buffer.alloc(5);
  h[0] = final ? FINAL : NOT_FINAL;
  h.writeUInt16LE(length, 1);
  h.writeUInt16LE(length ^ 0xffff, 3);
  return h;
}

/** A gzip writer with backpressure that fails fast once its reader has gone away. */
export class GzipSink {
  readonly output = new PassThrough();
  private pending: Buffer[] = [];
  private pendingLength = 0;
  private crc = 0;
  private length = 0;
  private readonly gone: Promise<never>;
  private done = false;

  constructor() {
    this.gone = new Promise<never>((_, reject) => {
      const abandon = () => {
        if (!this.done) reject(new Error('the bundle reader went away before the bundle was complete'));
      };
      this.output.once('close', abandon);
      this.output.once('error', abandon);
    });
    this.gone.catch(() => undefined); // observed by write(); never an unhandled rejection
    this.output.write(GZIP_HEADER);
  }

  async write(bytes: Buffer): Promise<void> {
    if (this.output.destroyed) await this.gone;
    this.crc = crc32(bytes, this.crc);
    this.length = (this.length + bytes.length) % 2 ** 32;
    this.pending.push(bytes);
    this.pendingLength += bytes.length;
    // A block is written only once more data follows it, so the final block is never empty (unless all is).
    if (this.pendingLength <= STORED_BLOCK) return;
    // Joined once and cut by offset: a multi-megabyte entry is copied once, not once per block.
    const all = this.pending.length === 1 ? this.pending[0]! : Buffer.concat(this.pending, this.pendingLength);
    let at = 0;
    for (; all.length - at > STORED_BLOCK; at += STORED_BLOCK)
      await this.push(blockHeader(false, STORED_BLOCK), all.subarray(at, at + STORED_BLOCK));
    // Copied: a view would keep the whole joined entry alive until the next write.
    this.pending = [Buffer.from(all.subarray(at))];
    this.pendingLength = all.length - at;
  }

  async end(): Promise<void> {
    if (this.output.destroyed) await this.gone;
    const rest = Buffer.concat(this.pending);
    const trailer = Buffer.alloc(8);
    trailer.writeUInt32LE(this.crc >>> 0, 0);
    trailer.writeUInt32LE(this.length, 4);
    this.done = true;
    this.output.end(Buffer.concat([blockHeader(true, rest.length), rest, trailer]));
  }

  private async push(header: Buffer, block: Buffer): Promise<void> {
    this.output.write(header);
    if (!this.output.write(block)) await Promise.race([once(this.output, 'drain'), this.gone]);
  }
}

/**
 * Reads the writer's gzip member strictly and yields the archive as it goes; throws a BundleError
 * naming the byte: a header, block header or length other than the writer's, a CRC-32 or length
 * that does not match, a member cut short, or bytes after it.
 */
export async function* gunzipStrict(source: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  let buffered: Buffer = Buffer.alloc(0);
  let offset = 0; // file offset of buffered[0]
  const it = source[Symbol.asyncIterator]();
  let ended = false;
  const fill = async (n: number): Promise<boolean> => {
    while (buffered.length < n && !ended) {
      const next = await it.next();
      if (next.done) ended = true;
      else buffered = buffered.length === 0 ? next.value : Buffer.concat([buffered, next.value]);
    }
    return buffered.length >= n;
  };
  const take = (n: number): Buffer => {
    const out = buffered.subarray(0, n);
    buffered = buffered.subarray(n);
    offset += n;
    return out;
  };
  try {
    await fill(GZIP_HEADER.length);
    const header = take(GZIP_HEADER.length);
    const at = header.findIndex((b, i) => b !== GZIP_HEADER[i]);
    if (at >= 0)
      throw new BundleError(
        'GZIP_HEADER',
        `byte ${at} (${HEADER_FIELDS[at]}) is 0x${header[at]!.toString(16).padStart(2, '0')}, the writer always writes 0x${GZIP_HEADER[at]!.toString(16).padStart(2, '0')}`,
      );
    if (header.length < GZIP_HEADER.length) throw new BundleError('GZIP_HEADER', `only ${header.length} bytes: not a gzip file`);
    let crc = 0;
    let length = 0;
    for (let block = 0; ; block++) {
      const blockAt = offset;
      if (!(await fill(5)))
        throw new BundleError('GZIP_DATA', `the file ends at byte ${offset + buffered.length}, inside the block header at byte ${blockAt}`);
      const h = take(5);
      const final = h[0] === FINAL;
      const size = h.readUInt16LE(1);
      if (h[0] !== NOT_FINAL && h[0] !== FINAL)
        throw new BundleError(
          'GZIP_DATA',
          `block ${block} at byte ${blockAt} is not a stored block as the writer writes them (0x${h[0]!.toString(16)})`,
        );
      if (h.readUInt16LE(3) !== (size ^ 0xffff))
        throw new BundleError('GZIP_DATA', `block ${block} at byte ${blockAt}: its length and its complement disagree`);
      if (!final && size !== STORED_BLOCK)
        throw new BundleError(
          'GZIP_DATA',
          `block ${block} at byte ${blockAt} holds ${size} bytes; only the last block is shorter than ${STORED_BLOCK}`,
        );
      if (final && size === 0 && block > 0)
        throw new BundleError(
          'GZIP_DATA',
          `the last block at byte ${blockAt} is empty; the writer never writes an empty last block after others`,
        );
      if (!(await fill(size)))
        throw new BundleError('GZIP_DATA', `the file ends at byte ${offset + buffered.length}, inside block ${block}`);
      const data = Buffer.from(take(size));
      crc = crc32(data, crc);
      length += size;
      if (size > 0) yield data;
      if (final) break;
    }
    if (!(await fill(8)))
      throw new BundleError('GZIP_DATA', `the file ends at byte ${offset + buffered.length}, inside the CRC-32 and length trailer`);
    const trailerAt = offset;
    const trailer = take(8);
    if (trailer.readUInt32LE(0) !== crc >>> 0)
      throw new BundleError('GZIP_DATA', `the CRC-32 at byte ${trailerAt} does not match the data`);
    if (trailer.readUInt32LE(4) !== length % 2 ** 32)
      throw new BundleError('GZIP_DATA', `the length at byte ${trailerAt + 4} does not match the data`);
    await fill(1);
    if (buffered.length > 0) throw new BundleError('GZIP_TRAILING', `bytes after the gzip member, from byte ${offset}`);
  } finally {
    await it.return?.(undefined); // close the file when the reader stops early
  }
}
