import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { NoteSigner, TransparencyLog, developmentLogSigner, leafHash, signCheckpoint } from '@vanguard/transparency-log';
import {
  checkConsistency,
  checkEvents,
  checkWholeStream,
  openCheckpoint,
  pinKey,
  rootFromInclusion,
  type MapProof,
  type ProvedEvent,
} from './proof-check';

/**
 * The CLI's own verifier, built from the specs, against proofs the lib builds: what is genuine
 * verifies, and every kind of change to a proof, a text, a checkpoint or its signature is refused
 * with a reason. Also run over transparency-dev/merkle's probes, the same as the lib's.
 */
const ORIGIN = 'vanguard.example/evaluation';
const signer = developmentLogSigner(ORIGIN);
const key = pinKey(signer.verifier.vkey);
const text = (stream: string, version: number, n: number) => JSON.stringify({ streamId: stream, streamVersion: version, data: { n } });

function grow(log: TransparencyLog, streams: readonly string[], n: number) {
  for (let i = 0; i < n; i++) {
    const stream = streams[i % streams.length]!;
    const version = log.streamLeaves(stream).length + 1;
    log.append({ text: text(stream, version, log.size), stream, version });
  }
}
const texts = new Map<number, string>();
const log = new TransparencyLog(ORIGIN);
const append = log.append.bind(log);
log.append = (e) => {
  texts.set(log.size, e.text);
  return append(e);
};
grow(log, ['pledge-a', 'pledge-b', 'pledge-c'], 11);
const old = log.checkpoint(signer);
grow(log, ['pledge-a', 'pledge-b', 'pledge-d'], 14);
const now = log.checkpoint(signer);
const cp = openCheckpoint(now.text, key);

const eventsOf = (stream: string, size = log.size): ProvedEvent[] =>
  log.streamLeaves(stream, size).map((index, i) => ({
    version: i + 1,
    index,
    text: texts.get(index)!,
    path: log.inclusionProof(index, size).map((h) => h.toString('base64')),
  }));
const flipBit = (b64: string) => {
  const raw = Buffer.from(b64, 'base64');
  raw[7]! ^= 0x10;
  return raw.toString('base64');
};
const consistency = (from: number, to: number) => log.consistencyProof(from, to);

describe('the prove command’s independent verifier', () => {
  it('opens a checkpoint signed with the pinned key, and refuses another key, another log and a changed body', () => {
    expect(cp).toMatchObject({ origin: ORIGIN, size: 25, streams: { count: 4 } });
    expect(cp.root.equals(log.root())).toBe(true);
    const stranger = new NoteSigner(ORIGIN, Buffer.alloc(32, 7));
    expect(() => openCheckpoint(now.text, pinKey(stranger.verifier.vkey))).toThrow(/does not verify under the pinned key/);
    expect(() => openCheckpoint(now.text.replace('\n25\n', '\n26\n'), key)).toThrow(/does not verify/);
    const commendation = developmentLogSigner('vanguard.example/commendation');
    expect(() => openCheckpoint(now.text, pinKey(commendation.verifier.vkey))).toThrow(/no signature by vanguard.example\/commendation/);
    const forged = signCheckpoint(
      { origin: 'vanguard.example/other', size: 1, root: Buffer.alloc(32) },
      new NoteSigner(ORIGIN, Buffer.alloc(32, 1)),
    );
    expect(() => openCheckpoint(forged, pinKey(new NoteSigner(ORIGIN, Buffer.alloc(32, 1)).verifier.vkey))).toThrow(
      /is of vanguard.example\/other/,
    );
    expect(() => pinKey(signer.verifier.vkey.replace(/\+[0-9a-f]{8}\+/, '+00000000+'))).toThrow(/key id does not match/);
  });

  it('proves one event and a whole stream, and that a stream had no events', () => {
    expect(() => checkEvents(cp, 'pledge-a', eventsOf('pledge-a'))).not.toThrow();
    for (const s of ['pledge-a', 'pledge-c', 'pledge-d'])
      expect(() => checkWholeStream(cp, s, eventsOf(s), log.streamProof(s, 25) as MapProof)).not.toThrow();
    for (const s of ['pledge-0', 'pledge-bb', 'pledge-z'])
      expect(() => checkWholeStream(cp, s, [], log.streamProof(s, 25) as MapProof)).not.toThrow();
  });

  it('refuses a flipped bit, a removed or added path hash, a wrong index, a changed text or a text of another event', () => {
    const [e] = eventsOf('pledge-b');
    const bad: [ProvedEvent, RegExp][] = [
      [{ ...e!, path: [flipBit(e!.path[0]!), ...e!.path.slice(1)] }, /is not in the checkpoint/],
      [{ ...e!, path: e!.path.slice(1) }, /too short|not in the checkpoint/],
      [{ ...e!, path: [...e!.path, e!.path[0]!] }, /too long|not in the checkpoint/],
      [{ ...e!, index: e!.index + 1 }, /not in the checkpoint|too/],
      [{ ...e!, index: 25 }, /outside a tree of 25/],
      [{ ...e!, text: e!.text!.replace('"n":', '"n":1') }, /not in the checkpoint/],
      [{ ...e!, text: text('pledge-a', 1, 0) }, /states pledge-a v1, not pledge-b v1/],
      [{ ...e!, text: null }, /gone from the store/],
    ];
    for (const [event, reason] of bad) expect(() => checkEvents(cp, 'pledge-b', [event])).toThrow(reason);
  });

  it('refuses a stream shown without its last event, with a changed head, or claimed absent while it exists', () => {
    const all = eventsOf('pledge-a');
    const proof = log.streamProof('pledge-a', 25) as MapProof & { kind: 'present' };
    expect(() => checkWholeStream(cp, 'pledge-a', all.slice(0, -1), proof)).toThrow(/records 9 events of pledge-a, 8 were given/);
    const entry = { ...proof.leaf.entry, version: 8 };
    expect(() => checkWholeStream(cp, 'pledge-a', all.slice(0, -1), { kind: 'present', leaf: { ...proof.leaf, entry } })).toThrow(
      /map entry is not in the checkpoint's map/,
    );
    const reordered = [all[1]!, all[0]!, ...all.slice(2)].map((ev, i) => ({ ...ev, version: i + 1 }));
    expect(() => checkWholeStream(cp, 'pledge-a', reordered, proof)).toThrow(/hash chain does not end at the head/);
    const around = log.streamProof('pledge-bb', 25) as MapProof;
    expect(() => checkWholeStream(cp, 'pledge-b', [], around)).toThrow(/does not sort after|does not sort before/);
    const leafOf = (s: string) => (log.streamProof(s, 25) as MapProof & { kind: 'present' }).leaf;
    const wide: MapProof = { kind: 'absent', left: leafOf('pledge-a'), right: leafOf('pledge-c') };
    expect(() => checkWholeStream(cp, 'pledge-b', [], wide)).toThrow(/not adjacent/);
  });

  it('proves an older checkpoint a prefix of a newer one, and refuses a flipped bit, a rollback and a fork', () => {
    const older = openCheckpoint(old.text, key);
    const path = consistency(11, 25);
    expect(() => checkConsistency(11, older.root, 25, cp.root, path)).not.toThrow();
    const flipped = path.map((h, i) => (i === 1 ? Buffer.from(flipBit(h.toString('base64')), 'base64') : h));
    expect(() => checkConsistency(11, older.root, 25, cp.root, flipped)).toThrow(/does not rebuild the (old|new) root/);
    expect(() => checkConsistency(11, older.root, 25, cp.root, path.slice(0, -1))).toThrow(/too short|does not rebuild/);
    expect(() => checkConsistency(25, cp.root, 11, older.root, path)).toThrow(/a rollback/);
    expect(() => checkConsistency(25, cp.root, 25, older.root, [])).toThrow(/a fork/);
    const rewritten = new TransparencyLog(ORIGIN);
    grow(rewritten, ['pledge-a', 'pledge-b', 'pledge-x'], 11);
    expect(() => checkConsistency(11, rewritten.root(), 25, cp.root, path)).toThrow(/history was rewritten/);
  });

  it('agrees with the lib for every index and size pair up to 25 leaves', () => {
    for (let size = 1; size <= 25; size++)
      for (let index = 0; index < size; index++)
        expect(rootFromInclusion(index, size, leafHash(texts.get(index)!), log.inclusionProof(index, size)).equals(log.root(size))).toBe(
          true,
        );
    for (let from = 1; from <= 25; from++)
      for (let to = from; to <= 25; to++)
        expect(() => checkConsistency(from, log.root(from), to, log.root(to), consistency(from, to))).not.toThrow();
  });
});

describe('the prove command’s verifier on transparency-dev/merkle probes', () => {
  const dir = join(__dirname, '..', '..', '..', '..', 'libs', 'transparency-log', 'test', 'vectors');
  const probes = <T>(kind: string) =>
    Object.entries(
      (JSON.parse(readFileSync(join(dir, `transparency-dev-${kind}-probes.json`), 'utf8')) as { probes: Record<string, T> }).probes,
    );
  const b64 = (s: string | null | undefined): Buffer => Buffer.from(s ?? '', 'base64');
  const ok = (f: () => boolean | void) => {
    try {
      return f() !== false;
    } catch {
      return false;
    }
  };
  type Probe = { desc: string; wantErr: boolean; proof: string[] | null };

  it.each(probes<Probe & { leafIdx: number; treeSize: number; root: string; leafHash: string }>('inclusion'))('inclusion %s', (_f, p) => {
    const verdict = ok(() => {
      const path = (p.proof ?? []).map(b64);
      if (path.some((h) => h.length !== 32) || b64(p.leafHash).length !== 32) return false;
      return rootFromInclusion(p.leafIdx, p.treeSize, b64(p.leafHash), path).equals(b64(p.root));
    });
    expect({ desc: p.desc, ok: verdict }).toEqual({ desc: p.desc, ok: !p.wantErr });
  });

  it.each(probes<Probe & { size1: number; size2: number; root1: string; root2: string }>('consistency'))('consistency %s', (_f, p) => {
    const verdict = ok(() => {
      const path = (p.proof ?? []).map(b64);
      if (path.some((h) => h.length !== 32)) return false;
      checkConsistency(p.size1, b64(p.root1), p.size2, b64(p.root2), path);
    });
    expect({ desc: p.desc, ok: verdict }).toEqual({ desc: p.desc, ok: !p.wantErr });
  });
});
