/**
 * Where UTF-8 stops being valid in a file read in chunks. The streaming TextDecoder says only that
 * a chunk failed; a clerk fixing a roster needs the byte, not the start of a 64 KiB chunk.
 * Follows the WHATWG decoder's rules (what TextDecoder refuses): no overlongs, no surrogates,
 * nothing past U+10FFFF.
 */
export class Utf8Offset {
  /** Bytes of a character the last chunk ended inside, carried into the next. */
  private pending: Buffer = Buffer.alloc(0);
  /** Bytes seen before `pending`. */
  private before = 0;

  /**
   * A locator that starts after `seen` bytes the decoder already took as valid, the last of them
   * `tail` (up to their last 3): what is then needed is only the character `tail` may end inside.
   */
  static after(seen: number, tail: Buffer): Utf8Offset {
    const located = new Utf8Offset();
    for (let back = 1; back <= Math.min(3, tail.length); back++) {
      const b = tail[tail.length - back]!;
      if (b >= 0x80 && b <= 0xbf) continue;
      const length = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
      if (length > back) located.pending = Buffer.from(tail.subarray(tail.length - back));
      break;
    }
    located.before = seen - located.pending.length;
    return located;
  }

  /** The file's offset at which `chunk` (following every earlier chunk) stops being UTF-8, or undefined if it does not. */
  feed(chunk: Buffer): number | undefined {
    const bytes = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    let i = 0;
    while (i < bytes.length) {
      const length = sequenceAt(bytes, i);
      if (length === 'invalid') return this.before + i;
      if (length === 'incomplete') break;
      i += length;
    }
    this.before += i;
    this.pending = Buffer.from(bytes.subarray(i));
    return undefined;
  }

  /** Where the file ends inside a character, or undefined if it does not. */
  end(): number | undefined {
    return this.pending.length ? this.before : undefined;
  }
}

/** The length of the character starting at `at`, or why there is none. */
function sequenceAt(b: Buffer, at: number): number | 'invalid' | 'incomplete' {
  const lead = b[at]!;
  if (lead < 0x80) return 1;
  let length: number;
  let low = 0x80;
  let high = 0xbf;
  if (lead >= 0xc2 && lead <= 0xdf) length = 2;
  else if (lead >= 0xe0 && lead <= 0xef) {
    length = 3;
    if (lead === 0xe0) low = 0xa0; // overlong
    if (lead === 0xed) high = 0x9f; // surrogates
  } else if (lead >= 0xf0 && lead <= 0xf4) {
    length = 4;
    if (lead === 0xf0) low = 0x90; // overlong
    if (lead === 0xf4) high = 0x8f; // past U+10FFFF
  } else return 'invalid';
  for (let k = 1; k < length; k++) {
    if (at + k >= b.length) return 'incomplete';
    const c = b[at + k]!;
    if (c < (k === 1 ? low : 0x80) || c > (k === 1 ? high : 0xbf)) return 'invalid';
  }
  return length;
}
