import { once } from 'node:events';
import { gunzipSync } from 'node:zlib';
import { EvidenceBundleWriter, TransparencyLog, bundleStream, developmentLogSigner } from '@vanguard/transparency-log';
import { BundleProgress } from './bundle-progress';

/** A real bundle: pledge-a with 3 events, review-b with 2 (a long text, entries past one tar block), pledge-z with none. */
async function bundle(): Promise<Buffer> {
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
