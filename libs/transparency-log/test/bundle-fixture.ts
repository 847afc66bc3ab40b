import { once } from 'node:events';
import { Readable } from 'node:stream';
import { gunzipSync } from 'node:zlib';
import { bundleStream } from '../src/bundle/bundle-from-log';
import { EvidenceBundleWriter, type BundleHeader } from '../src/bundle/bundle-writer';
import { EvidenceLogWriter } from '../src/bundle/bundle-log-writer';
import { readTar, tarHeader, tarPadding, TAR_END } from '../src/bundle/tar';
import { TransparencyLog, type SignedCheckpoint } from '../src/log/transparency-log';
import { NoteSigner } from '../src/note/signed-note';
import { eventText } from './events';

export const ORIGIN = 'vanguard.example/evaluation';
export const operatorSigner = (): NoteSigner => new NoteSigner(ORIGIN, Buffer.alloc(32, 0x5a));

/** A log of two streams and a bystander: pledge-a 1,2 · review-b 1 · pledge-a 3 · review-b 2 · other-c 1. */
export const ORDER: [string, number][] = [
  ['pledge-a', 1],
  ['pledge-a', 2],
  ['review-b', 1],
  ['pledge-a', 3],
  ['review-b', 2],
  ['other-c', 1],
];

export interface Fixture {
  readonly log: TransparencyLog;
  readonly texts: Map<string, string[]>;
  readonly first: SignedCheckpoint;
  readonly latest: SignedCheckpoint;
}

/** The log with a checkpoint after 4 events and one after all 6; `rewrite` changes event texts first. */
export function fixture(
  signer = operatorSigner(),
  rewrite: (stream: string, version: number, text: string) => string = (_s, _v, t) => t,
): Fixture {
  const log = new TransparencyLog(signer.name);
  const texts = new Map<string, string[]>();
  let first: SignedCheckpoint | undefined;
  ORDER.forEach(([stream, version], i) => {
    const text = rewrite(stream, version, eventText(stream, version, i));
    texts.set(stream, [...(texts.get(stream) ?? []), text]);
    log.append({ text, stream, version });
    if (i === 3) first = log.checkpoint(signer);
  });
  return { log, texts, first: first!, latest: log.checkpoint(signer) };
}

/** The bundle for pledge-a (complete) and pledge-z (no events), with the first checkpoint as an earlier one. */
export async function writeBundle(f: Fixture, signer = operatorSigner(), header: Partial<BundleHeader> = {}): Promise<Buffer> {
  const size = f.latest.body.size;
  const sut = new EvidenceBundleWriter({
    key: signer.verifier,
    checkpoint: f.latest.text,
    previous: [{ checkpoint: f.first.text, proof: f.log.consistencyProof(f.first.body.size, size) }],
    ...header,
  });
  const chunks: Buffer[] = [];
  sut.output.on('data', (c: Buffer) => chunks.push(c));
  const ended = once(sut.output, 'end');
  await sut.addStream(bundleStream(f.log, size, 'pledge-a', f.texts.get('pledge-a')!));
  await sut.addStream(bundleStream(f.log, size, 'pledge-z', []));
  await sut.finish();
  await ended;
  return Buffer.concat(chunks);
}

/** The fixture's texts in leaf order (ORDER is the order they were appended). */
export function leafTexts(f: Fixture): string[] {
  return ORDER.map(([stream, version]) => f.texts.get(stream)![version - 1]!);
}

/** A whole-log bundle of `texts` (the fixture's, in leaf order) under `checkpoint`, with the first checkpoint as an earlier one. */
export async function writeLogBundle(f: Fixture, texts = leafTexts(f), checkpoint = f.latest.text, chunkBytes?: number): Promise<Buffer> {
  const sut = new EvidenceLogWriter(
    {
      key: operatorSigner().verifier,
      checkpoint,
      previous: [{ checkpoint: f.first.text, proof: f.log.consistencyProof(f.first.body.size, f.latest.body.size) }],
    },
    chunkBytes,
  );
  const out: Buffer[] = [];
  sut.output.on('data', (c: Buffer) => out.push(c));
  const ended = once(sut.output, 'end');
  for (const t of texts) await sut.add(t);
  await sut.finish();
  await ended;
  return Buffer.concat(out);
}

export interface Entry {
  name: string;
  content: Buffer;
}

export async function entriesOf(tgz: Buffer): Promise<Entry[]> {
  const out: Entry[] = [];
  for await (const e of readTar(chunksOf(gunzipSync(tgz)), 1 << 20)) out.push({ name: e.name, content: e.content });
  return out;
}

/** An archive the way the writer lays one out, from entries someone edited. */
export function tarOf(entries: readonly Entry[]): Buffer {
  return Buffer.concat([
    ...entries.flatMap((e) => [tarHeader(e.name, e.content.length), e.content, tarPadding(e.content.length)]),
    TAR_END,
  ]);
}

export function chunksOf(b: Buffer): AsyncIterable<Buffer> {
  return Readable.from([b]) as AsyncIterable<Buffer>;
}
