/**
 * What the roster sync's unavoidable parts cost on their own, measured in the same run as the
 * end-to-end figure (bench/county/roster-sync.ts): a lower bound on the CPU one message needs,
 * whatever the gate, the handler and the relay do between them.
 *
 * - Kafka hops alone: the county's messages produced as the county produces them, consumed by a
 *   group as the gate consumes them, each answered with the run's own relayed records (its reply
 *   and its events, copied from the topics the relay wrote), and the replies consumed as the
 *   county's tap consumes them. kafkajs and the broker only: no JSON is parsed, nothing checked,
 *   no database.
 * - The roster SQL alone: bench/county/ceiling.ts's statements (no reads, no outbox reads or
 *   stamps), with Postgres's CPU and this process's.
 *
 * Each leaves out work the sync must do, so their sum is below what any implementation on this
 * stack spends per message; the rate it allows on this machine's cores is above any it can reach.
 */
import { availableParallelism } from 'node:os';
import type { Kafka, Message } from 'kafkajs';
import { ensureTopics, produceRequests } from '@vanguard/messaging';
import { readAlone } from '../shared/kafka-read-floor';
import { brokerCpuMs, postgresCpuMs } from '../shared/process-cpu';

/** CPU per message, µs, by process; undefined where a process cannot be read (a remote one). */
export interface FloorPart {
  readonly label: string;
  readonly perMessageUs: Readonly<Record<string, number | undefined>>;
}

/** The relayed records of a run: one reply per message and `eventsPerMessage` events, as read back from its topics. */
export interface RelayedSample {
  readonly replies: readonly Message[];
  readonly events: readonly Message[];
  readonly eventsPerMessage: number;
}

const us = (ms: number | undefined, n: number) => (ms === undefined ? undefined : Math.round((ms * 1000) / n));
const thisProcessMs = () => {
  const c = process.cpuUsage();
  return (c.user + c.system) / 1000;
};

/** Up to `most` records of `topic` from its start, with their keys and headers, and how many it holds. */
export async function sampleTopic(kafka: Kafka, topic: string, most: number): Promise<{ messages: Message[]; total: number }> {
  const admin = kafka.admin();
  await admin.connect();
  const offsets = await admin.fetchTopicOffsets(topic);
  await admin.disconnect();
  const total = offsets.reduce((n, p) => n + Number(p.high) - Number(p.low), 0);
  const want = Math.min(most, total);
  const messages: Message[] = [];
  if (want === 0) return { messages, total };
  const consumer = kafka.consumer({ groupId: `${topic}.sample`, maxWaitTimeInMs: 200 });
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    let done!: () => void;
    const full = new Promise<void>((r) => (done = r));
    await consumer.run({
      eachMessage: async ({ message: m }) => {
        if (messages.length < want) messages.push({ key: m.key, value: m.value, headers: m.headers });
        if (messages.length >= want) done();
        return Promise.resolve();
      },
    });
    await deadline(full, 60_000, () => `${want} records of ${topic} (${messages.length} read)`);
  } finally {
    await consumer.disconnect();
  }
  return { messages, total };
}

async function deadline<T>(p: Promise<T>, ms: number, what: () => string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what()}: not within ${ms} ms`)), ms)));
  try {
    return await Promise.race([p, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** The floor's topics and consumer groups under `prefix`, for the caller to remove whether or not it finished. */
export function floorNames(prefix: string) {
  const topics = { inbound: `${prefix}.floor-inbound`, replies: `${prefix}.floor-replies`, events: `${prefix}.floor-events` };
  return { topics, groups: { gate: `${topics.inbound}.gate`, tap: `${topics.replies}.tap` } };
}

/** `work` for `members` messages, with this process's CPU and the broker's per message. */
async function measured(label: string, members: number, work: () => Promise<unknown>): Promise<FloorPart> {
  const cpu0 = thisProcessMs();
  const broker0 = brokerCpuMs();
  await work();
  const broker1 = brokerCpuMs();
  return {
    label,
    perMessageUs: {
      'this process': us(thisProcessMs() - cpu0, members),
      broker: us(broker0 === undefined || broker1 === undefined ? undefined : broker1 - broker0, members),
    },
  };
}

/**
 * The Kafka hops alone for `members` messages, one after another so each side's cost reads apart:
 * the county sends them (built by `inbound` as the county builds them, `chunk` at a time); the
 * gate's group reads them and answers each with the sample's records (cycled), produced as the
 * relay produces (idempotent, acks from every replica, requests under the broker's limit); the
 * county's tap reads the replies. Each side reads a backlog, in larger fetches than a live
 * pipeline's, so each is a lower bound. Its topics and groups are the caller's to remove (`floorNames`).
 */
export async function kafkaHopsFloor(
  kafka: Kafka,
  o: {
    prefix: string;
    members: number;
    chunk: number;
    concurrency: number;
    inbound: (i: number) => Message;
    relayed: RelayedSample;
  },
): Promise<{ countySend: FloorPart; gateAndRelay: FloorPart; countyRead: FloorPart }> {
  const { topics, groups } = floorNames(o.prefix);
  const { replies, events, eventsPerMessage } = o.relayed;
  if (replies.length === 0 || events.length === 0) throw new Error('the run relayed no replies or no events to copy');
  await ensureTopics(kafka, Object.values(topics), { numPartitions: 3 });
  const county = kafka.producer();
  const relay = kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
  const gate = kafka.consumer({ groupId: groups.gate, maxWaitTimeInMs: 1_000 });
  let answered = 0;
  let allAnswered!: () => void;
  const everyAnswer = new Promise<void>((r) => (allAnswered = r));
  try {
    await Promise.all([county.connect(), relay.connect(), gate.connect()]);
    await gate.subscribe({ topics: [topics.inbound], fromBeginning: true });
    const countySend = await measured('county send (builds and produces the messages)', o.members, async () => {
      for (let done = 0; done < o.members; done += o.chunk) {
        const messages: Message[] = [];
        for (let i = done; i < Math.min(o.members, done + o.chunk); i++) messages.push(o.inbound(i));
        await county.send({ topic: topics.inbound, messages });
      }
    });
    const gateAndRelay = await measured(
      `gate read and relay send (1 reply + ${eventsPerMessage} events a message; nothing parsed, checked or stored)`,
      o.members,
      async () => {
        await gate.run({
          partitionsConsumedConcurrently: o.concurrency,
          eachBatchAutoResolve: false,
          eachBatch: async ({ batch, resolveOffset, heartbeat }) => {
            const out = { replies: [] as Message[], events: [] as Message[] };
            for (const _ of batch.messages) {
              const k = answered++;
              out.replies.push(replies[k % replies.length]!);
              for (let e = 0; e < eventsPerMessage; e++) out.events.push(events[(k * eventsPerMessage + e) % events.length]!);
            }
            const topicMessages = [
              { topic: topics.replies, messages: out.replies },
              { topic: topics.events, messages: out.events },
            ];
            for (const request of produceRequests(topicMessages)) await relay.sendBatch({ topicMessages: request, acks: -1 });
            resolveOffset(batch.lastOffset());
            await heartbeat();
            if (answered >= o.members) allAnswered();
          },
        });
        await deadline(everyAnswer, 300_000, () => `${o.members} floor messages answered (${answered} were)`);
      },
    );
    // Its idle fetches would count against the county's read.
    await gate.disconnect();
    const read = await readAlone(kafka, { topics: [topics.replies], records: o.members, groupId: groups.tap, deadlineMs: 300_000 });
    const countyRead: FloorPart = { label: 'county read (the replies)', perMessageUs: read.perRecordUs };
    return { countySend, gateAndRelay, countyRead };
  } finally {
    await Promise.all([gate.disconnect(), county.disconnect(), relay.disconnect()].map((p) => p.catch(() => undefined)));
  }
}

/** `work` over `members` messages with Postgres's CPU and this process's per message. */
export async function sqlFloor(label: string, members: number, work: () => Promise<unknown>): Promise<FloorPart> {
  const cpu0 = thisProcessMs();
  const pg0 = postgresCpuMs();
  await work();
  const pg1 = postgresCpuMs();
  return {
    label,
    perMessageUs: {
      postgres: us(pg0 === undefined || pg1 === undefined ? undefined : pg1 - pg0, members),
      'this process': us(thisProcessMs() - cpu0, members),
    },
  };
}

/** The parts' sum per message, the rate it allows on this machine's cores, and the cores `target`/s would need for these parts alone. */
export function floorLine(parts: readonly FloorPart[], target: number, cores = availableParallelism()): { line: string; totalUs: number } {
  const unread = parts.flatMap((p) =>
    Object.entries(p.perMessageUs)
      .filter(([, v]) => v === undefined)
      .map(([k]) => `${p.label}: ${k}`),
  );
  const totalUs = parts.reduce((n, p) => n + Object.values(p.perMessageUs).reduce<number>((m, v) => m + (v ?? 0), 0), 0);
  const ceiling = Math.floor((cores * 1e6) / totalUs);
  const needed = (totalUs * target) / 1e6;
  return {
    totalUs,
    line:
      `floor ${totalUs} µs per message: ${cores} cores allow at most ${ceiling.toLocaleString('en')} msg/s for these parts alone; ` +
      `${target.toLocaleString('en')} msg/s would need ${needed.toFixed(2)} cores for them` +
      (unread.length ? ` (not read, so left out: ${unread.join('; ')})` : ''),
  };
}
