import { once } from 'node:events';
import { gunzipSync } from 'node:zlib';
import { EvidenceBundleWriter, EvidenceLogWriter, TransparencyLog, bundleStream, developmentLogSigner } from '@vanguard/transparency-log';
import { BundleProgress } from './bundle-progress';

/** A real bundle: pledge-a with 3 events, review-b with 2 (a long text, entries past one tar block), pledge-z with none. */
async function bundle(whole = false): Promise<Buffer> {
  const signer = developmentLogSigner();
  const log = new TransparencyLog(signer.name);
  const texts = new Map<string, string[]>();
  const order: [string, number][] = [
    ['pledge-a', 1],
    ['review-b', 1],
    ['pledge-a', 2],
    ['review-b', 2],
    ['pledge-a', 3],
  ];
  for (const [stream, version] of order) {
    const text = JSON.stringify({ streamId: stream, streamVersion: version, note: '评议'.repeat(stream === 'review-b' ? 700 : 3) });
    texts.set(stream, [...(texts.get(stream) ?? []), text]);
    log.append({ text, stream, version });
  }
  const checkpoint = log.checkpoint(signer);
  if (whole) {
    // Chunks of about 1 KB: the long texts split lines across tar blocks and chunks across pushes.
    const w = new EvidenceLogWriter({ key: signer.verifier, checkpoint: checkpoint.text }, 1024);
    const out: Buffer[] = [];
    w.output.on('data', (c: Buffer) => out.push(c));
    const done = once(w.output, 'end');
    for (const [stream, version] of order) await w.add(texts.get(stream)![version - 1]!);
    await w.finish();
    await done;
    return gunzipSync(Buffer.concat(out));
  }
  const writer = new EvidenceBundleWriter({ key: signer.verifier, checkpoint: checkpoint.text });
  const chunks: Buffer[] = [];
  writer.output.on('data', (c: Buffer) => chunks.push(c));
  const ended = once(writer.output, 'end');
  for (const stream of ['pledge-a', 'pledge-z', 'review-b'])
    await writer.addStream(bundleStream(log, checkpoint.body.size, stream, texts.get(stream) ?? []));
  await writer.finish();
  await ended;
  return gunzipSync(Buffer.concat(chunks));
}

describe(BundleProgress.name, () => {
  let archive: Buffer;
  beforeAll(async () => {
    archive = await bundle();
  });

  it.each([1, 7, 511, 512, 513, 4096, 1 << 20])('counts a whole-log bundle’s lines as events, fed %i bytes at a time', async (size) => {
    const whole = await bundle(true);
    const sut = new BundleProgress();
    for (let at = 0; at < whole.length; at += size) sut.push(whole.subarray(at, at + size));
    expect({ events: sut.events, streams: sut.streams }).toEqual({ events: 5, streams: 0 });
  });

  it.each([1, 7, 511, 512, 513, 4096, 1 << 20])('counts every event and finished stream, fed %i bytes at a time', (size) => {
    const sut = new BundleProgress();
    for (let at = 0; at < archive.length; at += size) sut.push(archive.subarray(at, at + size));
    expect({ events: sut.events, streams: sut.streams }).toEqual({ events: 5, streams: 3 });
  });

  it('counts only what has arrived: a stream is done once its inclusion paths are in', () => {
    const sut = new BundleProgress();
    const secondStream = archive.indexOf('streams/1/stream.json');
    sut.push(archive.subarray(0, secondStream));
    expect({ events: sut.events, streams: sut.streams }).toEqual({ events: 3, streams: 1 });
  });
});
