import type { Readable } from 'node:stream';
import { BundleArchive, type BundleHeader } from './bundle-archive';
import * as layout from './bundle-layout';

/**
 * A chunk closes once its texts reach this many UTF-16 units (4–12 MB of UTF-8): large enough that
 * a tar header per chunk costs nothing, small enough to check as it streams.
 */
export const LOG_CHUNK_BYTES = 4 * 1024 * 1024;

/**
 * Writes a whole-log bundle (ADR 0079): every event of the checkpoint's tree, leaf 0 to size−1,
 * as newline-separated canonical texts, with no inclusion paths. The verifier recomputes the
 * tree's root and every stream's chain head from the texts alone and compares them with the
 * signed checkpoint, which proves inclusion and the completeness of every stream at once, at a
 * few microseconds an event. Pipe `output` first; `add` texts in leaf order, then `finish`.
 */
export class EvidenceLogWriter {
  private readonly archive: BundleArchive;
  private pending: string[] = [];
  private pendingLength = 0;
  private chunks = 0;
  private events = 0;

  constructor(
    header: BundleHeader,
    private readonly chunkBytes: number = LOG_CHUNK_BYTES,
  ) {
    this.archive = new BundleArchive(header);
  }

  get output(): Readable {
    return this.archive.output;
  }

  /** The events written so far, for a progress count. */
  get written(): number {
    return this.events;
  }

  /** The next leaf's canonical text. */
  async add(text: string): Promise<void> {
    return this.addJoined(text, 1);
  }

  /**
   * The next `count` leaves' canonical texts joined by newlines (a store can hand over a page as
   * one string). Canonical JSON escapes every control character, so a text holding a raw newline
   * would split in two: the newlines must be exactly `count - 1`.
   */
  async addJoined(texts: string, count: number): Promise<void> {
    let newlines = 0;
    for (let at = texts.indexOf('\n'); at >= 0; at = texts.indexOf('\n', at + 1)) newlines++;
    if (!Number.isSafeInteger(count) || count < 1 || newlines !== count - 1)
      throw new RangeError(
        `leaves ${this.events}–${this.events + count - 1}: ${newlines + 1} lines for ${count} texts, so a text holds a newline and is not canonical JSON`,
      );
    this.pending.push(texts);
    this.pendingLength += texts.length + 1;
    this.events += count;
    // UTF-16 units, not bytes: a chunk is about the size, and encoded once when it closes.
    if (this.pendingLength >= this.chunkBytes) await this.flush();
  }

  async finish(): Promise<void> {
    if (this.events !== this.archive.body.size)
      throw new RangeError(`${this.events} events given for a checkpoint of ${this.archive.body.size}`);
    // An empty log still has chunk 0 (empty), so the verifier knows the bundle's kind from its entries.
    if (this.pendingLength > 0 || this.chunks === 0) await this.flush();
    await this.archive.close({ format: layout.LOG_BUNDLE_FORMAT, ...this.archive.commitments, events: this.events });
  }

  private async flush(): Promise<void> {
    const chunk = Buffer.from(this.pending.length ? `${this.pending.join('\n')}\n` : '', 'utf8');
    this.pending = [];
    this.pendingLength = 0;
    await this.archive.entry(layout.logChunkEntry(this.chunks++), chunk);
  }
}
