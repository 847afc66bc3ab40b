import { Kafka } from 'kafkajs';
import { waitUntil } from '@vanguard/testing';
import { Relay } from './relay';
import type { RelayBatch, RelaySource } from './relay-source.port';

/** A source whose events stay held back behind someone else's open transaction, as long as it likes. */
class HeldBackSource implements RelaySource<number> {
  readonly name = 'held-back-source';
  readonly isLeader = true;
  reads = 0;
  holding = true;
  read(): Promise<RelayBatch<number>> {
    this.reads += 1;
    return Promise.resolve({ records: [], checkpoint: 0, ...(this.holding ? { heldBack: true } : {}) });
  }
  commit(): Promise<void> {
    return Promise.resolve();
  }
}

describe(`${Relay.name} held back`, () => {
  it('WhenEventsStayHeldBackForLong_KeepsLookingAboutOnceASecond_NotAtItsIdlePause', async () => {
    const source = new HeldBackSource();
    // Never dialled: a round with nothing to publish does not touch Kafka.
    const kafka = new Kafka({ brokers: ['127.0.0.1:9'], retry: { retries: 0 } });
    const sut = new Relay({ source, kafka, idleDelayMs: 180_000 });
    sut.start();
    try {
      // 5 ms doubling to a second reaches the 16th look after about 9 s; doubling on towards the
      // idle pause (as the relay once did) would need about 160 s.
      await waitUntil('sixteen looks at the held-back events', () => source.reads >= 16, { timeoutMs: 60_000 });
    } finally {
      await sut.stop();
    }
  }, 90_000);

  it('WhenARoundFindsEventsHeldBack_SaysSoInItsStats_UntilARoundFindsNone', async () => {
    const source = new HeldBackSource();
    const sut = new Relay({ source, kafka: new Kafka({ brokers: ['127.0.0.1:9'], retry: { retries: 0 } }) });
    expect(await sut.relayOnce()).toBe(0);
    expect(sut.stats.heldBack).toBe(true);
    source.holding = false;
    expect(await sut.relayOnce()).toBe(0);
    expect(sut.stats.heldBack).toBe(false);
  });
});
