import { BundleError } from './bundle-error';

/**
 * The one ustar header the writer makes for an entry: regular file, mode 0644, owner 0,
 * time 0, no user or group names. Fixed fields mean the verifier can rebuild the header from
 * the name and size and compare every byte; any tar tool still lists and extracts it.
 */
export const BLOCK = 512;
const NAME = /^[A-Za-z0-9._/-]{1,99}$/;

export function tarHeader(name: string, size: number): Buffer {
  if (!NAME.test(name)) throw new RangeError(`tar entry name ${JSON.stringify(name)} must be 1-99 characters of [A-Za-z0-9._/-]`);
  if (!Number.isSafeInteger(size) || size < 0 || size >= 8 ** 11) throw new RangeError(`tar entry size ${size} out of range`);
  const h = Buffer.alloc(BLOCK);
  h.write(name, 0, 'ascii');
  h.write('0000644\0', 100, 'ascii');
  h.write('0000000\0', 108, 'ascii');
  h.write('0000000\0', 116, 'ascii');
  h.write(`${size.toString(8).padStart(11, '0')}\0`, 124, 'ascii');
  h.write('00000000000\0', 136, 'ascii');
  h.write('        ', 148, 'ascii'); // the checksum counts its own field as spaces
  h.write('0', 156, 'ascii');
  h.write('ustar\0', 257, 'ascii');
  h.write('00', 263, 'ascii');
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += h[i]!; // indexed: a Buffer's iterator costs tens of µs per header
  h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'ascii');
  return h;
}

export function tarPadding(size: number): Buffer {
  return Buffer.alloc((BLOCK - (size % BLOCK)) % BLOCK);
}

export const TAR_END = Buffer.alloc(2 * BLOCK);

const FIELDS: readonly [number, string][] = [
  [0, 'name'],
  [100, 'mode'],
  [108, 'uid'],
  [116, 'gid'],
  [124, 'size'],
  [136, 'mtime'],
  [148, 'checksum'],
  [156, 'type'],
  [157, 'link name'],
  [257, 'magic'],
  [263, 'version'],
  [265, 'user name'],
  [297, 'group name'],
  [329, 'device numbers'],
  [345, 'prefix'],
  [500, 'padding'],
];

export interface TarEntry {
  readonly name: string;
  readonly content: Buffer;
  /** Offset of the entry's header in the uncompressed archive. */
  readonly offset: number;
}

/**
 * Reads the writer's archives from a stream of chunks, refusing anything the writer would not
 * have written: each header must equal `tarHeader(name, size)` byte for byte, padding must be
 * zeros, and the archive must end with two zero blocks and nothing after them.
 */
export async function* readTar(chunks: AsyncIterable<Buffer>, maxEntryBytes: number): AsyncGenerator<TarEntry> {
  let buffered: Buffer = Buffer.alloc(0);
  let offset = 0; // archive offset of buffered[0]
  let ended = false;
  const take = (n: number): Buffer => {
    const out = buffered.subarray(0, n);
    buffered = buffered.subarray(n);
    offset += n;
    return out;
  };
  const it = chunks[Symbol.asyncIterator]();
  const fill = async (n: number): Promise<boolean> => {
    while (buffered.length < n && !ended) {
      const next = await it.next();
      if (next.done) ended = true;
      else buffered = buffered.length === 0 ? next.value : Buffer.concat([buffered, next.value]);
    }
    return buffered.length >= n;
  };
  try {
    for (;;) {
      if (!(await fill(BLOCK)))
        throw new BundleError('TAR_END', `the archive ends at byte ${offset + buffered.length} inside a header or before its end blocks`);
      const headerOffset = offset;
      const header = Buffer.from(take(BLOCK));
      if (isZero(header)) {
        if (!(await fill(BLOCK)) || !isZero(buffered.subarray(0, BLOCK)))
          throw new BundleError('TAR_END', `the zero block at byte ${headerOffset} is not followed by a second one`);
        take(BLOCK);
        await fill(1);
        if (buffered.length > 0)
          throw new BundleError('TAR_END', `${buffered.length}+ bytes after the end of the archive at byte ${offset}`);
        return;
      }
      const nameEnd = header.indexOf(0);
      const name = header.toString('ascii', 0, nameEnd < 0 || nameEnd > 100 ? 100 : nameEnd);
      const size = parseInt(header.toString('ascii', 124, 135), 8);
      let expected: Buffer | undefined;
      try {
        expected = Number.isSafeInteger(size) ? tarHeader(name, size) : undefined;
      } catch {
        expected = undefined;
      }
      if (!expected || !expected.equals(header)) {
        const at = expected ? header.findIndex((b, i) => b !== expected[i]) : NAME.test(name) ? 124 : 0;
        const field = [...FIELDS].reverse().find(([start]) => start <= at)![1];
        throw new BundleError(
          'TAR_HEADER',
          `the header at byte ${headerOffset} differs in its ${field} (byte ${headerOffset + at})`,
          name || undefined,
        );
      }
      if (size > maxEntryBytes) throw new BundleError('ENTRY_TOO_LARGE', `${size} bytes, more than ${maxEntryBytes}`, name);
      const padding = tarPadding(size).length;
      if (!(await fill(size + padding)))
        throw new BundleError('TAR_END', `the archive ends inside the entry starting at byte ${headerOffset}`, name);
      const content = Buffer.from(take(size));
      const pad = take(padding);
      const nonZero = pad.findIndex((b) => b !== 0);
      if (nonZero >= 0) throw new BundleError('TAR_PADDING', `non-zero padding at byte ${offset - padding + nonZero}`, name);
      yield { name, content, offset: headerOffset };
    }
  } finally {
    await it.return?.(undefined); // stop the source too (close the file) when the reader stops early
  }
}

const ZERO_BLOCK = Buffer.alloc(BLOCK);
const isZero = (block: Buffer): boolean => block.length === BLOCK && block.equals(ZERO_BLOCK);
