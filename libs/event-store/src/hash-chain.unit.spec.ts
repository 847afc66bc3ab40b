import { createHash } from 'node:crypto';
import { canonicalJson } from './canonical-json';
import { canonicalParts, canonicalPartsFor, chainHash, GENESIS_HASH, hashedDocument, type HashedEnvelope } from './hash-chain';

const event: HashedEnvelope = {
  eventId: '7d444840-9dc0-41d1-b245-5ffdce74fad2',
  type: 'evaluation.PledgeFiled',
  version: 1,
  streamId: 'pledge-42',
  streamVersion: 7,
  occurredAt: '2024-05-01T08:00:00.000Z',
  recordedAt: '2024-05-01T08:00:01.000Z',
  actor: { sub: 'u-1', roles: ['branch_secretary'], orgId: 'org-1' },
  orgId: 'org-1',
  correlationId: 'corr-1',
  causationId: null,
  data: { text: '带头学习', score: 4.5 },
};

describe(chainHash.name, () => {
  it('is sha256 over the previous hash followed by the RFC 8785 text of the envelope', () => {
    const expected = createHash('sha256')
      .update(GENESIS_HASH + canonicalJson(hashedDocument(event)), 'utf8')
      .digest('hex');
    expect(chainHash(GENESIS_HASH, event)).toBe(expected);
  });

  it.each<[string, Partial<HashedEnvelope>]>([
    ['data', { data: { text: '带头学习', score: 5 } }],
    ['streamVersion', { streamVersion: 8 }],
    ['actor', { actor: { sub: 'u-2', roles: [] } }],
    ['recordedAt', { recordedAt: '2024-05-01T08:00:02.000Z' }],
    ['metadata', { metadata: { ip: '10.0.0.1' } }],
  ])('changes when %s changes', (_field, change) => {
    expect(chainHash(GENESIS_HASH, { ...event, ...change })).not.toBe(chainHash(GENESIS_HASH, event));
  });

  it('changes when the previous hash changes, so links cannot be reordered', () => {
    expect(chainHash('f'.repeat(64), event)).not.toBe(chainHash(GENESIS_HASH, event));
  });
});

describe(canonicalParts.name, () => {
  it.each([
    ['without metadata', event],
    ['with metadata', { ...event, metadata: { source: 'county-42', z: [1, 2] } }],
  ])('joins with the stream version into exactly the canonical text (%s)', (_name, e) => {
    const { head, tail } = canonicalParts(e);
    expect(head + String(e.streamVersion) + tail).toBe(canonicalJson(hashedDocument(e)));
  });
});

describe(canonicalPartsFor.name, () => {
  it('gives every event of an append exactly its canonical text, whatever its own fields', () => {
    const partsOf = canonicalPartsFor(event);
    const own: Partial<HashedEnvelope>[] = [
      {},
      { type: 'evaluation.PledgeWithdrawn', version: 3 },
      { occurredAt: '2024-04-30T23:59:59.999Z' },
      { metadata: { source: 'county-42', z: [1, 2] } },
      { eventId: '0f8fad5b-d9cb-469f-a165-70867728950e', data: { note: '第二条 "quoted"\n' } },
      { type: 'evaluation.PledgeWithdrawn', version: 3, data: {} },
      {},
    ];
    for (const change of own) {
      const e = { ...event, ...change };
      const { head, tail } = partsOf(e);
      expect(head + String(e.streamVersion) + tail).toBe(canonicalJson(hashedDocument(e)));
    }
  });
});
