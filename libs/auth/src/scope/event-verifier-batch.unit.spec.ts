import { generateKeyPairSync } from 'node:crypto';
import type { EventEnvelope } from '@vanguard/contracts';
import { seededRandom } from '@vanguard/testing';
import { EVENT_SIGNATURE, EventSigner, EventVerifier, developmentEventKeyId, type SignatureCheck } from './event-signature';
import { OrgEventVerifier } from './org-event-signature';

type Kind = 'good' | 'forged' | 'altered' | 'unknown-key' | 'other-context' | 'unsigned' | 'malformed';
const KINDS: readonly Kind[] = ['good', 'forged', 'altered', 'unknown-key', 'other-context', 'unsigned', 'malformed'];
const CONTEXTS = ['organization', 'evaluation', 'commendation'] as const;

const EXPECTED: Record<Kind, (context: string) => SignatureCheck> = {
  good: (context) => ({ ok: true, kid: developmentEventKeyId(context) }),
  forged: () => ({ ok: false, reason: 'bad-signature' }),
  altered: () => ({ ok: false, reason: 'bad-signature' }),
  'unknown-key': () => ({ ok: false, reason: 'unknown-key' }),
  'other-context': () => ({ ok: false, reason: 'other-context' }),
  unsigned: () => ({ ok: false, reason: 'unsigned' }),
  malformed: () => ({ ok: false, reason: 'unsigned' }),
};

// A stranger's key under the context's own kid: what someone who can write to a topic could sign with.
const stranger = generateKeyPairSync('ed25519').privateKey;

function record(r: () => number, n: number): { envelope: EventEnvelope; kind: Kind; context: string } {
  const kind = KINDS[Math.floor(r() * KINDS.length)]!;
  const context = CONTEXTS[Math.floor(r() * CONTEXTS.length)]!;
  const e: EventEnvelope = {
    eventId: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
    type: `${context}.SomethingHappened`,
    version: 1,
    streamId: `stream-${Math.floor(r() * 1e6)}`,
    streamVersion: n,
    occurredAt: '2026-06-28T00:00:00.000Z',
    recordedAt: '2026-06-28T00:00:00.000Z',
    actor: { sub: 's', roles: [] },
    orgId: '00000000-0000-4000-8000-000000001301',
    correlationId: 'c',
    causationId: null,
    data: { n, note: `红石村 ${r()}` },
  };
  const own = EventSigner.forContext(context, {});
  const signed = (() => {
    switch (kind) {
      case 'good':
        return own.sign(e);
      case 'forged':
        return new EventSigner(context, stranger, developmentEventKeyId(context)).sign(e);
      case 'altered':
        return { ...own.sign(e), data: { n, note: 'altered' } };
      case 'unknown-key':
        return new EventSigner(context, stranger, `${context}-stolen`).sign(e);
      case 'other-context':
        return EventSigner.forContext(
          CONTEXTS.find((c) => c !== context)!,
          {},
        ).sign(e);
      case 'unsigned':
        return e;
      case 'malformed':
        return { ...e, metadata: { [EVENT_SIGNATURE]: { alg: 'Ed25519', kid: developmentEventKeyId(context), value: 42 } } };
    }
  })();
  return { envelope: signed, kind, context };
}

describe(`${EventVerifier.name}.verifyAll`, () => {
  const sut = EventVerifier.forContexts([...CONTEXTS], {});

  it('verifyAll_OnRandomMixedBatches_RefusesExactlyWhatVerifyRefusesInTheEnvelopesOrder', async () => {
    for (let seed = 1; seed <= 60; seed++) {
      const r = seededRandom(seed);
      const batch = Array.from({ length: Math.floor(r() * 60) }, (_, n) => record(r, n));
      const concurrency = [1, 3, 32, undefined][seed % 4];
      const checks = await sut.verifyAll(
        batch.map((b) => b.envelope),
        concurrency,
      );
      expect({ seed, checks }).toEqual({ seed, checks: batch.map((b) => sut.verify(b.envelope)) });
      expect({ seed, checks }).toEqual({ seed, checks: batch.map((b) => EXPECTED[b.kind](b.context)) });
    }
  });

  it('verifyAll_OnAnOrganisationVerifier_RefusesOtherContextsEvents', async () => {
    const org = OrgEventVerifier.fromEnv({});
    const r = seededRandom(7);
    const batch = Array.from({ length: 40 }, (_, n) => record(r, n).envelope);
    expect(await org.verifyAll(batch)).toEqual(batch.map((e) => org.verify(e)));
  });

  it('verifyAll_WhenVerifyWouldThrow_Rejects', async () => {
    const e = { ...record(seededRandom(1), 0).envelope, type: 'evaluation.SomethingHappened' };
    // A BigInt has no JSON: the signing input cannot be written.
    const unwritable = { ...EventSigner.forContext('evaluation', {}).sign(e), data: { n: 1n } };
    expect(() => sut.verify(unwritable)).toThrow();
    await expect(sut.verifyAll([unwritable])).rejects.toThrow();
  });

  it('verifyAll_OnAnEmptyBatch_ReturnsNoChecks', async () => {
    expect(await sut.verifyAll([])).toEqual([]);
  });
});
