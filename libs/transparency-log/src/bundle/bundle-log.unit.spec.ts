import { once } from 'node:events';
import { gunzipSync } from 'node:zlib';
import {
  chunksOf,
  entriesOf,
  fixture,
  leafTexts,
  operatorSigner,
  tarOf,
  writeLogBundle as writeLog,
  type Entry,
} from '../../test/bundle-fixture';
import { signCheckpoint } from '../note/checkpoint';
import { sha256 } from '../tree/hashing';
import { BundleError } from './bundle-error';
import { EvidenceLogWriter } from './bundle-log-writer';
import { verifyBundle, verifyTar } from './bundle-verifier';

const codeOf = async (p: Promise<unknown>): Promise<string> => {
  try {
    await p;
    return 'OK';
  } catch (e) {
    return e instanceof BundleError ? e.code : `not a BundleError: ${(e as Error).stack}`;
  }
};
const trust = { trustedKeys: [operatorSigner().verifier] };

/** The archive with the chunk's lines edited, the manifest left as the writer made it. */
async function withLines(tgz: Buffer, change: (lines: string[]) => string[]): Promise<Buffer> {
  const entries: Entry[] = (await entriesOf(tgz)).map((e) =>
    e.name === 'log/0.ndjson'
      ? { name: e.name, content: Buffer.from(`${change(e.content.toString('utf8').split('\n').slice(0, -1)).join('\n')}\n`) }
      : e,
  );
  return tarOf(entries);
}

describe('whole-log evidence bundle', () => {
  let tgz: Buffer;
  beforeAll(async () => {
    tgz = await writeLog(fixture());
  });

  it('verifyBundle_EveryEventInLeafOrder_ProvesTheRootAndEveryStreamsHead', async () => {
    const f = fixture();
    const report = await verifyBundle(tgz, trust);
    expect(report).toEqual({
      origin: f.latest.body.origin,
      key: operatorSigner().verifier.vkey,
      keyPinned: true,
      developmentKey: false,
      checkpoint: { size: 6, root: f.latest.body.root.toString('base64') },
      previous: [{ size: 4, root: f.first.body.root.toString('base64') }],
      held: [],
      streams: [],
      events: 6,
      wholeLog: { streams: 3 },
    });
    const entries = await entriesOf(tgz);
    expect(entries.map((e) => e.name)).toEqual([
      'log.vkey',
      'checkpoint.txt',
      'previous/0/checkpoint.txt',
      'previous/0/consistency.json',
      'log/0.ndjson',
      'manifest.json',
    ]);
    // The chunk is the texts as given, byte for byte, one per line.
    expect(entries[4]!.content.toString('utf8')).toBe(`${leafTexts(f).join('\n')}\n`);
  });

  it('verifyBundle_SmallChunks_ReadsThemInOrder', async () => {
    const small = await writeLog(fixture(), undefined, undefined, 300);
    const names = (await entriesOf(small)).map((e) => e.name).filter((n) => n.startsWith('log/'));
    expect(names.length).toBeGreaterThan(2);
    expect(names).toEqual(names.map((_, k) => `log/${k}.ndjson`));
    expect((await verifyBundle(small, trust)).events).toBe(6);
    // Chunks swapped: the first entry after the earlier checkpoints is no longer chunk 0.
    const entries = await entriesOf(small);
    const i = entries.findIndex((e) => e.name === 'log/0.ndjson');
    [entries[i], entries[i + 1]] = [entries[i + 1]!, entries[i]!];
    expect(await codeOf(verifyTar(chunksOf(tarOf(entries)), trust))).toBe('ENTRY_UNEXPECTED');
  });

  it('verifyTar_EventsDroppedAddedOrReordered_NamesWhatIsWrong', async () => {
    // The manifest is left as written: each edit must be caught by the log's own check first.
    const verify = async (b: Buffer) => codeOf(verifyTar(chunksOf(b), trust));
    expect(await verify(await withLines(tgz, (l) => l.slice(0, -1)))).toBe('LOG_SIZE');
    expect(await verify(await withLines(tgz, (l) => [...l, l[5]!]))).toBe('LOG_SIZE');
    // pledge-a 2 and review-b 1 swapped: each still follows its stream, the tree is another.
    expect(await verify(await withLines(tgz, (l) => [l[0]!, l[2]!, l[1]!, ...l.slice(3)]))).toBe('ROOT_MISMATCH');
    // pledge-a 1 and 2 swapped: version 2 before version 1.
    expect(await verify(await withLines(tgz, (l) => [l[1]!, l[0]!, ...l.slice(2)]))).toBe('EVENT_MISPLACED');
    expect(await verify(await withLines(tgz, (l) => ['{"not":"an event"}', ...l.slice(1)]))).toBe('EVENT_INVALID');
    // One character of one text changed, still a valid event in its place.
    expect(await verify(await withLines(tgz, (l) => [l[0]!.replace('"score":90', '"score":99'), ...l.slice(1)]))).toBe('ROOT_MISMATCH');
    // The same rebuilding with nothing changed verifies: each refusal above is the edit's.
    expect(await verify(await withLines(tgz, (l) => l))).toBe('OK');
  });

  it('verifyBundle_RewrittenLogUnderTheGenuineCheckpoint_IsRefusedAtTheRoot', async () => {
    const f = fixture();
    const rewritten = fixture(undefined, (s, v, t) => (s === 'review-b' && v === 1 ? t.replace('"score":92', '"score":12') : t));
    expect(leafTexts(rewritten)).not.toEqual(leafTexts(f));
    expect(await codeOf(verifyBundle(await writeLog(f, leafTexts(rewritten)), trust))).toBe('ROOT_MISMATCH');
  });

  it('verifyBundle_CheckpointWhoseMapDisagreesWithTheChains_IsRefused', async () => {
    // Signed by the operator's key, right size and root, but a stream map the events do not make.
    const f = fixture();
    const body = { ...f.latest.body, streams: { count: 3, root: sha256(Buffer.from('another map')) } };
    const forged = signCheckpoint(body, operatorSigner());
    const code = await codeOf(verifyBundle(await writeLog(f, undefined, forged), trust));
    expect(code).toBe('CHAIN_MISMATCH');
  });

  it('verifyBundle_EmptyLog_HasChunkZeroAndVerifies', async () => {
    const signer = operatorSigner();
    const empty = fixture();
    const log = new (empty.log.constructor as new (origin: string) => typeof empty.log)(signer.name);
    const checkpoint = log.checkpoint(signer);
    const sut = new EvidenceLogWriter({ key: signer.verifier, checkpoint: checkpoint.text });
    const out: Buffer[] = [];
    sut.output.on('data', (c: Buffer) => out.push(c));
    const ended = once(sut.output, 'end');
    await sut.finish();
    await ended;
    const report = await verifyBundle(Buffer.concat(out), trust);
    expect({ events: report.events, wholeLog: report.wholeLog }).toEqual({ events: 0, wholeLog: { streams: 0 } });
  });

  it('EvidenceLogWriter_TextWithANewlineOrTheWrongCount_IsRefusedBeforeTheManifest', async () => {
    const f = fixture();
    const sut = new EvidenceLogWriter({ key: operatorSigner().verifier, checkpoint: f.latest.text });
    sut.output.resume();
    await expect(sut.add('{"a":\n1}')).rejects.toThrow(/newline/);
    await sut.add(leafTexts(f)[0]!);
    await expect(sut.finish()).rejects.toThrow('1 events given for a checkpoint of 6');
  });

  it('EvidenceLogWriter_PagesJoinedByNewlines_WriteTheSameBytesAsTextsOneByOne', async () => {
    const f = fixture();
    const texts = leafTexts(f);
    const write = async (feed: (w: EvidenceLogWriter) => Promise<void>) => {
      const sut = new EvidenceLogWriter({ key: operatorSigner().verifier, checkpoint: f.latest.text });
      const out: Buffer[] = [];
      sut.output.on('data', (c: Buffer) => out.push(c));
      const ended = once(sut.output, 'end');
      await feed(sut);
      await sut.finish();
      await ended;
      return Buffer.concat(out);
    };
    const oneByOne = await write(async (w) => {
      for (const t of texts) await w.add(t);
    });
    const paged = await write(async (w) => {
      await w.addJoined(texts.slice(0, 4).join('\n'), 4);
      await w.addJoined(texts.slice(4).join('\n'), 2);
    });
    expect(paged.equals(oneByOne)).toBe(true);
    const miscounted = new EvidenceLogWriter({ key: operatorSigner().verifier, checkpoint: f.latest.text });
    miscounted.output.resume();
    await expect(miscounted.addJoined(texts.slice(0, 3).join('\n'), 2)).rejects.toThrow('3 lines for 2 texts');
  });

  // Every byte of the archive inside the gzip, a fifth of them per run (FLIP_OFFSET picks which).
  const offset = Number(process.env['FLIP_OFFSET'] ?? Math.floor(Math.random() * 5));
  it(`verifyTar_EveryFifthByteFlipped_IsRefusedWithACode (FLIP_OFFSET=${offset})`, async () => {
    const tar = gunzipSync(tgz);
    const codes = new Map<string, number>();
    for (let i = offset; i < tar.length; i += 5) {
      const copy = Buffer.from(tar);
      copy[i]! ^= 0x01;
      const code = await codeOf(verifyTar(chunksOf(copy), trust));
      expect({ i, code }).toEqual({ i, code: expect.stringMatching(/^[A-Z_]+$/) });
      expect({ i, code }).not.toEqual({ i, code: 'OK' });
      codes.set(code, (codes.get(code) ?? 0) + 1);
    }
    expect([...codes.keys()]).toEqual(expect.arrayContaining(['ROOT_MISMATCH', 'MANIFEST_MISMATCH', 'TAR_HEADER', 'CHECKPOINT_SIGNATURE']));
  });
});
