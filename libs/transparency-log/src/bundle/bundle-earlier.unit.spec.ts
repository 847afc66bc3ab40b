import {
  chunksOf,
  entriesOf,
  fixture,
  ORIGIN,
  operatorSigner,
  tarOf,
  writeBundle,
  type Entry,
  type Fixture,
} from '../../test/bundle-fixture';
import { signCheckpoint } from '../note/checkpoint';
import { NoteSigner } from '../note/signed-note';
import { BundleError } from './bundle-error';
import { verifyBundle, verifyTar, type VerifyBundleOptions } from './bundle-verifier';

/** What a failed verification says: its code, the entry it names, the checkpoint size it is about, its message. */
const failureOf = async (p: Promise<unknown>): Promise<{ code: string; entry?: string; size?: number; message: string }> => {
  try {
    await p;
  } catch (e) {
    if (e instanceof BundleError) return { code: e.code, entry: e.entry, size: e.size, message: e.message };
    throw e;
  }
  throw new Error('the bundle verified');
};
const trust: VerifyBundleOptions = { trustedKeys: [operatorSigner().verifier] };
/** A checkpoint of the fixture's tree at an older size, signed as the log signs its checkpoints. */
const signedAt = (f: Fixture, size: number, signer = operatorSigner(), root = f.log.root(size)): string =>
  signCheckpoint({ origin: ORIGIN, size, root }, signer);
/** The bundle of the fixture's latest checkpoint carrying these earlier ones, each with the proof from the honest log. */
const withEarlier = (f: Fixture, earlier: { note: string; from?: number; log?: Fixture['log'] }[]): Promise<Buffer> =>
  writeBundle(f, operatorSigner(), {
    previous: earlier.map((e) => {
      const from = e.from ?? Number(e.note.split('\n')[1]);
      return { checkpoint: e.note, proof: (e.log ?? f.log).consistencyProof(from, f.latest.body.size) };
    }),
  });
const edit = (entries: Entry[], name: string, change: (text: string) => string): Buffer =>
  tarOf(entries.map((e) => (e.name === name ? { name, content: Buffer.from(change(e.content.toString('utf8')), 'utf8') } : e)));
/** pledge-a version 2 rewritten, chain and tree rebuilt: the database owner's consistent rewrite. */
const rewritten = (): Fixture =>
  fixture(operatorSigner(), (s, v, t) => (s === 'pledge-a' && v === 2 ? t.replace('"score":91', '"score":99') : t));

describe('evidence bundle: earlier checkpoints and their consistency (ADR 0070)', () => {
  const f = fixture();

  it('verifyBundle_EarlierCheckpointsOldestFirst_AreEachProvenAPrefixAndListed', async () => {
    const bundle = await withEarlier(f, [{ note: signedAt(f, 2) }, { note: f.first.text }, { note: signedAt(f, 5) }]);
    const report = await verifyBundle(bundle, trust);
    expect(report.previous).toEqual([
      { size: 2, root: f.log.root(2).toString('base64') },
      { size: 4, root: f.first.body.root.toString('base64') },
      { size: 5, root: f.log.root(5).toString('base64') },
    ]);
    expect((await entriesOf(bundle)).filter((e) => e.name.startsWith('previous/')).map((e) => e.name)).toEqual([
      'previous/0/checkpoint.txt',
      'previous/0/consistency.json',
      'previous/1/checkpoint.txt',
      'previous/1/consistency.json',
      'previous/2/checkpoint.txt',
      'previous/2/consistency.json',
    ]);
    // Consistency proofs are at most ⌈log₂ n⌉ + 1 hashes.
    for (const e of (await entriesOf(bundle)).filter((x) => x.name.endsWith('consistency.json')))
      expect((JSON.parse(e.content.toString('utf8')) as { proof: string[] }).proof.length).toBeLessThanOrEqual(Math.ceil(Math.log2(6)) + 1);
  });

  it('verifyTar_AnEarlierCheckpointsRootFlippedInItsNote_IsASignatureFailureNamingItsSize', async () => {
    const entries = await entriesOf(await withEarlier(f, [{ note: signedAt(f, 2) }, { note: f.first.text }]));
    const root = f.first.body.root.toString('base64');
    const flipped = Buffer.from(f.first.body.root);
    flipped[0]! ^= 1;
    const tar = edit(entries, 'previous/1/checkpoint.txt', (t) => t.replace(root, flipped.toString('base64')));
    expect(await failureOf(verifyTar(chunksOf(tar), trust))).toEqual({
      code: 'CHECKPOINT_SIGNATURE',
      entry: 'previous/1/checkpoint.txt',
      size: 4,
      message: expect.stringMatching(/^previous\/1\/checkpoint\.txt: the earlier checkpoint \(claiming size 4\): the signature of key/),
    });
  });

  it('verifyTar_AnEarlierCheckpointsSizeChangedInItsNote_IsASignatureFailureNamingTheClaimedSize', async () => {
    const entries = await entriesOf(await withEarlier(f, [{ note: f.first.text }]));
    const tar = edit(entries, 'previous/0/checkpoint.txt', (t) => t.replace(`${ORIGIN}\n4\n`, `${ORIGIN}\n5\n`));
    expect(await failureOf(verifyTar(chunksOf(tar), trust))).toMatchObject({ code: 'CHECKPOINT_SIGNATURE', size: 5 });
  });

  it('verifyBundle_AnEarlierCheckpointSignedWithTheLogKeyButAnotherRoot_FailsConsistencyNamingItsSize', async () => {
    // The log's key signed another tree at size 4 (a fork, or a history rewritten before this export).
    const forked = await withEarlier(f, [{ note: signedAt(f, 2) }, { note: rewritten().first.text }]);
    expect(await failureOf(verifyBundle(forked, trust))).toEqual({
      code: 'CONSISTENCY_INVALID',
      entry: 'previous/1/consistency.json',
      size: 4,
      message: expect.stringContaining(
        `the earlier checkpoint of size 4 (root ${rewritten().first.body.root.toString('base64')}) is not a prefix of the checkpoint of size 6`,
      ),
    });
  });

  it('verifyBundle_AnEarlierCheckpointSignedAtAnotherSizeThanItsRoot_FailsConsistency', async () => {
    // Validly signed, but claiming size 5 for the root of size 4; the proof is a real one from 5.
    const bundle = await withEarlier(f, [{ note: signedAt(f, 5, operatorSigner(), f.log.root(4)) }]);
    expect(await failureOf(verifyBundle(bundle, trust))).toMatchObject({ code: 'CONSISTENCY_INVALID', size: 5 });
    // The proof from another size (3) under the note of size 4 does not rebuild its root.
    const other = await withEarlier(f, [{ note: f.first.text, from: 3 }]);
    expect(await failureOf(verifyBundle(other, trust))).toMatchObject({ code: 'CONSISTENCY_INVALID', size: 4 });
    // A consistency file that says it is from another size is named as such.
    const entries = await entriesOf(await withEarlier(f, [{ note: f.first.text }]));
    const relabelled = edit(entries, 'previous/0/consistency.json', (t) => t.replace('"from":4', '"from":3'));
    expect(await failureOf(verifyTar(chunksOf(relabelled), trust))).toMatchObject({
      code: 'CONSISTENCY_INVALID',
      entry: 'previous/0/consistency.json',
      size: 4,
      message: expect.stringContaining('the proof is from 3 to 6, the checkpoints are 4 and 6'),
    });
  });

  it('verifyBundle_AnEarlierCheckpointSignedByAnotherKey_IsRefusedUnlessThatKeyIsPinned', async () => {
    const former = new NoteSigner(ORIGIN, Buffer.alloc(32, 0x33)); // say, the key the log had before a rotation
    const bundle = await withEarlier(f, [{ note: signedAt(f, 4, former) }]);
    expect(await failureOf(verifyBundle(bundle, trust))).toMatchObject({
      code: 'CHECKPOINT_SIGNATURE',
      entry: 'previous/0/checkpoint.txt',
      size: 4,
      message: expect.stringContaining('no signature by'),
    });
    expect(await failureOf(verifyBundle(bundle))).toMatchObject({ code: 'CHECKPOINT_SIGNATURE', size: 4 }); // unpinned: the bundle's key only
    const both = { trustedKeys: [operatorSigner().verifier, former.verifier] };
    expect((await verifyBundle(bundle, both)).previous).toEqual([{ size: 4, root: f.first.body.root.toString('base64') }]);
  });

  it('verifyBundle_EarlierCheckpointsOutOfOrderOrTwice_AreRefused', async () => {
    const reversed = await withEarlier(f, [{ note: f.first.text }, { note: signedAt(f, 2) }]);
    expect(await failureOf(verifyBundle(reversed, trust))).toMatchObject({
      code: 'CHECKPOINT_INVALID',
      entry: 'previous/1/checkpoint.txt',
      size: 2,
    });
    const twice = await withEarlier(f, [{ note: f.first.text }, { note: f.first.text }]);
    expect(await failureOf(verifyBundle(twice, trust))).toMatchObject({ code: 'CHECKPOINT_INVALID', size: 4 });
  });

  it('verifyBundle_WithTheCheckpointTheAuditorHolds_ProvesItAPrefixOrNamesWhyNot', async () => {
    const bundle = await withEarlier(f, [{ note: signedAt(f, 2) }, { note: f.first.text }]);
    const held = (note: string, name = 'last-month.note') => ({ ...trust, held: [{ name, note }] });
    expect((await verifyBundle(bundle, held(f.first.text))).held).toEqual([{ size: 4, root: f.first.body.root.toString('base64') }]);
    expect((await verifyBundle(bundle, held(f.latest.text))).held).toEqual([{ size: 6, root: f.latest.body.root.toString('base64') }]);
    // A witnessed copy (with a county's cosignature line) is the same checkpoint.
    const cosigned = `${f.first.text}— county.example/witness AAAAAQ${'A'.repeat(94)}\n`;
    expect((await verifyBundle(bundle, held(cosigned))).held).toHaveLength(1);

    expect(await failureOf(verifyBundle(bundle, held(signedAt(f, 5))))).toEqual({
      code: 'EARLIER_CHECKPOINT_MISSING',
      entry: 'last-month.note',
      size: 5,
      message: expect.stringContaining('not among the bundle’s earlier checkpoints (2, 4): export with earlier=5'.replace('’', "'")),
    });
    const newer = fixture();
    newer.log.append({ text: '{"streamId":"late-d","streamVersion":1}', stream: 'late-d', version: 1 });
    expect(await failureOf(verifyBundle(bundle, held(newer.log.checkpoint(operatorSigner()).text)))).toMatchObject({
      code: 'EARLIER_CHECKPOINT_MISSING',
      size: 7,
    });
    const altered = f.first.text.replace(`${ORIGIN}\n4\n`, `${ORIGIN}\n3\n`);
    expect(await failureOf(verifyBundle(bundle, held(altered)))).toMatchObject({ code: 'CHECKPOINT_SIGNATURE', entry: 'last-month.note' });
  });

  it('verifyBundle_ARewrittenHistoryCarryingItsOwnEarlierCheckpoint_FailsAgainstTheOneTheAuditorHolds', async () => {
    // The owner rewrote the store, and the table of published checkpoints too, with notes the log key signed
    // over the rewritten tree: the bundle is consistent in itself; only the auditor's own copy catches it.
    const r = rewritten();
    const bundle = await writeBundle(r, operatorSigner(), {
      previous: [{ checkpoint: r.first.text, proof: r.log.consistencyProof(4, 6) }],
    });
    expect((await verifyBundle(bundle, trust)).previous).toEqual([{ size: 4, root: r.first.body.root.toString('base64') }]);
    expect(await failureOf(verifyBundle(bundle, { ...trust, held: [{ name: 'kept.note', note: f.first.text }] }))).toEqual({
      code: 'CONSISTENCY_INVALID',
      entry: 'kept.note',
      size: 4,
      message: expect.stringContaining('the checkpoint you hold of size 4 has root'),
    });
  });
});
