import type { Readable } from 'node:stream';
import { BundleArchive, type BundleHeader } from './bundle-archive';
import * as layout from './bundle-layout';

/** A chunk closes once it holds this many bytes: large enough that a tar header per chunk costs nothing, small enough to check as it streams. */
export const LOG_CHUNK_BYTES = 4 * 1024 * 1024;
const NEWLINE = Buffer.from('\n');

/**
 * Writes a whole-log bundle (ADR 0079): every event of the checkpoint's tree, leaf 0 to size−1,
 * as newline-separated canonical texts, with no inclusion paths. The verifier recomputes the
 * tree's root and every stream's chain head from the texts alone and compares them with the
 * signed checkpoint, which proves inclusion and the completeness of every stream at once, at a
 * few microseconds an event. Pipe `output` first; `add` texts in leaf order, then `finish`.
 */
export class EvidenceLogWriter {
  private readonly archive: BundleArchive;
  private pending: Buffer[] = [];
  private pendingBytes = 0;
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

  async add(text: string): Promise<void> {
    // Canonical JSON escapes every control character: a raw newline would split one event in two.
    if (text.includes('\n')) throw new RangeError(`leaf ${this.events}: an event text holds a newline, so it is not canonical JSON`);
    const bytes = Buffer.from(text, 'utf8');
    this.pending.push(bytes, NEWLINE);
    this.pendingBytes += bytes.length + 1;
    this.events += 1;
    if (this.pendingBytes >= this.chunkBytes) await this.flush();
  }

  async finish(): Promise<void> {
    if (this.events !== this.archive.body.size)
      throw new RangeError(`${this.events} events given for a checkpoint of ${this.archive.body.size}`);
    // An empty log still has chunk 0 (empty), so the verifier knows the bundle's kind from its entries.
    if (this.pendingBytes > 0 || this.chunks === 0) await this.flush();
    await this.archive.close({ format: layout.LOG_BUNDLE_FORMAT, ...this.archive.commitments, events: this.events });
  }

  private async flush(): Promise<void> {
    const chunk = Buffer.concat(this.pending, this.pendingBytes);
    this.pending = [];
    this.pendingBytes = 0;
    await this.archive.entry(layout.logChunkEntry(this.chunks++), chunk);
  }
}
