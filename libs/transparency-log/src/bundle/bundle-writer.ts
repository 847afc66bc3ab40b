import type { Readable } from 'node:stream';
import { canonical } from '../canonical';
import { compareStreams, type StreamProof } from '../map/stream-map';
import { BundleArchive, type BundleHeader } from './bundle-archive';
import * as layout from './bundle-layout';

export type { BundleHeader } from './bundle-archive';

export interface BundleEvent {
  /** The event's canonical text, exactly as stored and hashed. */
  readonly text: string;
  readonly leaf: number;
  readonly path: readonly Buffer[];
}

export interface BundleStream {
  readonly stream: string;
  /** The stream's proof in the map `checkpoint` commits to. */
  readonly proof: StreamProof;
  /** Every event of the stream up to the head the proof shows, in version order. */
  readonly events: AsyncIterable<BundleEvent> | Iterable<BundleEvent>;
}

/**
 * Writes an evidence bundle as a stream: pipe `output` to a file or a response first, then add
 * the streams one by one and finish. Memory holds one stream's inclusion paths at a time.
 * If the reader of `output` goes away, the pending and every later call rejects at once, so
 * the caller can release its database cursor.
 */
export class EvidenceBundleWriter {
  private readonly archive: BundleArchive;
  private readonly streams: layout.Manifest['streams'][number][] = [];
  private lastStream: string | undefined;

  constructor(header: BundleHeader) {
    this.archive = new BundleArchive(header);
  }

  get output(): Readable {
    return this.archive.output;
  }

  async addStream(s: BundleStream): Promise<void> {
    if (this.lastStream !== undefined && compareStreams(this.lastStream, s.stream) >= 0)
      throw new RangeError(`streams go in byte order of their ids, once each: ${s.stream} after ${this.lastStream}`);
    this.lastStream = s.stream;
    const j = this.streams.length;
    const expected = s.proof.kind === 'present' ? s.proof.leaf.entry.version : 0;
    await this.archive.entry(layout.streamEntry(j), canonical({ proof: s.proof, stream: s.stream }));
    const inclusion: { leaf: number; path: string[] }[] = [];
    for await (const e of s.events) {
      await this.archive.entry(layout.eventEntry(j, inclusion.length + 1), e.text);
      inclusion.push({ leaf: e.leaf, path: e.path.map((h) => h.toString('base64')) });
    }
    if (inclusion.length !== expected)
      throw new RangeError(`stream ${s.stream}: ${inclusion.length} events given, its head is version ${expected}`);
    await this.archive.entry(layout.inclusionEntry(j), canonical({ events: inclusion }));
    this.streams.push(
      s.proof.kind === 'present' ? { stream: s.stream, events: expected, head: s.proof.leaf.entry.head } : { stream: s.stream, events: 0 },
    );
  }

  async finish(): Promise<void> {
    await this.archive.close({ format: layout.BUNDLE_FORMAT, ...this.archive.commitments, streams: this.streams });
  }
}
