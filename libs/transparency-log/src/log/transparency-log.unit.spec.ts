import { eventText } from '../../test/events';
import { StreamMap, verifyStreamProof } from '../map/stream-map';
import { NoteSigner } from '../note/signed-note';
import { chainHash, GENESIS_HASH, TransparencyLog } from './transparency-log';

const signer = new NoteSigner('test.example/log', Buffer.alloc(32, 7));

/** A log fed `order`, with every event's chain hash recorded as the store's `hash` column would hold it. */
function fed(order: [string, number][], keptMaps?: number) {
  const sut = new TransparencyLog('test.example/log', keptMaps);
  const stored = new Map<string, string>();
  order.forEach(([stream, version], i) => {
    const hash = chainHash(stored.get(`${stream}@${version - 1}`) ?? GENESIS_HASH, eventText(stream, version, i));
    stored.set(`${stream}@${version}`, hash);
    sut.append({ text: eventText(stream, version, i), stream, version, hash });
  });
  return { sut, stored };
}

describe(TransparencyLog.name, () => {
  const first: [string, number][] = [
    ['pledge-a', 1],
    ['review-b', 1],
    ['pledge-a', 2],
    ['pledge-c', 1],
    ['pledge-a', 3],
  ];
  const later: [string, number][] = [
    ['review-b', 2],
    ['pledge-a', 4],
    ['pledge-d', 1],
  ];

  it('restoreStreamMap_AfterTheStreamsGrew_RebuildsTheMapTheCheckpointSigned', () => {
    const { sut: signing } = fed(first);
    const signed = signing.checkpoint(signer).body.streams!;
    const { sut, stored } = fed([...first, ...later]); // a new process, fed the same store further

    expect(() => sut.streamProof('pledge-a', 5)).toThrow(/no stream map is kept at size 5/);
    const heads = sut.streamHeadsAt(5);
    expect(heads.filter((h) => h.head === undefined).map((h) => h.stream)).toEqual(['pledge-a', 'review-b']);
    const map = sut.restoreStreamMap(
      5,
      heads.map((h) => ({ ...h, head: h.head ?? stored.get(`${h.stream}@${h.version}`)! })),
    );

    expect(map.root.equals(signed.root)).toBe(true);
    expect(map.count).toBe(3);
    const check = verifyStreamProof('pledge-a', sut.streamProof('pledge-a', 5), signed.count, signed.root);
    expect(check).toMatchObject({ ok: true, head: { version: 3 } });
    expect(verifyStreamProof('pledge-d', sut.streamProof('pledge-d', 5), signed.count, signed.root)).toMatchObject({
      ok: true,
      head: undefined,
    });
  });

  it('commitment_AtAnUnchangedSize_ReusesItsMap_AndAfterAnAppend_CommitsToTheGrownLog', () => {
    const { sut } = fed(first);
    const build = jest.spyOn(StreamMap, 'build');
    try {
      const once = sut.commitment();
      expect(sut.commitment()).toEqual(once);
      expect(sut.checkpoint(signer).body.streams).toEqual(once.streams);
      expect(build).toHaveBeenCalledTimes(1);
      sut.append({ text: eventText('pledge-e', 1, 99), stream: 'pledge-e', version: 1 });
      const grown = sut.commitment();
      expect(build).toHaveBeenCalledTimes(2);
      // What a log fed the same events from nothing commits to.
      const fresh = fed(first).sut;
      fresh.append({ text: eventText('pledge-e', 1, 99), stream: 'pledge-e', version: 1 });
      expect(grown).toEqual(fresh.commitment());
      expect(grown.streams).not.toEqual(once.streams);
    } finally {
      build.mockRestore();
    }
  });

  it('restoreStreamMap_AHeadAtAnotherVersion_Throws', () => {
    const { sut } = fed([...first, ...later]);
    expect(() => sut.restoreStreamMap(5, [{ stream: 'pledge-a', version: 4, head: 'a'.repeat(64) }])).toThrow(
      /had 3 events at size 5, not 4/,
    );
    expect(() => sut.streamHeadsAt(9)).toThrow(/size 9 is not in a tree of 8/);
  });

  it('checkpoint_ManyOfThem_KeepsOnlyTheLastMaps', () => {
    const { sut } = fed(first, 2);
    for (let size = 1; size <= 3; size++) {
      sut.append({ text: eventText('pledge-e', size, 10 + size), stream: 'pledge-e', version: size });
      sut.checkpoint(signer);
    }
    expect([6, 7, 8].map((size) => sut.streamMap(size) !== undefined)).toEqual([false, true, true]);
    expect(sut.streamLeaves('pledge-e', 7)).toEqual([5, 6]);
  });
});
