import { GENESIS_HASH } from '@vanguard/event-store';
import { brokenLink, checkLinks, type StreamLink } from './stream-links';

/** A whole chain of `n` versions: each one's prevHash the hash before it. */
const chain = (n: number): StreamLink[] =>
  Array.from({ length: n }, (_, i) => ({
    streamVersion: i + 1,
    prevHash: i === 0 ? GENESIS_HASH : `h${i}`,
    hash: `h${i + 1}`,
  }));

describe(brokenLink.name, () => {
  it('brokenLink_WhenVersionsRunOneToNAndEachLinksToTheOneBefore_FindsNothing', () => {
    expect(brokenLink(chain(5))).toBeNull();
    expect(brokenLink([])).toBeNull();
  });

  it('brokenLink_WhenAVersionIsMissing_NamesIt', () => {
    const links = chain(4).filter((l) => l.streamVersion !== 2);
    expect(brokenLink(links)).toEqual({ version: 2, reason: expect.stringContaining('version 2 is missing: version 3 follows version 1') });
  });

  it('brokenLink_WhenTheFirstVersionIsMissing_NamesVersionOne', () => {
    expect(brokenLink(chain(3).slice(1))).toMatchObject({ version: 1, reason: expect.stringContaining('follows the start') });
  });

  it('brokenLink_WhenAPrevHashIsNotTheHashBefore_NamesTheVersion', () => {
    const links = chain(4).map((l) => (l.streamVersion === 3 ? { ...l, prevHash: 'rewritten' } : l));
    expect(brokenLink(links)).toMatchObject({ version: 3, reason: expect.stringContaining('does not link to version 2') });
  });

  it('brokenLink_WhenVersionOneDoesNotStartFromGenesis_NamesIt', () => {
    const links = chain(2).map((l) => (l.streamVersion === 1 ? { ...l, prevHash: 'h0' } : l));
    expect(brokenLink(links)).toMatchObject({ version: 1 });
  });
});

describe(checkLinks.name, () => {
  it('checkLinks_WhenBroken_Refuses422NamingTheStreamAndTheLink', () => {
    expect(() => checkLinks('pledge-x', chain(3).slice(0, 1).concat(chain(3).slice(2)))).toThrow(
      expect.objectContaining({
        status: 422,
        response: expect.objectContaining({
          code: 'AUDIT.STREAM_BROKEN',
          message: expect.stringMatching(/pledge-x.*version 2 is missing/),
        }),
      }),
    );
  });
});
