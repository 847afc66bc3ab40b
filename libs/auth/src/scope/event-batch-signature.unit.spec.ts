import { createHash, createPublicKey, generateKeyPairSync, verify } from 'node:crypto';
import type { EventEnvelope } from '@vanguard/contracts';
import { seededRandom } from '@vanguard/testing';
import { BATCH_SIGNATURE_ALG, MAX_SIGNED_BATCH, type BatchSignature } from './event-batch-signature';
import {
  EVENT_SIGNATURE,
  EventSigner,
  EventVerifier,
  developmentEventKey,
  developmentEventKeyId,
  eventSigningInput,
} from './event-signature';

const CONTEXTS = ['organization', 'evaluation', 'commendation'] as const;
const verifier = () => EventVerifier.forContexts(CONTEXTS, {});

function event(context: string, n: number, note = `红石村 ${n}`): EventEnvelope {
  return {
    eventId: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
    type: `${context}.SomethingHappened`,
    version: 1,
    streamId: `stream-${n % 17}`,
    streamVersion: n,
    occurredAt: '2026-06-28T00:00:00.000Z',
    recordedAt: '2026-06-28T00:00:00.000Z',
    actor: { sub: 's', roles: [] },
    orgId: '00000000-0000-4000-8000-000000001301',
    correlationId: 'c',
    causationId: null,
    data: { n, note },
  };
}

const signatureOf = (e: EventEnvelope) => e.metadata![EVENT_SIGNATURE] as BatchSignature;
const withSignature = (e: EventEnvelope, s: unknown): EventEnvelope => ({ ...e, metadata: { ...e.metadata, [EVENT_SIGNATURE]: s } });
const evaluation = EventSigner.forContext('evaluation', {});

// ADR 0085: one signature over a batch's Merkle root, and still every event checked on its own.
describe('batch-signed events', () => {
  it('signs batches of up to 256 under one root each, and every event verifies alone, in a batch and off the thread', async () => {
    const events = Array.from({ length: 2 * MAX_SIGNED_BATCH + 3 }, (_, n) => event('evaluation', n));
    const signed = evaluation.signBatch(events);
    expect(signed.map((e) => e.eventId)).toEqual(events.map((e) => e.eventId));
    const roots = new Set(signed.map((e) => signatureOf(e).root));
    expect(roots.size).toBe(3);
    expect(signed.every((e) => signatureOf(e).alg === BATCH_SIGNATURE_ALG && signatureOf(e).path.length <= 8)).toBe(true);
    for (const e of [signed[0]!, signed[300]!, signed.at(-1)!]) expect(verifier().verify(e)).toEqual({ ok: true, kid: 'evaluation-dev-1' });
    expect((await verifier().verifyAll(signed)).every((c) => c.ok)).toBe(true);
    const shared = verifier();
    expect(signed.every((e) => shared.verify(e).ok)).toBe(true);
  });

  it('is what docs/county-integration.md tells a county to check, recomputed here without the library', () => {
    const events = Array.from({ length: 7 }, (_, n) => event('evaluation', n));
    const signed = evaluation.signBatch(events);
    // RFC 9162 MTH, written out: split at the largest power of two below n.
    const h = (...parts: Buffer[]) => createHash('sha256').update(Buffer.concat(parts)).digest();
    const mth = (leaves: Buffer[]): Buffer => {
      if (leaves.length === 1) return h(Buffer.from([0]), leaves[0]!);
      let k = 1;
      while (k * 2 < leaves.length) k *= 2;
      return h(Buffer.from([1]), mth(leaves.slice(0, k)), mth(leaves.slice(k)));
    };
    const root = mth(events.map((e) => eventSigningInput(e)));
    const publicKey = createPublicKey(developmentEventKey('evaluation'));
    for (const e of signed) {
      const s = signatureOf(e);
      expect(s.root).toBe(root.toString('base64url'));
      const text = `vanguard-event-batch/v1\nevaluation\nevaluation-dev-1\n7\n${s.root}\n`;
      expect(verify(null, Buffer.from(text, 'utf8'), publicKey, Buffer.from(s.value, 'base64url'))).toBe(true);
    }
  });

  it('signs a batch of one as a single event, in the format every consumer already knows', () => {
    const [one] = evaluation.signBatch([event('evaluation', 1)]);
    expect(signatureOf(one!).alg).toBe('Ed25519');
    expect(verifier().verify(one!).ok).toBe(true);
  });

  it('refuses exactly the events tampered with, whatever is changed and wherever it sits in the batch', async () => {
    const random = seededRandom(85);
    for (let round = 0; round < 40; round++) {
      const size = 2 + Math.floor(random() * 60);
      const signed = evaluation.signBatch(Array.from({ length: size }, (_, n) => event('evaluation', round * 100 + n)));
      const bad = new Set<number>();
      const batch = signed.map((e, i) => {
        if (random() > 0.25) return e;
        bad.add(i);
        const s = signatureOf(e);
        const other = signatureOf(signed[(i + 1) % size]!);
        const tamperings: (() => EventEnvelope)[] = [
          () => ({ ...e, data: { ...(e.data as object), note: '篡改' } }),
          () => withSignature(e, other), // another event's path and index
          () => withSignature(e, { ...s, index: (s.index + 1) % size }),
          () => withSignature(e, { ...s, size: s.size + 1 }),
          () => withSignature(e, { ...s, value: other.value.replace(/^./, (c) => (c === 'A' ? 'B' : 'A')) }),
          () => withSignature(e, { ...s, root: other.root.replace(/^./, (c) => (c === 'A' ? 'B' : 'A')) }),
          () => withSignature(e, { ...s, path: s.path.length ? [...s.path.slice(1), s.path[0]!.replace(/^./, 'Z')] : ['x'] }),
          () => ({ ...e, type: 'commendation.SomethingHappened' }),
        ];
        return tamperings[Math.floor(random() * tamperings.length)]!();
      });
      const sync = verifier();
      const syncOk = batch.map((e) => sync.verify(e).ok);
      const pooled = (await verifier().verifyAll(batch)).map((c) => c.ok);
      const expected = batch.map((_, i) => !bad.has(i));
      expect(syncOk).toEqual(expected);
      expect(pooled).toEqual(expected);
    }
  });

  it("refuses a root signed with a stranger's key under the context's kid, and a context's key vouching for another's events", () => {
    const stranger = new EventSigner('evaluation', generateKeyPairSync('ed25519').privateKey, developmentEventKeyId('evaluation'));
    const forged = stranger.signBatch([event('evaluation', 1), event('evaluation', 2)]);
    expect(forged.map((e) => verifier().verify(e))).toEqual([
      { ok: false, reason: 'bad-signature' },
      { ok: false, reason: 'bad-signature' },
    ]);
    const commendation = EventSigner.forContext('commendation', {});
    const misused = commendation.signBatch([event('evaluation', 1), event('evaluation', 2)]);
    expect(verifier().verify(misused[0]!)).toEqual({ ok: false, reason: 'other-context' });
  });

  it('does not let a refused root signature stand in for the genuine one, nor the reverse', async () => {
    const signed = evaluation.signBatch([event('evaluation', 1), event('evaluation', 2), event('evaluation', 3)]);
    const s = signatureOf(signed[0]!);
    const badValue = withSignature(signed[0]!, { ...s, value: signatureOf(stranger3()[0]!).value });
    const sut = verifier();
    expect(sut.verify(badValue)).toEqual({ ok: false, reason: 'bad-signature' });
    expect((await sut.verifyAll(signed)).every((c) => c.ok)).toBe(true);
    expect(sut.verify(badValue)).toEqual({ ok: false, reason: 'bad-signature' });
  });

  it('counts a malformed batch signature as unsigned', () => {
    const [e] = evaluation.signBatch([event('evaluation', 1), event('evaluation', 2)]);
    const s = signatureOf(e!);
    for (const broken of [
      { ...s, size: 0 },
      { ...s, index: -1 },
      { ...s, size: 10_000 },
      { ...s, path: 'x' },
      { ...s, root: 'short' },
      { ...s, kid: 7 },
      { ...s, kid: 'evaluation-dev-1\n' },
      { ...s, value: `${s.value}AA` },
      // A forger's huge "signature" is refused unread, not kept by the root cache.
      { ...s, value: 'A'.repeat(900_000) },
    ])
      expect(verifier().verify(withSignature(e!, broken))).toEqual({ ok: false, reason: 'unsigned' });
  });
});

function stranger3(): EventEnvelope[] {
  const key = generateKeyPairSync('ed25519').privateKey;
  return new EventSigner('evaluation', key, 'evaluation-dev-1').signBatch([
    event('evaluation', 1),
    event('evaluation', 2),
    event('evaluation', 3),
  ]);
}
