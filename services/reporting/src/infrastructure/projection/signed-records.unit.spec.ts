import { generateKeyPairSync } from 'node:crypto';
import { z } from 'zod';
import { EventSigner, EventVerifier, developmentEventKeyId } from '@vanguard/auth';
import { ContractRegistry, defineContract, type EventEnvelope } from '@vanguard/contracts';
import type { EnvelopeVerifier } from '@vanguard/messaging';
import { seededRandom } from '@vanguard/testing';
import { signedRecords } from './signed-records';

const contracts = new ContractRegistry([
  defineContract({
    context: 'evaluation',
    name: 'ThingCounted',
    version: 1,
    stream: 'thing',
    topic: 'unit.evaluation.things',
    description: 'a test event',
    schema: z.object({ n: z.number().int() }),
  }),
]);
const verifier = EventVerifier.forContexts(['evaluation'], {});
/** The same verifier seen without its batch method: the one-by-one path. */
const oneByOne: EnvelopeVerifier = { verify: (e) => verifier.verify(e) };
const own = EventSigner.forContext('evaluation', {});
const stranger = new EventSigner('evaluation', generateKeyPairSync('ed25519').privateKey, developmentEventKeyId('evaluation'));

type Kind = 'tombstone' | 'malformed' | 'invalid' | 'unsigned' | 'forged' | 'good';
const KINDS: readonly Kind[] = ['tombstone', 'malformed', 'invalid', 'unsigned', 'forged', 'good'];

function record(kind: Kind, n: number): { value: Buffer | null } {
  if (kind === 'tombstone') return { value: null };
  if (kind === 'malformed') return { value: Buffer.from('{ not json') };
  const e: EventEnvelope = {
    eventId: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
    type: 'evaluation.ThingCounted',
    version: 1,
    streamId: `thing-${n}`,
    streamVersion: 1,
    occurredAt: '2026-06-28T00:00:00.000Z',
    recordedAt: '2026-06-28T00:00:00.000Z',
    actor: { sub: 'test', roles: [], kind: 'service' },
    orgId: '00000000-0000-4000-8000-000000001301',
    correlationId: '00000000-0000-4000-8000-000000000001',
    causationId: null,
    data: { n: kind === 'invalid' ? 'not a number' : n },
  };
  const sent = kind === 'good' || kind === 'invalid' ? own.sign(e) : kind === 'forged' ? stranger.sign(e) : e;
  return { value: Buffer.from(JSON.stringify(sent)) };
}

describe(signedRecords.name, () => {
  it('signedRecords_OnRandomMixedBatches_KeepsExactlyTheSignedValidOnesInTheirPlaces', async () => {
    for (let seed = 1; seed <= 40; seed++) {
      const r = seededRandom(seed);
      const kinds = Array.from({ length: Math.floor(r() * 40) }, () => KINDS[Math.floor(r() * KINDS.length)]!);
      const records = kinds.map((k, n) => record(k, n));
      const kept = (await signedRecords(records, contracts, verifier)).map((e) => e?.eventId);
      expect({ seed, kept }).toEqual({ seed, kept: (await signedRecords(records, contracts, oneByOne)).map((e) => e?.eventId) });
      expect({ seed, kept }).toEqual({
        seed,
        kept: kinds.map((k, n) => (k === 'good' ? `00000000-0000-4000-8000-${String(n).padStart(12, '0')}` : undefined)),
      });
    }
  });
});
