import { mkdtempSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  developmentLogSigner,
  developmentWitnessSigner,
  generateLogKey,
  generateWitnessKey,
  NoteSigner,
  formatTrailLine,
  signCheckpoint,
  leafHash,
  TransparencyLog,
  type SignedCheckpoint,
} from '@vanguard/transparency-log';
import { CheckpointWitness } from './checkpoint-witness';
import { witnessCheckpoint, witnessFromEnv } from './run-witness';
import { WitnessStateFile } from './witness-state-file';

const ORIGIN = 'vanguard.example/evaluation';
const logKey = developmentLogSigner(ORIGIN);
const text = (stream: string, version: number) => JSON.stringify({ streamId: stream, streamVersion: version, data: { n: version } });

/** A log of `n` events; `seed` varies the texts, so two logs of one size differ. */
function logOf(n: number, seed = 'a'): TransparencyLog {
  const log = new TransparencyLog(ORIGIN);
  for (let v = 1; v <= n; v++) log.append({ text: text(`pledge-${seed}`, v), stream: `pledge-${seed}`, version: v });
  return log;
}

describe('a county witness (tlog-witness add-checkpoint, tlog-cosignature)', () => {
  let file: string;
  let sut: CheckpointWitness;
  const signer = developmentWitnessSigner('county-songling');
  const add = (cp: SignedCheckpoint, oldSize: number, proof: Buffer[] = []) => sut.addCheckpoint({ oldSize, proof, checkpoint: cp.text });
  const body = (cp: SignedCheckpoint) => cp.text.slice(0, cp.text.lastIndexOf('\n\n') + 1);

  beforeEach(() => {
    file = path.join(mkdtempSync(path.join(tmpdir(), 'witness-')), 'state.json');
    sut = new CheckpointWitness({
      logKey: logKey.verifier,
      origin: ORIGIN,
      signer,
      state: new WitnessStateFile(file),
      now: () => 1_800_000_000_000,
    });
  });

  it('addCheckpoint_FirstThenAConsistentGrowth_CosignsBothAndKeepsTheLargestTree', async () => {
    const log = logOf(7);
    const first = log.checkpoint(logKey);
    const a = await add(first, 0);
    expect(a).toMatchObject({ outcome: 'cosigned', size: 7, firstSeen: true });
    for (let v = 8; v <= 13; v++) log.append({ text: text('pledge-a', v), stream: 'pledge-a', version: v });
    const next = log.checkpoint(logKey);
    const b = await add(next, 7, log.consistencyProof(7, 13));
    expect(b).toMatchObject({ outcome: 'cosigned', size: 13, firstSeen: false });
    expect(b.outcome === 'cosigned' && signer.verifier.verifyLine(body(next), b.cosignature)).toEqual({ time: 1_800_000_000 });
    expect(JSON.parse(await readFile(file, 'utf8'))).toMatchObject({ origin: ORIGIN, size: 13, root: next.body.root.toString('base64') });
  });

  it('addCheckpoint_AfterAnEmptyTree_CosignsTheGrowthWithoutAProof', async () => {
    expect(await add(logOf(0).checkpoint(logKey), 0)).toMatchObject({ outcome: 'cosigned', size: 0 });
    expect(await add(logOf(3).checkpoint(logKey), 0)).toMatchObject({ outcome: 'cosigned', size: 3, firstSeen: false });
  });

  it('addCheckpoint_OfASmallerTree_RefusesARollbackAndSaysWhy', async () => {
    const log = logOf(9);
    const nine = log.checkpoint(logKey);
    await add(nine, 0);
    const five = signCheckpoint({ origin: ORIGIN, size: 5, root: log.root(5) }, logKey);
    expect(await sut.addCheckpoint({ oldSize: 9, proof: [], checkpoint: five })).toEqual({
      outcome: 'refused',
      code: 'WITNESS.ROLLBACK',
      reason: expect.stringMatching(/seen a tree of 9 entries; the checkpoint has only 5/),
      witnessSize: 9,
    });
  });

  it('addCheckpoint_SameSizeOtherRoot_RefusesAFork', async () => {
    await add(logOf(6).checkpoint(logKey), 0);
    const other = logOf(6, 'b').checkpoint(logKey);
    expect(await add(other, 6)).toMatchObject({
      outcome: 'refused',
      code: 'WITNESS.FORK',
      reason: expect.stringMatching(/at size 6 this witness saw root/),
    });
  });

  it('addCheckpoint_LargerTreeThatDoesNotExtendTheSeenOne_RefusesAForkWhateverProofIsOffered', async () => {
    await add(logOf(6).checkpoint(logKey), 0);
    const forked = logOf(10, 'b'); // another history, validly signed by the log key
    const answer = await add(forked.checkpoint(logKey), 6, forked.consistencyProof(6, 10));
    expect(answer).toMatchObject({ outcome: 'refused', code: 'WITNESS.FORK', reason: expect.stringMatching(/not an extension of the 6/) });
    expect(JSON.parse(await readFile(file, 'utf8'))).toMatchObject({ size: 6 }); // nothing recorded
  });

  describe("the extension lines beside the tree (stream map, auditors' trail)", () => {
    /** A trail line of `size` entries; `seed` varies its root, so two trails of one size differ. */
    const trail = (size: number, seed = 1) =>
      formatTrailLine({ size, root: Buffer.alloc(32, seed), streams: { count: 1, root: Buffer.alloc(32, seed + 100) } });
    const keptCheckpoint = async () => (JSON.parse(await readFile(file, 'utf8')) as { size: number; checkpoint: string }).checkpoint;

    it('addCheckpoint_SameTreeWithAGrownTrail_CosignsAndKeepsTheNewOne', async () => {
      const log = logOf(6);
      await add(log.checkpoint(logKey, [trail(3)]), 0);
      const grown = log.checkpoint(logKey, [trail(5, 2)]);
      expect(await add(grown, 6)).toMatchObject({ outcome: 'cosigned', size: 6 });
      expect(await keptCheckpoint()).toBe(grown.text);
      expect(await add(grown, 6)).toMatchObject({ outcome: 'cosigned' }); // the same note again
    });

    it('addCheckpoint_SameTreeWithASmallerTrailOrNone_RefusesARollback_KeepingWhatItSaw', async () => {
      const log = logOf(6);
      const seen = log.checkpoint(logKey, [trail(5)]);
      await add(seen, 0);
      for (const extensions of [[trail(4)], []]) {
        expect(await add(log.checkpoint(logKey, extensions), 6)).toMatchObject({
          outcome: 'refused',
          code: 'WITNESS.ROLLBACK',
          reason: expect.stringMatching(/auditors' trail of 5/),
        });
      }
      // Also when the store's tree grew: the trail is not the tree's to cut.
      log.append({ text: text('pledge-a', 7), stream: 'pledge-a', version: 7 });
      expect(await add(log.checkpoint(logKey, [trail(4)]), 6, log.consistencyProof(6, 7))).toMatchObject({ code: 'WITNESS.ROLLBACK' });
      expect(await keptCheckpoint()).toBe(seen.text);
    });

    it('addCheckpoint_SameTrailSizeOtherTrailRoot_RefusesAFork', async () => {
      const log = logOf(6);
      await add(log.checkpoint(logKey, [trail(5)]), 0);
      expect(await add(log.checkpoint(logKey, [trail(5, 7)]), 6)).toMatchObject({
        code: 'WITNESS.FORK',
        reason: expect.stringMatching(/at trail size 5/),
      });
    });

    it('addCheckpoint_SameTreeOtherStreamMap_RefusesAFork', async () => {
      const log = logOf(6);
      const seen = log.checkpoint(logKey);
      await add(seen, 0);
      const otherMap = signCheckpoint({ ...seen.body, streams: { count: 2, root: Buffer.alloc(32, 3) } }, logKey);
      const noMap = signCheckpoint({ origin: ORIGIN, size: 6, root: seen.body.root }, logKey);
      for (const cp of [otherMap, noMap])
        expect(await sut.addCheckpoint({ oldSize: 6, proof: [], checkpoint: cp })).toMatchObject({
          code: 'WITNESS.FORK',
          reason: expect.stringMatching(/at size 6 this witness saw the stream map/),
        });
      expect(await keptCheckpoint()).toBe(seen.text);
    });

    it('addCheckpoint_AMalformedTrailLine_IsABadCheckpoint_FirstOrAfterATrail', async () => {
      const log = logOf(6);
      expect(await add(log.checkpoint(logKey, ['vanguard-trail/v1 six']), 0)).toMatchObject({ code: 'WITNESS.BAD_CHECKPOINT' });
      await add(log.checkpoint(logKey, [trail(5)]), 0);
      expect(await add(log.checkpoint(logKey, ['vanguard-trail/v1 six']), 6)).toMatchObject({ code: 'WITNESS.BAD_CHECKPOINT' });
    });
  });

  it('addCheckpoint_OfSizeZeroWithARootOtherThanTheEmptyTrees_RefusesABadCheckpoint', async () => {
    const bogus = signCheckpoint({ origin: ORIGIN, size: 0, root: leafHash('not the empty tree') }, logKey);
    expect(await sut.addCheckpoint({ oldSize: 0, proof: [], checkpoint: bogus })).toMatchObject({
      outcome: 'refused',
      code: 'WITNESS.BAD_CHECKPOINT',
      reason: expect.stringMatching(/an empty tree's root is 47DEQpj8HBSa\+\/TImW\+5JCeuQeRkm5NMpJWZG3hSuFU=/),
    });
    expect(await sut.head()).toBeUndefined();
  });

  it('witnessCheckpoint_WhenTheProofCannotBeFetched_FailsSayingSo_NotAFork', async () => {
    const log = logOf(4);
    await add(log.checkpoint(logKey), 0);
    for (let v = 5; v <= 8; v++) log.append({ text: text('pledge-a', v), stream: 'pledge-a', version: v });
    const api = {
      latestCheckpoint: () => Promise.resolve(''),
      consistency: () => Promise.reject(new Error('ECONNRESET')),
      submitCosigned: () => Promise.reject(new Error('not reached')),
    };
    await expect(witnessCheckpoint(sut, api, log.checkpoint(logKey).text)).rejects.toThrow(
      /consistency proof from 4 to 8 could not be fetched, so nothing was decided: ECONNRESET/,
    );
    expect(await sut.head()).toMatchObject({ size: 4 });
  });

  it('addCheckpoint_SignedByAnotherKeyOrStaleOldSize_Refuses', async () => {
    const log = logOf(4);
    const intruder = new NoteSigner(ORIGIN, Buffer.alloc(32, 9));
    expect(await add(log.checkpoint(intruder), 0)).toMatchObject({ code: 'WITNESS.BAD_CHECKPOINT' });
    await add(log.checkpoint(logKey), 0);
    log.append({ text: text('pledge-a', 5), stream: 'pledge-a', version: 5 });
    expect(await add(log.checkpoint(logKey), 2, log.consistencyProof(2, 5))).toMatchObject({
      code: 'WITNESS.OLD_SIZE_MISMATCH',
      witnessSize: 4,
    });
  });
});

describe('witnessFromEnv in production mode', () => {
  it('witnessFromEnv_WithDevelopmentKeys_RefusesToStartAndSaysWhich', () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'witness-')), 'state.json');
    expect(() => witnessFromEnv({ client: 'county-hekou', stateFile: file, env: { VANGUARD_ENV: 'production' } })).toThrow(
      /VANGUARD_WITNESS_KEY is not set[\s\S]*VANGUARD_LOG_VKEY must name the operator's log key/,
    );
    const env = {
      VANGUARD_ENV: 'production',
      VANGUARD_WITNESS_KEY: generateWitnessKey('witness.example/hekou').skey,
      VANGUARD_LOG_VKEY: generateLogKey(ORIGIN).vkey,
    };
    expect(witnessFromEnv({ client: 'county-hekou', stateFile: file, env }).name).toBe('witness.example/hekou');
  });
});
