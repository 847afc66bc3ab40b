import type { Readable } from 'node:stream';
import { canonical } from '../canonical';
import { parseCheckpointBody, type CheckpointBody } from '../note/checkpoint';
import { NoteVerifier } from '../note/signed-note';
import { compareStreams, type StreamProof } from '../map/stream-map';
import { sha256 } from '../tree/hashing';
import * as layout from './bundle-layout';
import { GzipSink } from './gzip';
import { tarHeader, tarPadding, TAR_END } from './tar';

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

export interface BundleHeader {
  readonly key: NoteVerifier | string;
  /** The signed checkpoint every proof refers to. */
  readonly checkpoint: string;
  /** Earlier signed checkpoints with their consistency proofs to `checkpoint`, oldest first. */
  readonly previous?: readonly { readonly checkpoint: string; readonly proof: readonly Buffer[] }[];
}

/**
 * Writes an evidence bundle as a stream: pipe `output` to a file or a response first, then add
 * the streams one by one and finish. Memory holds one stream's inclusion paths at a time.
 * If the reader of `output` goes away, the pending and every later call rejects at once, so
 * the caller can release its database cursor.
 */
export class EvidenceBundleWriter {
  private readonly sink = new GzipSink();
  private readonly entries: { name: string; size: number; sha256: string }[] = [];
  private readonly streams: layout.Manifest['streams'][number][] = [];
  private readonly body: CheckpointBody;
  private lastStream: string | undefined;
  private started = false;

  constructor(private readonly header: BundleHeader) {
    this.body = bodyOf(header.checkpoint);
  }

  get output(): Readable {
    return this.sink.output;
  }

  async addStream(s: BundleStream): Promise<void> {
    await this.start();
    if (this.lastStream !== undefined && compareStreams(this.lastStream, s.stream) >= 0)
      throw new RangeError(`streams go in byte order of their ids, once each: ${s.stream} after ${this.lastStream}`);
    this.lastStream = s.stream;
    const j = this.streams.length;
    const expected = s.proof.kind === 'present' ? s.proof.leaf.entry.version : 0;
    await this.entry(layout.streamEntry(j), canonical({ proof: s.proof, stream: s.stream }));
    const inclusion: { leaf: number; path: string[] }[] = [];
    for await (const e of s.events) {
      await this.entry(layout.eventEntry(j, inclusion.length + 1), e.text);
      inclusion.push({ leaf: e.leaf, path: e.path.map((h) => h.toString('base64')) });
    }
    if (inclusion.length !== expected)
      throw new RangeError(`stream ${s.stream}: ${inclusion.length} events given, its head is version ${expected}`);
    await this.entry(layout.inclusionEntry(j), canonical({ events: inclusion }));
    this.streams.push(
      s.proof.kind === 'present' ? { stream: s.stream, events: expected, head: s.proof.leaf.entry.head } : { stream: s.stream, events: 0 },
    );
  }

  async finish(): Promise<void> {
    await this.start();
    const manifest: layout.Manifest = {
      format: layout.BUNDLE_FORMAT,
      origin: this.body.origin,
      key: this.vkey(),
      checkpoint: { size: this.body.size, root: this.body.root.toString('base64') },
      previous: (this.header.previous ?? []).map((p) => {
        const b = bodyOf(p.checkpoint);
        return { size: b.size, root: b.root.toString('base64') };
      }),
      streams: this.streams,
      entries: this.entries,
    };
    await this.entry(layout.MANIFEST_ENTRY, `${canonical(manifest)}\n`);
    await this.sink.write(TAR_END);
    await this.sink.end();
  }

  private async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    await this.entry(layout.KEY_ENTRY, `${this.vkey()}\n`);
    await this.entry(layout.CHECKPOINT_ENTRY, this.header.checkpoint);
    for (const [i, p] of (this.header.previous ?? []).entries()) {
      const from = bodyOf(p.checkpoint).size;
      await this.entry(layout.previousCheckpointEntry(i), p.checkpoint);
      await this.entry(
        layout.previousConsistencyEntry(i),
        canonical({ from, proof: p.proof.map((h) => h.toString('base64')), to: this.body.size } satisfies layout.ConsistencyFile),
      );
    }
  }

  private vkey(): string {
    return typeof this.header.key === 'string' ? NoteVerifier.parse(this.header.key).vkey : this.header.key.vkey;
  }

  private async entry(name: string, text: string): Promise<void> {
    const content = Buffer.from(text, 'utf8');
    if (name !== layout.MANIFEST_ENTRY) this.entries.push({ name, size: content.length, sha256: sha256(content).toString('hex') });
    await this.sink.write(Buffer.concat([tarHeader(name, content.length), content, tarPadding(content.length)]));
  }
}

function bodyOf(signedCheckpoint: string): CheckpointBody {
  const split = signedCheckpoint.lastIndexOf('\n\n');
  if (split < 0) throw new RangeError('not a signed checkpoint');
  return parseCheckpointBody(signedCheckpoint.slice(0, split + 1));
}
