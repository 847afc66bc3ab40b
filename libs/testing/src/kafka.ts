import {
  ConfigResourceTypes,
  KafkaJSDeleteGroupsError,
  type Admin,
  type Consumer,
  type ITopicConfig,
  type Kafka,
  type KafkaMessage,
  type Producer,
  type ProducerConfig,
} from 'kafkajs';
import { randomBytes } from 'node:crypto';
import { setIdleGroupOffsets, waitForLeaders, type TopicOffsets } from '@vanguard/kafka-topics';
import { waitUntil } from './wait';

/** A topic's `max.message.bytes` as the broker has it: a test that sends a record just under it reads it first. */
export async function topicMaxMessageBytes(kafka: Kafka, topic: string): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const d = await admin.describeConfigs({ includeSynonyms: false, resources: [{ type: ConfigResourceTypes.TOPIC, name: topic }] });
    return Number(d.resources[0]!.configEntries.find((e) => e.configName === 'max.message.bytes')!.configValue);
  } finally {
    await admin.disconnect();
  }
}

/** A topic prefix of the suite's own, so suites never read each other's messages. */
export function testTopicPrefix(suite: string): string {
  return `test.${suite.replace(/[^a-z0-9]/gi, '-').toLowerCase()}.${randomBytes(4).toString('hex')}`;
}

/**
 * The producer a test sends with: idempotent with one request in flight, as the services' own
 * producers are. A plain kafkajs producer whose batch half fails (NOT_LEADER_FOR_PARTITION on a
 * topic just made, auto-created or not) retries the whole request and writes the half that had
 * succeeded a second time; a CI run read records twice so. The caller's other options stand, but
 * for `retry.retries: 0`, which kafkajs refuses for an idempotent producer. Lint refuses
 * `.producer(` in tests (libs/testing/lint/restricted-syntax.json).
 */
export function testProducer(kafka: Kafka, config: Omit<ProducerConfig, 'idempotent' | 'maxInFlightRequests'> = {}): Producer {
  return kafka.producer({ ...config, idempotent: true, maxInFlightRequests: 1 });
}

/**
 * Creates `topics` and waits until every partition has a leader that serves it, as the services'
 * ensureTopics does (waitForLeaders, @vanguard/kafka-topics). kafkajs's own `waitForLeaders`
 * fails on the first metadata answer that does not know a topic yet, which a KRaft broker gives
 * for a moment after creating it (a clean-clone CI lost follow-recovery's test so); lint forbids
 * it. Topics that already exist are waited on too.
 */
export async function createLedTopics(admin: Admin, topics: ITopicConfig[]): Promise<void> {
  await admin.createTopics({ topics, waitForLeaders: false });
  await waitForLeaders(
    admin,
    topics.map((t) => t.topic),
  );
}

/** One record as read back from a topic (value null for a tombstone). */
export interface ReadRecord {
  readonly partition: number;
  readonly offset: string;
  readonly key: string | null;
  readonly value: string | null;
  /** Its headers as text (the first value of a repeated one). */
  readonly headers: Readonly<Record<string, string>>;
}

/**
 * Every record of `topic` up to its end at the time of the call, read by a fresh consumer group
 * from the beginning (as a new consumer of a compacted topic bootstraps) — or, given `groupId` (a
 * group startAtTheEnd pinned and nothing has consumed since), every record since that pin.
 * Resolves once every partition has been read up to the high watermark fetched at the start;
 * rejects with the consumer's error if it crashes (a broker's refusal, say), and after
 * `timeoutMs` of reading, which is shorter than a test's minute (setup-timeouts.ts) so the
 * reason is this message and not Jest's. The fresh group is deleted afterwards; a given one is the caller's.
 */
export async function readTopicToEnd(
  kafka: Kafka,
  topic: string,
  { timeoutMs = 40_000, groupId }: { timeoutMs?: number; groupId?: string } = {},
): Promise<ReadRecord[]> {
  const admin = kafka.admin();
  await admin.connect();
  const ends = new Map<number, bigint>();
  try {
    const committed = new Map<number, bigint>();
    if (groupId)
      for (const p of (await settled(`${groupId}'s offsets on ${topic}`, () => admin.fetchOffsets({ groupId, topics: [topic] })))[0]
        ?.partitions ?? [])
        if (BigInt(p.offset) >= 0n) committed.set(p.partition, BigInt(p.offset));
    for (const p of await settled(`the ends of ${topic}`, () => admin.fetchTopicOffsets(topic))) {
      const from = committed.get(p.partition) ?? BigInt(p.low);
      if (BigInt(p.high) > from) ends.set(p.partition, BigInt(p.high));
    }
  } finally {
    await admin.disconnect();
  }
  const records: ReadRecord[] = [];
  if (!ends.size) return records;
  const group = groupId ?? `read-to-end-${randomBytes(6).toString('hex')}`;
  // Fetches held open at most 100 ms: disconnecting waits for the one in flight (kafkajs's default, 5 s).
  const consumer = kafka.consumer({ groupId: group, maxWaitTimeInMs: 100 });
  await consumer.connect();
  await thenCleanUp(
    async () => {
      await consumer.subscribe({ topic, fromBeginning: true });
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => fail(new Error(`${topic} not read to its end within ${timeoutMs} ms`)), timeoutMs);
        // A crash is not a rejection of run(): kafkajs reports it only as this event (and may restart).
        const stopListening = consumer.on(consumer.events.CRASH, ({ payload }) =>
          fail(new Error(`reading ${topic} as ${group}: the consumer crashed: ${payload.error.message}`, { cause: payload.error })),
        );
        const fail = (e: Error) => {
          clearTimeout(timer);
          stopListening();
          reject(e);
        };
        consumer
          .run({
            eachMessage: ({ partition, message }) => {
              records.push({
                partition,
                offset: message.offset,
                key: message.key?.toString('utf8') ?? null,
                value: message.value?.toString('utf8') ?? null,
                headers: Object.fromEntries(
                  Object.entries(message.headers ?? {}).flatMap(([name, v]) => {
                    const one = Array.isArray(v) ? v[0] : v;
                    return one === undefined ? [] : [[name, one.toString()]];
                  }),
                ),
              });
              const end = ends.get(partition);
              if (end !== undefined && BigInt(message.offset) + 1n >= end) ends.delete(partition);
              if (!ends.size) {
                clearTimeout(timer);
                stopListening();
                resolve();
              }
              return Promise.resolve();
            },
          })
          .catch((e: unknown) => fail(new Error(`reading ${topic} as ${group}: the consumer did not run: ${messageOf(e)}`, { cause: e })));
      });
    },
    async () => {
      await consumer.disconnect();
      if (!groupId) await deleteGroups(kafka, [group]);
    },
  );
  return records;
}

/**
 * `request`'s answer, asked again while the broker refuses it for a while: a topic just made has a
 * leader in the metadata before its broker serves it ("This server is not the leader for that
 * topic-partition" from a fresh broker, seen in a clean-clone run), which kafkajs's admin does not retry.
 */
function settled<T>(what: string, request: () => Promise<T>): Promise<T> {
  return waitUntil(what, request, { timeoutMs: 30_000, intervalMs: 200 });
}

/**
 * Commits each partition's current end for `groupId`, a group that has never run: a consumer of it
 * then reads every record published after the ends were fetched, and none before. `fromBeginning:
 * false` does not promise that: the consumer resolves "latest" at its first fetch, which may come
 * after the group is Stable, so a record sent in between is never read (a clean-clone run lost a
 * county's record so). Checks that every partition got its offset: a partition left without one
 * would fall back to the consumer's own reset.
 */
export async function startAtTheEnd(kafka: Kafka, groupId: string, topics: readonly string[]): Promise<void> {
  if (!topics.length) return;
  const admin = kafka.admin();
  await admin.connect();
  try {
    const offsets: TopicOffsets[] = [];
    for (const topic of topics) {
      const ends = await settled(`the ends of ${topic}`, () => admin.fetchTopicOffsets(topic));
      offsets.push({ topic, partitions: ends.map((e) => ({ partition: e.partition, offset: e.high })) });
    }
    // One join of the group for every topic; it returns once the coordinator holds each partition's offset.
    await settled(`${groupId}'s offsets on ${topics.join(', ')} set`, () =>
      setIdleGroupOffsets(kafka, groupId, offsets, 10_000).then(() => true),
    );
  } finally {
    await admin.disconnect();
  }
}

/**
 * How long a group the broker calls not empty is asked again: a member that left cleanly may still
 * count for a moment, and one whose process was killed counts until its session times out (30 s
 * by kafkajs's default); within a minute's afterAll with the services' stop before it.
 */
const NOT_EMPTY_WAIT_MS = 40_000;

/**
 * Deletes consumer groups, all of them tried; one that does not exist counts as deleted, and one
 * the broker calls not empty is asked again for up to NOT_EMPTY_WAIT_MS. Throws naming each group
 * left and the broker's reason (a member still in it after that: "The group is not empty"). Takes
 * a Kafka client (an admin of its own) or an admin client already connected.
 */
export async function deleteGroups(
  client: Kafka | Admin,
  groupIds: readonly string[],
  { notEmptyWaitMs = NOT_EMPTY_WAIT_MS }: { notEmptyWaitMs?: number } = {},
): Promise<void> {
  if (!groupIds.length) return;
  if ('admin' in client) {
    const admin = client.admin();
    await admin.connect();
    try {
      return await deleteGroups(admin, groupIds, { notEmptyWaitMs });
    } finally {
      await admin.disconnect();
    }
  }
  const deadline = Date.now() + notEmptyWaitMs;
  let pending = [...groupIds];
  for (;;) {
    try {
      await client.deleteGroups(pending);
      return;
    } catch (e) {
      const refused = e instanceof KafkaJSDeleteGroupsError ? e.groups : pending.map((groupId) => ({ groupId, error: e }));
      const left = refused.filter((g) => errorType(g.error) !== 'GROUP_ID_NOT_FOUND');
      if (!left.length) return;
      if (Date.now() < deadline && left.every((g) => errorType(g.error) === 'NON_EMPTY_GROUP')) {
        pending = left.map((g) => g.groupId);
        await new Promise((resolve) => setTimeout(resolve, 500));
        continue;
      }
      throw new Error(`consumer group(s) not deleted: ${left.map((g) => `${g.groupId} (${messageOf(g.error)})`).join('; ')}`, { cause: e });
    }
  }
}

const errorType = (e: unknown): string | undefined => (e as { type?: string } | undefined)?.type;

/**
 * A consumer of a group of its own that hands `onMessage` every record published on `topics` once
 * their ends have been fetched (early in this call), and nothing before (see startAtTheEnd). The
 * topics must exist; a partition added later is read from its beginning. Its `disconnect` also
 * deletes the group, so taps leave nothing on the shared broker.
 */
export async function tapFromNow(
  kafka: Kafka,
  topics: readonly string[],
  onMessage: (message: KafkaMessage, topic: string) => void,
  { groupPrefix = 'tap' }: { groupPrefix?: string } = {},
): Promise<Consumer> {
  const groupId = `${groupPrefix}-${randomBytes(6).toString('hex')}`;
  try {
    await startAtTheEnd(kafka, groupId, topics);
  } catch (e) {
    return thenCleanUp(
      () => Promise.reject(e as Error),
      () => deleteGroups(kafka, [groupId]),
    );
  }
  // Fetches held open at most 100 ms: disconnecting waits for the one in flight.
  const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 100 });
  const disconnect = consumer.disconnect.bind(consumer);
  consumer.disconnect = () => thenCleanUp(disconnect, () => deleteGroups(kafka, [groupId]));
  try {
    await consumer.connect();
    // Pinned partitions start at their committed offsets; only one created after the pin has none.
    await consumer.subscribe({ topics: [...topics], fromBeginning: true });
    await consumer.run({
      eachMessage: ({ topic, message }) => {
        onMessage(message, topic);
        return Promise.resolve();
      },
    });
  } catch (e) {
    return thenCleanUp(
      () => Promise.reject(e as Error),
      () => consumer.disconnect(),
    );
  }
  return consumer;
}

/**
 * `work`, then `cleanUp` whatever came of it. A failed clean-up is never silent: alone it is the
 * error; after a failed `work` both are reported, `work`'s first.
 */
async function thenCleanUp<T>(work: () => Promise<T>, cleanUp: () => Promise<void>): Promise<T> {
  let result: T;
  try {
    result = await work();
  } catch (e) {
    try {
      await cleanUp();
    } catch (c) {
      throw new AggregateError([e, c], `${messageOf(e)} (cleaning up after it failed too: ${messageOf(c)})`, { cause: c });
    }
    throw e;
  }
  await cleanUp();
  return result;
}

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
