import { TransparencyLog } from '@vanguard/transparency-log';
import { ProofFailure, type Checkpoint, type ProvedEvent } from './proof-check';
import { WholeStreamPages } from './proof-check-pages';

/**
 * ADR 0077: all of an auditor's entries, given a page at a time, are checked as one stream — the
 * map entry once, each entry's inclusion, the chain carried across pages to the entry's head.
 */
const trail = new TransparencyLog('vanguard.example/audit-trail');
const texts: string[] = [];
for (const sub of ['a', 'b', 'a', 'a', 'c', 'a', 'b', 'a', 'a', 'a']) {
  const stream = `auditor-${sub}`;
  const version = trail.streamLeaves(stream).length + 1;
  const text = JSON.stringify({ streamId: stream, streamVersion: version, data: { query: 'timeline', n: trail.size } });
  texts.push(text);
  trail.append({ text, stream, version });
}
/** The trail as a signed note commits to it (what `trailCheckpoint` makes of its line). */
const { size: SIZE, root, streams } = trail.commitment();
const map = trail.streamMap(SIZE)!;
const cp: Checkpoint = { origin: 'vanguard.example/evaluation trail', size: SIZE, root, streams, body: '' };

/** Versions `from`..`to` of `auditor-a` as the service gives a page. */
const page = (from: number, to: number, text = (i: number) => texts[i]!): ProvedEvent[] =>
  trail
    .streamLeaves('auditor-a', SIZE)
    .slice(from - 1, to)
    .map((index, i) => ({
      version: from + i,
      index,
      text: text(index),
      path: trail.inclusionProof(index, SIZE).map((h) => h.toString('base64')),
    }));
const reason = (f: () => unknown) => {
  try {
    return f();
  } catch (e) {
    return e instanceof ProofFailure ? e.en : e;
  }
};

describe(WholeStreamPages.name, () => {
  it('add_PagesOfThree_ProvesAllSevenEntries_TheChainCarriedAcrossPages', () => {
    const sut = new WholeStreamPages(cp, 'auditor-a', map.prove('auditor-a'));
    expect(sut.total).toBe(7);
    const starts: number[] = [];
    for (let from = sut.next; from !== null; from = sut.next) {
      starts.push(from);
      sut.add(page(from, from + 2));
    }
    expect(starts).toEqual([1, 4, 7]);
    expect(reason(() => sut.finish())).toBe(7);
  });

  it('add_WithAnEntryRewrittenInTheLastPage_NamesIt', () => {
    const sut = new WholeStreamPages(cp, 'auditor-a', map.prove('auditor-a'));
    sut.add(page(1, 3));
    sut.add(page(4, 6));
    const last = trail.streamLeaves('auditor-a', SIZE)[6]!;
    expect(reason(() => sut.add(page(7, 7, (i) => (i === last ? texts[i]!.replace('timeline', 'as-of') : texts[i]!))))).toBe(
      `version 7 of auditor-a is not in the checkpoint of size ${SIZE}: its text or path was changed`,
    );
  });

  it('add_APageRepeatedOrSkipped_IsRefused', () => {
    const sut = new WholeStreamPages(cp, 'auditor-a', map.prove('auditor-a'));
    sut.add(page(1, 3));
    expect(reason(() => sut.add(page(1, 3)))).toBe("the page's events are not versions 4, 5, … of auditor-a");
    expect(reason(() => sut.add(page(5, 7)))).toBe("the page's events are not versions 4, 5, … of auditor-a");
    expect(reason(() => sut.add([]))).toBe('the service gave no events from version 4 of auditor-a');
  });

  it('finish_BeforeTheLastPage_IsRefused', () => {
    const sut = new WholeStreamPages(cp, 'auditor-a', map.prove('auditor-a'));
    sut.add(page(1, 6));
    expect(reason(() => sut.finish())).toBe('the checkpoint records 7 events of auditor-a, 6 were given');
  });

  it('constructor_WithAnotherAuditorsEntry_IsRefused', () => {
    expect(reason(() => new WholeStreamPages(cp, 'auditor-a', map.prove('auditor-b')))).toBe(
      'the map entry is of auditor-b, not auditor-a',
    );
  });

  it('add_ForAnAuditorWithoutEntries_ProvesNone_AndRefusesAnyGiven', () => {
    const sut = new WholeStreamPages(cp, 'auditor-d', map.prove('auditor-d'));
    expect(sut.next).toBeNull();
    expect(reason(() => sut.add(page(1, 1)))).toBe('the map says the stream has no events, yet events were given');
    sut.add([]);
    expect(reason(() => sut.finish())).toBe(0);
  });
});
