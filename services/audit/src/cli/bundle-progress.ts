/** The entries that mark progress in an evidence bundle (libs/transparency-log bundle-layout.ts). */
const EVENT_ENTRY = /^streams\/\d+\/events\/\d+\.json$/;
const STREAM_DONE_ENTRY = /^streams\/\d+\/inclusion\.json$/;
/** A whole-log bundle's chunk: one event a line (ADR 0079). */
const LOG_CHUNK_ENTRY = /^log\/\d+\.ndjson$/;
const NEWLINE = 0x0a;
const BLOCK = 512;

/**
 * How far a downloading evidence bundle has got: fed the archive's bytes as they arrive (after
 * gunzip), it reads each tar header's name and size and counts the event entries and the streams
 * finished (their `inclusion.json` comes after their events), or a whole-log bundle's lines as its
 * chunks pass. Only headers (and a chunk's newlines) are looked at and a
 * header cut between two chunks is kept until it is whole; checking the bundle is the verifier's
 * work, not this.
 */
export class BundleProgress {
  private header = Buffer.alloc(0);
  /** Bytes of the current entry's content and padding still to pass. */
  private skip = 0;
  /** Of those, the bytes of a log chunk's content whose newlines are events. */
  private lines = 0;
  private ended = false;
  private eventCount = 0;
  private streamCount = 0;

  get events(): number {
    return this.eventCount;
  }

  get streams(): number {
    return this.streamCount;
  }

  push(chunk: Uint8Array): void {
    let at = 0;
    while (at < chunk.length && !this.ended) {
      if (this.skip > 0) {
        const n = Math.min(this.skip, chunk.length - at);
        const counted = Math.min(this.lines, n);
        for (let i = at; i < at + counted; i++) if (chunk[i] === NEWLINE) this.eventCount++;
        this.lines -= counted;
        this.skip -= n;
        at += n;
        continue;
      }
      const n = Math.min(BLOCK - this.header.length, chunk.length - at);
      this.header = Buffer.concat([this.header, chunk.subarray(at, at + n)]);
      at += n;
      if (this.header.length === BLOCK) this.read(this.header);
    }
  }

  private read(header: Buffer): void {
    this.header = Buffer.alloc(0);
    if (header.every((b) => b === 0)) {
      this.ended = true; // the archive's end blocks
      return;
    }
    const nameEnd = header.indexOf(0);
    const name = header.toString('ascii', 0, nameEnd < 0 || nameEnd > 100 ? 100 : nameEnd);
    const size = parseInt(header.toString('ascii', 124, 135), 8) || 0;
    this.skip = size + ((BLOCK - (size % BLOCK)) % BLOCK);
    if (LOG_CHUNK_ENTRY.test(name)) this.lines = size;
    else if (EVENT_ENTRY.test(name)) this.eventCount++;
    else if (STREAM_DONE_ENTRY.test(name)) this.streamCount++;
  }
}
