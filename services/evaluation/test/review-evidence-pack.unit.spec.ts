import type { EvidenceItem, EvidenceSource } from '../src/application/ports/evidence-source.port';
import { EvidencePack, EvidencePackTooLargeError, MAX_EVIDENCE_INPUTS } from '../src/application/reviews/evidence-pack';

const item = (source: string, streamId: string, version: number, on: string): EvidenceItem => ({
  source,
  kind: `${source}.x`,
  streamId,
  version,
  on,
  summary: streamId,
  facts: {},
});
const source = (name: string, items: EvidenceItem[]): EvidenceSource => ({ name, collect: () => Promise.resolve(items) });
const q = { memberId: 'm', orgId: 'o', year: 2011 };

describe('EvidencePack', () => {
  it('merges every source oldest first and records each stream once, at the latest version read', async () => {
    const pack = new EvidencePack([
      source('pledge', [item('pledge', 'pledge-b', 5, '2011-06-30'), item('pledge', 'pledge-a', 4, '2011-03-31')]),
      source('comment', [item('comment', 'comment-c', 2, '2011-05-01'), item('comment', 'comment-c', 3, '2011-05-20')]),
    ]);
    const result = await pack.gather(q);
    expect(result.sources).toEqual(['pledge', 'comment']);
    expect(result.items.map((i) => i.streamId)).toEqual(['pledge-a', 'comment-c', 'comment-c', 'pledge-b']);
    expect(result.inputs).toEqual([
      { streamId: 'pledge-a', version: 4 },
      { streamId: 'comment-c', version: 3 },
      { streamId: 'pledge-b', version: 5 },
    ]);
  });

  it(`gives a conclusion up to ${MAX_EVIDENCE_INPUTS} streams and refuses more rather than cut the record`, async () => {
    const many = (n: number) => Array.from({ length: n }, (_, i) => item('pledge', `pledge-${i}`, 1, '2011-01-01'));
    await expect(new EvidencePack([source('pledge', many(MAX_EVIDENCE_INPUTS))]).inputsFor(q)).resolves.toHaveLength(MAX_EVIDENCE_INPUTS);
    await expect(new EvidencePack([source('pledge', many(MAX_EVIDENCE_INPUTS + 1))]).inputsFor(q)).rejects.toBeInstanceOf(
      EvidencePackTooLargeError,
    );
  });
});
