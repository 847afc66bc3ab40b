import { Readable } from 'node:stream';
import { canonical, parseCanonical } from '../canonical';
import { eventPosition, GENESIS_HASH } from '../log/transparency-log';
import { isDevelopmentLogKey } from '../note/log-keys';
import { STREAMS_EXTENSION, type CheckpointBody } from '../note/checkpoint';
import { NoteVerifier } from '../note/signed-note';
import { compareStreams, verifyStreamProof, type StreamHead } from '../map/stream-map';
import { decodeHashBase64, leafHash, sha256 } from '../tree/hashing';
import { verifyInclusion } from '../tree/proof-verify';
import { BundleError } from './bundle-error';
import * as layout from './bundle-layout';
import { gunzipStrict } from './gzip';
import { readTar, type TarEntry } from './tar';
import { asConsistencyFile, asInclusionFile, asStreamFile } from './bundle-shapes';
import { LogChunksCheck } from './bundle-log-check';
import { checkEarlier, checkHeld, earlierVerifiers, openBundleCheckpoint, type HeldCheckpoint } from './bundle-earlier';

export interface VerifyBundleOptions {
  /** The operator's published verifier keys; when given, the bundle's key must be one of them. */
  readonly trustedKeys?: readonly NoteVerifier[];
  /** Accept the public development key (demo data, tests): such a bundle proves nothing to a third party. */
  readonly allowDevelopmentKey?: boolean;
  /**
   * Checkpoints the auditor kept from earlier (`--since`): each must be the bundle's checkpoint or
   * one of its earlier ones, with the same root, so the history seen then is proven a prefix.
   */
  readonly held?: readonly HeldCheckpoint[];
  readonly maxEntryBytes?: number;
}

export interface BundleReport {
  readonly origin: string;
  readonly key: string;
  /** Whether the key was pinned by the caller; an unpinned bundle only proves it is self-consistent. */
  readonly keyPinned: boolean;
  readonly developmentKey: boolean;
  readonly checkpoint: { readonly size: number; readonly root: string };
  readonly previous: readonly { readonly size: number; readonly root: string }[];
  /** The checkpoints the auditor held (`held`), each proven a prefix of the bundle's checkpoint. */
  readonly held: readonly { readonly size: number; readonly root: string }[];
  readonly streams: readonly { readonly stream: string; readonly events: number; readonly head?: string }[];
  readonly events: number;
  /** A whole-log bundle (ADR 0079): every event of the checkpoint, so every one of its `streams` is complete. */
  readonly wholeLog?: { readonly streams: number };
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const text = (e: TarEntry, code: 'JSON_INVALID' | 'EVENT_INVALID' | 'KEY_INVALID' | 'CHECKPOINT_INVALID'): string => {
  try {
    return utf8.decode(e.content);
  } catch {
    throw new BundleError(code, 'not UTF-8', e.name);
  }
};

/** Verifies a .tgz evidence bundle from its bytes; resolves to what it proves, or throws a BundleError. */
export async function verifyBundle(source: AsyncIterable<Buffer> | Buffer, options: VerifyBundleOptions = {}): Promise<BundleReport> {
  const chunks: AsyncIterable<Buffer> = Buffer.isBuffer(source) ? Readable.from([source]) : source;
  return verifyTar(gunzipStrict(chunks), options);
}

/** The same checks on an uncompressed archive (the tamper tests flip every byte of one). */
export async function verifyTar(chunks: AsyncIterable<Buffer>, options: VerifyBundleOptions = {}): Promise<BundleReport> {
  const entries = readTar(chunks, options.maxEntryBytes ?? 64 * 1024 * 1024)[Symbol.asyncIterator]();
  try {
    return await new BundleCheck(entries, options).run();
  } finally {
    await entries.return?.(undefined);
  }
}

class BundleCheck {
  private readonly seen: { name: string; size: number; sha256: string }[] = [];
  private verifier!: NoteVerifier;
  private body!: CheckpointBody;

  constructor(
    private readonly entries: AsyncIterator<TarEntry>,
    private readonly options: VerifyBundleOptions,
  ) {}

  async run(): Promise<BundleReport> {
    const key = this.checkKey(await this.expect(layout.KEY_ENTRY));
    this.body = this.checkpoint(await this.expect(layout.CHECKPOINT_ENTRY));
    const streamsCommitment = this.body.streams;
    if (!streamsCommitment)
      throw new BundleError(
        'CHECKPOINT_INVALID',
        `no ${STREAMS_EXTENSION} line: the checkpoint commits to no stream heads`,
        layout.CHECKPOINT_ENTRY,
      );
    let next = await this.next();
    const previous: BundleReport['previous'][number][] = [];
    const verifiers = earlierVerifiers(this.verifier, this.options.trustedKeys, this.options.allowDevelopmentKey);
    for (let i = 0; next?.name === layout.previousCheckpointEntry(i); i++) {
      const proofEntry = await this.expect(layout.previousConsistencyEntry(i));
      const proof = { entry: proofEntry.name, file: asConsistencyFile(this.json(proofEntry), proofEntry.name) };
      const note = { entry: next.name, text: text(next, 'CHECKPOINT_INVALID') };
      previous.push(checkEarlier(note, proof, this.body, verifiers, previous[i - 1]));
      next = await this.next();
    }
    const held = checkHeld(this.options.held ?? [], this.body, previous, verifiers);
    const common = {
      origin: this.body.origin,
      key,
      keyPinned: this.options.trustedKeys !== undefined,
      developmentKey: isDevelopmentLogKey(this.verifier),
      checkpoint: { size: this.body.size, root: this.body.root.toString('base64') },
      previous,
      held,
    };
    if (next?.name === layout.logChunkEntry(0)) return this.wholeLog(next, common);
    const streams: BundleReport['streams'][number][] = [];
    let events = 0;
    for (let j = 0; next?.name === layout.streamEntry(j); j++) {
      const { head, after } = await this.stream(j, next, streams[j - 1]?.stream, streamsCommitment);
      streams.push(head ? { stream: head.stream, events: head.version, head: head.head } : { stream: after, events: 0 });
      events += head?.version ?? 0;
      next = await this.next();
    }
    const report: BundleReport = { ...common, streams, events };
    await this.lastly(next, 'or the next stream', { format: layout.BUNDLE_FORMAT, ...this.claims(report), streams });
    return report;
  }

  /** A whole-log bundle: its chunks from `first` on, then the manifest. */
  private async wholeLog(first: TarEntry, common: Omit<BundleReport, 'streams' | 'events'>): Promise<BundleReport> {
    const check = new LogChunksCheck(this.body);
    let next: TarEntry | undefined = first;
    let last = first.name;
    for (let k = 0; next?.name === layout.logChunkEntry(k); k++) {
      check.chunk(next);
      last = next.name;
      next = await this.next();
    }
    const { events, streams } = check.finish(last);
    const report: BundleReport = { ...common, streams: [], events, wholeLog: { streams } };
    await this.lastly(next, 'or the next chunk', { format: layout.LOG_BUNDLE_FORMAT, ...this.claims(report), events });
    return report;
  }

  private claims(r: BundleReport) {
    return { origin: r.origin, key: r.key, checkpoint: r.checkpoint, previous: r.previous, entries: this.seen.slice(0, -1) };
  }

  /** `next` must be the manifest, saying exactly `expected`, and the last entry. */
  private async lastly(next: TarEntry | undefined, orElse: string, expected: Record<string, unknown>): Promise<void> {
    if (next?.name !== layout.MANIFEST_ENTRY)
      throw new BundleError(
        'ENTRY_UNEXPECTED',
        next ? `expected ${layout.MANIFEST_ENTRY} ${orElse}, found ${next.name}` : `${layout.MANIFEST_ENTRY} is missing`,
        next?.name,
      );
    this.manifest(next, expected);
    const extra = await this.entries.next();
    if (!extra.done) throw new BundleError('ENTRY_UNEXPECTED', `an entry after ${layout.MANIFEST_ENTRY}`, extra.value.name);
  }

  private async next(): Promise<TarEntry | undefined> {
    const r = await this.entries.next();
    if (r.done) return undefined;
    this.seen.push({ name: r.value.name, size: r.value.content.length, sha256: sha256(r.value.content).toString('hex') });
    return r.value;
  }

  private async expect(name: string, code: 'ENTRY_UNEXPECTED' | 'STREAM_INCOMPLETE' = 'ENTRY_UNEXPECTED'): Promise<TarEntry> {
    const e = await this.next();
    if (e?.name !== name) throw new BundleError(code, e ? `expected ${name}, found ${e.name}` : `${name} is missing`, e?.name);
    return e;
  }

  private checkKey(e: TarEntry): string {
    const line = text(e, 'KEY_INVALID');
    let verifier: NoteVerifier;
    try {
      verifier = NoteVerifier.parse(line.endsWith('\n') ? line.slice(0, -1) : line);
    } catch (err) {
      throw new BundleError('KEY_INVALID', (err as Error).message, e.name);
    }
    if (`${verifier.vkey}\n` !== line) throw new BundleError('KEY_INVALID', 'not exactly one verifier key line', e.name);
    const pinned = this.options.trustedKeys;
    if (pinned && !pinned.some((k) => k.vkey === verifier.vkey))
      throw new BundleError('KEY_NOT_TRUSTED', `signed by ${verifier.vkey}, which is not among the keys given to trust`, e.name);
    if (isDevelopmentLogKey(verifier) && !this.options.allowDevelopmentKey)
      throw new BundleError(
        'DEVELOPMENT_KEY',
        'signed with the development key, which is public in the source: this bundle proves nothing',
        e.name,
      );
    this.verifier = verifier;
    return verifier.vkey;
  }

  private checkpoint(e: TarEntry): CheckpointBody {
    return openBundleCheckpoint(text(e, 'CHECKPOINT_INVALID'), [this.verifier], e.name);
  }

  private async stream(
    j: number,
    e: TarEntry,
    before: string | undefined,
    commitment: NonNullable<CheckpointBody['streams']>,
  ): Promise<{ head: StreamHead | undefined; after: string }> {
    const file = asStreamFile(this.json(e), e.name);
    if (before !== undefined && compareStreams(before, file.stream) >= 0)
      throw new BundleError('ENTRY_UNEXPECTED', `stream ${file.stream} comes after ${before}: streams go once each, in byte order`, e.name);
    const check = verifyStreamProof(file.stream, file.proof, commitment.count, commitment.root);
    if (!check.ok) throw new BundleError('STREAM_PROOF_INVALID', check.message, e.name);
    const version = check.head?.version ?? 0;
    const leaves: Buffer[] = [];
    let chain = GENESIS_HASH;
    for (let v = 1; v <= version; v++) {
      const ev = await this.expect(layout.eventEntry(j, v), 'STREAM_INCOMPLETE');
      let position: { stream: string; version: number };
      try {
        position = eventPosition(text(ev, 'EVENT_INVALID'));
      } catch (err) {
        throw new BundleError('EVENT_INVALID', (err as Error).message, ev.name);
      }
      if (position.stream !== file.stream || position.version !== v)
        throw new BundleError(
          'EVENT_MISPLACED',
          `the text is ${position.stream} version ${position.version}, its place is ${file.stream} version ${v}`,
          ev.name,
        );
      leaves.push(leafHash(ev.content));
      chain = sha256(Buffer.concat([Buffer.from(chain, 'ascii'), ev.content])).toString('hex'); // the store's chainHash, over the bytes as they are
    }
    if (check.head && chain !== check.head.head)
      throw new BundleError(
        'CHAIN_MISMATCH',
        `the events chain to ${chain}, the checkpoint's map has head ${check.head.head}`,
        layout.eventEntry(j, version),
      );
    const inclusionEntry = await this.expect(layout.inclusionEntry(j), 'STREAM_INCOMPLETE');
    const inclusion = asInclusionFile(this.json(inclusionEntry), inclusionEntry.name);
    if (inclusion.events.length !== version)
      throw new BundleError('STREAM_INCOMPLETE', `${inclusion.events.length} inclusion proofs for ${version} events`, inclusionEntry.name);
    for (let v = 1; v <= version; v++) {
      const p = inclusion.events[v - 1]!;
      if (v > 1 && p.leaf <= inclusion.events[v - 2]!.leaf)
        throw new BundleError('INCLUSION_INVALID', `version ${v} sits at leaf ${p.leaf}, not after version ${v - 1}`, inclusionEntry.name);
      const r = verifyInclusion(
        p.leaf,
        this.body.size,
        leaves[v - 1]!,
        p.path.map((h) => decodeHashBase64(h)!),
        this.body.root,
      );
      if (!r.ok) throw new BundleError('INCLUSION_INVALID', `${layout.eventEntry(j, v)}: ${r.message}`, inclusionEntry.name);
    }
    return { head: check.head, after: file.stream };
  }

  private manifest(e: TarEntry, expected: Record<string, unknown>): void {
    const got = text(e, 'JSON_INVALID');
    if (got === `${canonical(expected)}\n`) return;
    let parsed: Record<string, unknown>;
    try {
      if (!got.endsWith('\n')) throw new SyntaxError('no final newline');
      parsed = parseCanonical(got.slice(0, -1)) as Record<string, unknown>;
    } catch (err) {
      throw new BundleError('JSON_INVALID', (err as Error).message, e.name);
    }
    const field = Object.keys({ ...expected, ...parsed }).find((k) => canonical(parsed[k] ?? null) !== canonical(expected[k] ?? null));
    throw new BundleError('MANIFEST_MISMATCH', `its ${field ?? 'text'} disagrees with the entries`, e.name);
  }

  private json(e: TarEntry): unknown {
    try {
      return parseCanonical(text(e, 'JSON_INVALID'));
    } catch (err) {
      if (err instanceof BundleError) throw err;
      throw new BundleError('JSON_INVALID', (err as Error).message, e.name);
    }
  }
}
