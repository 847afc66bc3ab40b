import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, type KafkaMessage } from 'kafkajs';
import { EventVerifier } from '@vanguard/auth';
import { ContractRegistry, ENVELOPE_HEADERS, evaluationContracts, type EventEnvelope } from '@vanguard/contracts';
import type { PostgresEventStore } from '@vanguard/event-store';
import { infraConfig } from '@vanguard/infra-config';
import { headerValue } from '@vanguard/messaging';
import { testTopicPrefix, waitUntil, type TestSchema } from '@vanguard/testing';
import { EvaluationRelayRunner } from '../src/infrastructure/relay/evaluation-relay.runner';
import { pledgeHistory, seeded } from './support/pledge-histories';
import { evaluationStoreSchema, storeContext } from './support/store-schema';

const kafka = new Kafka({
  clientId: `eval-relay-test-${randomUUID().slice(0, 8)}`,
  brokers: [...infraConfig().kafkaBrokers],
  logLevel: logLevel.NOTHING,
});
const at = { orgId: randomUUID(), campaignId: randomUUID(), cycleId: randomUUID() };

/** The evaluation contracts as published, only redirected to a topic of this suite's own. */
const contractsOn = (topic: string) => new ContractRegistry(evaluationContracts.map((c) => ({ ...c, topic })));

async function collect(topic: string): Promise<{ messages: KafkaMessage[]; stop(): Promise<void> }> {
  const messages: KafkaMessage[] = [];
  const consumer = kafka.consumer({ groupId: `collector-${randomUUID()}` });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({ eachMessage: ({ message }) => Promise.resolve(void messages.push(message)) });
  return { messages, stop: () => consumer.disconnect() };
}

/** Appends whole pledge histories from `writers` concurrent writers, each event in its own append (so streams interleave). */
async function appendHistories(store: PostgresEventStore, pledges: number, writers: number, seed: number): Promise<Map<string, string[]>> {
  const random = seeded(seed);
  const histories = Array.from({ length: pledges }, () => pledgeHistory(random, at));
  const appended = new Map<string, string[]>();
  await Promise.all(
    Array.from({ length: writers }, async (_, w) => {
      for (let p = w; p < histories.length; p += writers) {
        const events = histories[p]!;
        const streamId = `pledge-${events[0]!.data.pledgeId}`;
        for (const [i, e] of events.entries()) {
          const eventId = randomUUID();
          await store.append(streamId, [{ ...e, eventId }], { expectedVersion: i === 0 ? 'no_stream' : i, context: storeContext });
          appended.set(streamId, [...(appended.get(streamId) ?? []), eventId]);
        }
      }
    }),
  );
  return appended;
}

describe(EvaluationRelayRunner.name, () => {
  let db: TestSchema;
  let store: PostgresEventStore;

  beforeAll(async () => {
    ({ db, store } = await evaluationStoreSchema('eval_relay'));
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('WhenEventsAreAppended_PutsEachOnTheTopicInStreamOrder_AsTheContractsPublicForm_AndKeepsTheRefusedOnes', async () => {
    const topic = `${testTopicPrefix('eval-relay')}.events.v1`;
    const sut = new EvaluationRelayRunner(store, db.pool, {
      brokers: infraConfig().kafkaBrokers,
      contracts: contractsOn(topic),
      name: 'order',
      idleDelayMs: 50,
    });
    await sut.start();
    const reader = await collect(topic);
    try {
      const appended = await appendHistories(store, 60, 6, 10);
      // A field the contract does not know stays home; an event without a contract is refused.
      const extra = `pledge-${randomUUID()}`;
      const made = pledgeHistory(seeded(11), at)[0]!;
      await store.append(extra, [{ ...made, data: { ...made.data, pledgeId: extra.slice(7), internalNote: '内部' } }], {
        expectedVersion: 'no_stream',
        context: storeContext,
      });
      await store.append(extra, [{ type: 'evaluation.NoSuchEvent', data: { pledgeId: extra.slice(7) } }], {
        expectedVersion: 1,
        context: storeContext,
      });
      const total = [...appended.values()].reduce((n, ids) => n + ids.length, 0) + 1;

      await waitUntil('every appended event on the topic', () => reader.messages.length >= total, { timeoutMs: 60_000 });
      const byStream = new Map<string, string[]>();
      for (const m of reader.messages)
        byStream.set(String(m.key), [...(byStream.get(String(m.key)) ?? []), headerValue(m.headers, ENVELOPE_HEADERS.eventId)!]);
      for (const [streamId, ids] of appended) expect(byStream.get(streamId)).toEqual(ids);
      expect(reader.messages).toHaveLength(total);

      const published = JSON.parse(String(reader.messages.find((m) => String(m.key) === extra)!.value)) as EventEnvelope<
        Record<string, unknown>
      >;
      // Signed with evaluation's key on the way out (ADR 0059), so consumers act on it.
      expect(EventVerifier.forContexts(['evaluation'], {}).verify(published)).toEqual({ ok: true, kid: 'evaluation-dev-1' });
      expect(published.data).toEqual({ ...made.data, pledgeId: extra.slice(7) });
      expect(published.data).not.toHaveProperty('internalNote');
      const refused = await waitUntil('the refusal kept', async () => {
        const { rows } = await db.pool.query<{ event_type: string; reason: string }>(
          `select event_type, reason from vanguard_relay_dead_letters where stream_id = $1`,
          [extra],
        );
        return rows.length ? rows : undefined;
      });
      expect(refused).toEqual([{ event_type: 'evaluation.NoSuchEvent', reason: 'contract-violation' }]);
    } finally {
      await sut.stop();
      await reader.stop();
    }
  }, 120_000);

  it('WhenTwoReplicasRunAndTheLeaderStops_TheStandbyTakesOverAndNothingIsPublishedTwice', async () => {
    const topic = `${testTopicPrefix('eval-relay-standby')}.events.v1`;
    const options = { brokers: infraConfig().kafkaBrokers, contracts: contractsOn(topic), name: 'standby', idleDelayMs: 50 };
    const replicas = [new EvaluationRelayRunner(store, db.pool, options), new EvaluationRelayRunner(store, db.pool, options)];
    await Promise.all(replicas.map((r) => r.start()));
    const reader = await collect(topic);
    try {
      // This relay starts from the store's beginning: the first test's events go out again under its own name.
      const before = (await db.pool.query<{ n: string }>(`select count(*) as n from events where type <> 'evaluation.NoSuchEvent'`))
        .rows[0]!.n;
      const first = await appendHistories(store, 30, 3, 20);
      const leader = await waitUntil('one replica to lead', () =>
        replicas.find((r) => r.stats && !r.stats.standby && r.stats.published > 0),
      );
      const standby = replicas.find((r) => r !== leader)!;
      expect(standby.stats?.standby).toBe(true);
      await leader.stop();
      const second = await appendHistories(store, 30, 3, 21);
      const expected = Number(before) + [...first.values(), ...second.values()].reduce((n, ids) => n + ids.length, 0);
      await waitUntil('the standby to publish the rest', () => reader.messages.length >= expected, { timeoutMs: 60_000 });
      const ids = reader.messages.map((m) => headerValue(m.headers, ENVELOPE_HEADERS.eventId));
      expect(new Set(ids).size).toBe(ids.length);
      expect(ids).toHaveLength(expected);
      expect(standby.stats!.published).toBeGreaterThan(0);
    } finally {
      await Promise.all(replicas.map((r) => r.stop()));
      await reader.stop();
    }
  }, 120_000);
});
