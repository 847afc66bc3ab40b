import { z } from 'zod';
import { ContractRegistry, defineContract, type EventEnvelope } from '@vanguard/contracts';
import { signingRelaySource, type EnvelopeSigner } from './event-signing';
import type { RelaySource } from './relay-source.port';

const contract = defineContract({
  context: 'msgtest',
  name: 'ThingHappened',
  version: 1,
  stream: 'thing',
  topic: 't',
  description: 'a test event',
  schema: z.object({ n: z.number().int() }),
});
const event: EventEnvelope = {
  eventId: '00000000-0000-4000-8000-000000000001',
  type: 'msgtest.ThingHappened',
  version: 1,
  streamId: 'thing-a',
  streamVersion: 1,
  occurredAt: '2026-01-01T00:00:00.000Z',
  recordedAt: '2026-01-01T00:00:00.000Z',
  actor: { sub: 'test', roles: [], kind: 'service' },
  orgId: '00000000-0000-4000-8000-000000001301',
  correlationId: 'c',
  causationId: null,
  data: { n: 1, notInTheContract: 'x' },
};

const signer: EnvelopeSigner = { sign: (e) => ({ ...e, metadata: { ...e.metadata, signature: `signed:${JSON.stringify(e.data)}` } }) };

describe(signingRelaySource.name, () => {
  const source: RelaySource<number> & { marker: string } = {
    name: 'test-source',
    marker: 'kept',
    read: () => Promise.resolve({ records: [{ envelope: event, topic: 't' }], checkpoint: 7 }),
    commit: () => Promise.resolve(),
  };

  it('read_SignsEachRecordsContractView_AndLeavesTheRestOfTheSourceAlone', async () => {
    const sut = signingRelaySource(source, signer, new ContractRegistry([contract]));
    const batch = await sut.read(undefined, 10);
    expect(batch.checkpoint).toBe(7);
    expect(batch.records).toEqual([{ topic: 't', envelope: { ...event, data: { n: 1 }, metadata: { signature: 'signed:{"n":1}' } } }]);
    expect(sut.name).toBe('test-source');
    expect((sut as typeof source).marker).toBe('kept');
  });

  it('read_WithoutContracts_SignsTheEnvelopeAsRead', async () => {
    const batch = await signingRelaySource(source, signer).read(undefined, 10);
    expect(batch.records[0]!.envelope.metadata).toEqual({ signature: 'signed:{"n":1,"notInTheContract":"x"}' });
  });

  it('read_LeavesAnotherContextsEventUnsigned_WhenTheSignerNamesItsContext', async () => {
    const reply: EventEnvelope = { ...event, type: 'county.MessageOutcome', data: { messageId: 'm' } };
    const foreign: RelaySource<number> = {
      ...source,
      read: () =>
        Promise.resolve({
          records: [
            { envelope: reply, topic: 't' },
            { envelope: event, topic: 't' },
          ],
          checkpoint: 7,
        }),
    };
    const batch = await signingRelaySource(foreign, { ...signer, context: 'msgtest' }, new ContractRegistry([contract])).read(
      undefined,
      10,
    );
    expect(batch.records[0]!.envelope).toEqual(reply);
    expect(batch.records[1]!.envelope.metadata).toEqual({ signature: 'signed:{"n":1}' });
  });

  it('read_SignsTheBatchsOwnRecordsTogether_InTheirOrder_WhenTheSignerSignsBatches', async () => {
    const reply: EventEnvelope = { ...event, type: 'county.MessageOutcome', data: { messageId: 'm' } };
    const ours = (n: number): EventEnvelope => ({ ...event, eventId: `00000000-0000-4000-8000-00000000000${n}`, data: { n } });
    const calls: number[][] = [];
    const batchSigner: EnvelopeSigner = {
      context: 'msgtest',
      sign: () => {
        throw new Error('one by one');
      },
      signBatch: (es) => {
        calls.push(es.map((e) => (e.data as { n: number }).n));
        return es.map((e, i) => ({ ...e, metadata: { signature: `batch ${calls.length}#${i}` } }));
      },
    };
    const mixed: RelaySource<number> = {
      ...source,
      read: () =>
        Promise.resolve({
          records: [ours(1), reply, ours(2), ours(3)].map((envelope) => ({ envelope, topic: 't' })),
          checkpoint: 7,
        }),
    };
    const batch = await signingRelaySource(mixed, batchSigner, new ContractRegistry([contract])).read(undefined, 10);
    expect(calls).toEqual([[1, 2, 3]]);
    expect(batch.records.map((r) => r.envelope.metadata?.['signature'] ?? r.envelope.type)).toEqual([
      'batch 1#0',
      'county.MessageOutcome',
      'batch 1#1',
      'batch 1#2',
    ]);
  });
});
