/**
 * What this design's unavoidable parts cost on their own, measured in the same run as the
 * end-to-end figure (bench/county/roster-sync.ts): a lower bound on the CPU one message needs on
 * kafkajs, this broker and this Postgres, whatever the gate, the handler and the relay do between
 * them.
 *
 * - Kafka hops alone: the county's messages produced as the county produces them, read by a
 *   group as the gate reads them and answered with the run's own relayed records (its replies and
 *   events, copied from the topics the relay wrote, at the run's ratio), and the replies read as
 *   the county's tap reads them. kafkajs and the broker only: no JSON parsed, nothing checked,
 *   no database.
 * - The roster SQL alone: bench/county/ceiling.ts's statements (no reads, no outbox reads or
 *   stamps), with Postgres's CPU and this process's.
 *
 * Each part leaves out work the sync must do and reads a backlog, in larger fetches than a live
 * pipeline, so their sum is below what this design spends per message. It is this design's floor,
 * not every design's: the fan-out (a reply and the events per message), the rows ceiling.ts
 * writes and kafkajs's settings are choices.
 */
import type { Kafka, Message } from 'kafkajs';
import { ensureTopics, produceRequests } from '@vanguard/messaging';
import { waitUntil } from '@vanguard/testing';
import { readAlone } from '../shared/kafka-read-floor';
import { cpuBudget, cpuReading, cpuSince, type CpuBudget, type CpuReader } from '../shared/process-cpu';

/** One part of the floor: what each process spent on it, ms, for the run's messages. */
export interface FloorPart {
  readonly name: string;
  readonly ms: Partial<Record<CpuReader, number | undefined>>;
}

/** The relayed records of a run, as read back from its topics: replies, events, and events per message. */
export interface RelayedSample {
  readonly replies: readonly Message[];
  readonly events: readonly Message[];
  readonly eventsPerMessage: number;
}

/** The floor's topics and consumer groups under `prefix`, for the caller to remove whether or not it finished. */
export function floorNames(prefix: string) {
  const topics = { inbound: `${prefix}.floor-inbound`, replies: `${prefix}.floor-replies`, events: `${prefix}.floor-events` };
  return { topics, groups: { gate: `${topics.inbound}.gate`, tap: `${topics.replies}.tap`, sample: (topic: string) => `${topic}.sample` } };
}

/** Up to `most` records of `topic` from its start, read by group `groupId` (the caller's to remove), and how many it holds. */
export async function sampleTopic(
  kafka: Kafka,
  topic: string,
  most: number,
  groupId: string,
): Promise<{ messages: Message[]; total: number }> {
  const admin = kafka.admin();
  await admin.connect();
  let total: number;
  try {
    total = (await admin.fetchTopicOffsets(topic)).reduce((n, p) => n + Number(p.high) - Number(p.low), 0);
  } finally {
    await admin.disconnect();
  }
  const want = Math.min(most, total);
  const messages: Message[] = [];
  if (want === 0) return { messages, total };
  const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 200 });
  try {
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message: m }) => {
        if (messages.length < want) messages.push({ key: m.key, value: m.value, headers: m.headers });
        return Promise.resolve();
      },
    });
    await waitUntil(`${want} records of ${topic}`, () => messages.length >= want, { timeoutMs: 60_000 });
  } finally {
    await consumer.disconnect().catch(() => undefined);
  }
  return { messages, total };
}

/**
 * The Kafka hops alone for `members` messages, one side after another so each reads apart: the
 * county sends them (built by `inbound` as the county builds them, `chunk` at a time, one
 * timestamp a chunk); the gate's group reads them and answers each with the sample's records
 * (cycled, `eventsPerMessage` events a message on average), produced as the relay produces
 * (idempotent, acks from every replica, requests under the broker's limit); the county reads the
 * replies. The inbound topic is LogAppendTime, as the county inbound topic is. CPU is counted from
 * each group's join, not before. Its topics and groups are the caller's to remove (`floorNames`).
 */
export async function kafkaHopsFloor(
  kafka: Kafka,
  o: {
    prefix: string;
    members: number;
    chunk: number;
    concurrency: number;
    inbound: (i: number, at: string) => Message;
    relayed: RelayedSample;
  },
): Promise<FloorPart[]> {
  const { topics, groups } = floorNames(o.prefix);
  const { replies, events, eventsPerMessage: ratio } = o.relayed;
  if (replies.length === 0 || events.length === 0) throw new Error('the run relayed no replies or no events to copy');
  await ensureTopics(kafka, Object.values(topics), { configs: { [topics.inbound]: { 'message.timestamp.type': 'LogAppendTime' } } });
  const county = kafka.producer();
  const relay = kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
  const gate = kafka.consumer({ groupId: groups.gate, maxWaitTimeInMs: 1_000 });
  try {
    await Promise.all([county.connect(), relay.connect(), gate.connect()]);
    const sending = cpuReading(['this process', 'broker']);
    for (let done = 0; done < o.members; done += o.chunk) {
      const at = new Date().toISOString();
      const messages: Message[] = [];
      for (let i = done; i < Math.min(o.members, done + o.chunk); i++) messages.push(o.inbound(i, at));
      await county.send({ topic: topics.inbound, messages });
    }
    const countySend = { name: 'county send', ms: cpuSince(sending) };

    let picked = 0;
    let answered = 0;
    let joined: ReturnType<typeof cpuReading> | undefined;
    gate.on(gate.events.GROUP_JOIN, () => (joined ??= cpuReading(['this process', 'broker'])));
    await gate.subscribe({ topics: [topics.inbound], fromBeginning: true });
    await gate.run({
      partitionsConsumedConcurrently: o.concurrency,
      eachBatchAutoResolve: false,
      eachBatch: async ({ batch, resolveOffset, heartbeat }) => {
        const out = { replies: [] as Message[], events: [] as Message[] };
        for (const _ of batch.messages) {
          const k = picked++;
          out.replies.push(replies[k % replies.length]!);
          // The run's own ratio of events to messages, spread evenly.
          for (let e = Math.floor(k * ratio); e < Math.floor((k + 1) * ratio); e++) out.events.push(events[e % events.length]!);
        }
        const topicMessages = [
          { topic: topics.replies, messages: out.replies },
          { topic: topics.events, messages: out.events },
        ];
        for (const request of produceRequests(topicMessages)) await relay.sendBatch({ topicMessages: request, acks: -1 });
        answered += batch.messages.length;
        resolveOffset(batch.lastOffset());
        await heartbeat();
      },
    });
    await waitUntil(`${o.members} floor messages answered`, () => answered >= o.members, { timeoutMs: 300_000, intervalMs: 20 });
    const gateAndRelay = { name: 'gate read and relay send', ms: cpuSince(joined!) };
    // Its idle fetches would count against the county's read.
    await gate.disconnect();

    const read = await readAlone(kafka, { topics: [topics.replies], records: o.members, groupId: groups.tap, timeoutMs: 300_000 });
    return [countySend, gateAndRelay, { name: 'county read', ms: read.ms }];
  } finally {
    await Promise.all([gate.disconnect(), county.disconnect(), relay.disconnect()].map((p) => p.catch(() => undefined)));
  }
}

/** `work` with what each of `readers` spent on it, ms. */
export async function measuredPart<T>(
  name: string,
  readers: readonly CpuReader[],
  work: () => Promise<T>,
): Promise<{ part: FloorPart; result: T }> {
  const from = cpuReading(readers);
  const result = await work();
  return { part: { name, ms: cpuSince(from) }, result };
}

/** The parts' CPU per message by part and process (cpuBudget), over `members` messages. */
export function floorBudget(parts: readonly FloorPart[], members: number, cores: number): CpuBudget {
  return cpuBudget(
    Object.fromEntries(parts.flatMap((p) => Object.entries(p.ms).map(([reader, ms]) => [`${p.name}: ${reader}`, ms]))),
    members,
    cores,
  );
}
