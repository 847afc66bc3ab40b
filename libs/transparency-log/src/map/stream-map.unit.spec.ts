import { EMPTY_ROOT } from '../tree/hashing';
import { canonical } from '../canonical';
import { StreamMap, streamHeadText, verifyStreamProof, type StreamHead, type StreamProof } from './stream-map';

const head = (stream: string, version: number): StreamHead => ({ stream, version, head: version.toString(16).padStart(64, '0') });
const HEADS = [head('pledge-b', 3), head('pledge-d', 1), head('review-f', 12), head('pledge-a', 2)];

describe(StreamMap.name, () => {
  const sut = StreamMap.build(HEADS);
  const verify = (stream: string, proof: StreamProof) => verifyStreamProof(stream, proof, sut.count, sut.root);

  it('prove_AStreamInTheMap_ShowsItsHead', () => {
    for (const h of HEADS) expect(verify(h.stream, sut.prove(h.stream))).toEqual({ ok: true, head: h });
  });

  it.each(['pledge-0', 'pledge-c', 'pledge-e', 'zzz-1'])('prove_AStreamNotInTheMap(%s)_ShowsItHadNoEvents', (stream) => {
    const proof = sut.prove(stream);
    expect(proof.kind).toBe('absent');
    expect(verify(stream, proof)).toEqual({ ok: true, head: undefined });
  });

  it('prove_InAnEmptyMap_ShowsNoEventsOnlyForTheEmptyRoot', () => {
    const empty = StreamMap.build([]);
    expect(empty.root).toEqual(EMPTY_ROOT);
    expect(verifyStreamProof('pledge-a', empty.prove('pledge-a'), 0, empty.root)).toEqual({ ok: true, head: undefined });
    expect(verifyStreamProof('pledge-a', { kind: 'absent' }, sut.count, sut.root).ok).toBe(false);
  });

  it('verify_AHeadWithAnotherVersionOrHash_IsRefused', () => {
    const p = sut.prove('pledge-b');
    if (p.kind !== 'present') throw new Error('present expected');
    expect(verify('pledge-b', { kind: 'present', leaf: { ...p.leaf, entry: { ...p.leaf.entry, version: 2 } } }).ok).toBe(false);
    expect(verify('pledge-b', { kind: 'present', leaf: { ...p.leaf, entry: { ...p.leaf.entry, head: 'f'.repeat(64) } } }).ok).toBe(false);
    expect(verify('pledge-a', p)).toEqual({ ok: false, message: expect.stringContaining('not pledge-a') });
  });

  it('verify_AnAbsenceWhoseNeighboursAreNotAdjacentOrDoNotBracketTheStream_IsRefused', () => {
    const a = sut.prove('pledge-a');
    const d = sut.prove('pledge-d');
    if (a.kind !== 'present' || d.kind !== 'present') throw new Error('present expected');
    // pledge-c sits between pledge-b and pledge-d; pledge-a and pledge-d skip pledge-b.
    expect(verify('pledge-c', { kind: 'absent', left: a.leaf, right: d.leaf })).toEqual({
      ok: false,
      message: expect.stringContaining('not adjacent'),
    });
    expect(verify('pledge-b', sut.prove('pledge-c')).ok).toBe(false); // pledge-b exists: its neighbours do not bracket it
    expect(verify('pledge-0', { kind: 'absent', right: d.leaf }).ok).toBe(false); // not the first entry
    expect(verify('zzz-1', { kind: 'absent', left: d.leaf }).ok).toBe(false); // not the last entry
  });

  it('streamHeadText_IsTheCanonicalJsonOfTheEntry', () => {
    for (const h of [...HEADS, { stream: 'odd-"\\-名', version: 9007199254740991, head: 'a'.repeat(64) }])
      expect(streamHeadText(h)).toBe(canonical({ head: h.head, stream: h.stream, version: h.version }));
  });

  it('build_TheSameStreamTwice_Refuses', () => {
    expect(() => StreamMap.build([head('pledge-a', 1), head('pledge-a', 2)])).toThrow(/twice/);
  });
});
