import type { Readable } from 'node:stream';
import { canonical } from '../canonical';
import { parseCheckpointBody, type CheckpointBody } from '../note/checkpoint';
import { NoteVerifier } from '../note/signed-note';
import { sha256 } from '../tree/hashing';
import * as layout from './bundle-layout';
import { GzipSink } from './gzip';
import { tarHeader, tarPadding, TAR_END } from './tar';

export interface BundleHeader {
  readonly key: NoteVerifier | string;
  /** The signed checkpoint every proof refers to. */
  readonly checkpoint: string;
  /** Earlier signed checkpoints with their consistency proofs to `checkpoint`, oldest first. */
  readonly previous?: readonly { readonly checkpoint: string; readonly proof: readonly Buffer[] }[];
}

/**
 * What every kind of bundle shares: the gzip of a tar whose first entries are the key, the
 * signed checkpoint and the earlier checkpoints with their consistency proofs, and whose last is
 * a manifest listing every entry's SHA-256. The kinds differ only in the entries between.
 */
export class BundleArchive {
  private readonly sink = new GzipSink();
  readonly entries: { name: string; size: number; sha256: string }[] = [];
  readonly body: CheckpointBody;
  private started = false;

  constructor(private readonly header: BundleHeader) {
    this.body = bodyOf(header.checkpoint);
  }

  get output(): Readable {
    return this.sink.output;
  }

  get vkey(): string {
    return typeof this.header.key === 'string' ? NoteVerifier.parse(this.header.key).vkey : this.header.key.vkey;
  }

  /** What the manifest says of the checkpoint and the earlier ones. */
  get commitments(): Pick<layout.Manifest, 'origin' | 'key' | 'checkpoint' | 'previous'> {
    return {
      origin: this.body.origin,
      key: this.vkey,
      checkpoint: { size: this.body.size, root: this.body.root.toString('base64') },
      previous: (this.header.previous ?? []).map((p) => {
        const b = bodyOf(p.checkpoint);
        return { size: b.size, root: b.root.toString('base64') };
      }),
    };
  }

  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    await this.entry(layout.KEY_ENTRY, `${this.vkey}\n`);
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

  async entry(name: string, text: string | Buffer): Promise<void> {
    await this.start();
    const content = typeof text === 'string' ? Buffer.from(text, 'utf8') : text;
    this.entries.push({ name, size: content.length, sha256: sha256(content).toString('hex') });
    // Three writes, not one joined buffer: a log chunk is megabytes, and the sink copies once anyway.
    await this.sink.write(tarHeader(name, content.length));
    await this.sink.write(content);
    await this.sink.write(tarPadding(content.length));
  }

  /** Writes the manifest (`entries` is added here, listing every entry before it) and ends the gzip. */
  async close(manifest: Record<string, unknown>): Promise<void> {
    await this.start();
    const content = Buffer.from(`${canonical({ ...manifest, entries: this.entries })}\n`, 'utf8');
    await this.sink.write(Buffer.concat([tarHeader(layout.MANIFEST_ENTRY, content.length), content, tarPadding(content.length)]));
    await this.sink.write(TAR_END);
    await this.sink.end();
  }
}

function bodyOf(signedCheckpoint: string): CheckpointBody {
  const split = signedCheckpoint.lastIndexOf('\n\n');
  if (split < 0) throw new RangeError('not a signed checkpoint');
  return parseCheckpointBody(signedCheckpoint.slice(0, split + 1));
}
