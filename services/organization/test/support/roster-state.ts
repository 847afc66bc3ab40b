import { Kafka, logLevel } from 'kafkajs';
import { infraConfig } from '@vanguard/infra-config';
import { readTopicToEnd, testTopicPrefix, type ReadRecord } from '@vanguard/testing';
import type { RosterStatePublisher } from '../../src/infrastructure/roster-state/roster-state-publisher';
import { ensureCompactedStateTopics } from '../../src/infrastructure/roster-state/roster-state-topics';

export const testKafka = () =>
  new Kafka({ clientId: 'roster-state-test', brokers: [...infraConfig().kafkaBrokers], logLevel: logLevel.NOTHING });

/** Compacted state topics of the suite's own. */
export async function suiteStateTopics(kafka: Kafka, suite: string): Promise<{ organization: string; member: string }> {
  const prefix = testTopicPrefix(suite);
  const topics = { organization: `${prefix}.organization-state`, member: `${prefix}.member-state` };
  await ensureCompactedStateTopics(kafka, [topics.organization, topics.member]);
  return topics;
}

/**
 * Publishes until no note is left. A round that sends nothing while the publisher does not lead is
 * not the end: its lease lapsed (a test that kept the event loop busy for seconds starves the
 * lease's heartbeat) and it stood by for that round; the next one leads again. A round that lost
 * its lease while it sent threw and left its notes; the next round sends them again, as the
 * service's loop does after such a throw (a clean-clone run lost it during a round of over 1 MB).
 */
export async function drain(publisher: RosterStatePublisher, timeoutMs = 120_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  let total = 0;
  for (;;) {
    let n: number;
    try {
      n = await publisher.publishOnce();
    } catch (e) {
      if (!(e instanceof Error && /lost the lease/.test(e.message)) || Date.now() > deadline) throw e;
      continue;
    }
    total += n;
    if (n === 0 && publisher.isLeader) return total;
    if (Date.now() > deadline) throw new Error(`roster state notes not drained within ${timeoutMs} ms (${total} records sent)`);
  }
}

export interface StateRecord {
  readonly key: string;
  readonly raw: string | null;
  readonly version: number | null;
  readonly data: Record<string, unknown> | null;
}

/** A topic read from the beginning by a fresh group, keeping the last record per key (what compaction keeps). */
export async function latestByKey(kafka: Kafka, topic: string): Promise<{ all: ReadRecord[]; latest: Map<string, StateRecord> }> {
  const all = await readTopicToEnd(kafka, topic);
  const latest = new Map<string, StateRecord>();
  for (const r of all) {
    const env = r.value ? (JSON.parse(r.value) as { streamVersion: number; data: Record<string, unknown> }) : null;
    latest.set(r.key ?? '', { key: r.key ?? '', raw: r.value, version: env?.streamVersion ?? null, data: env?.data ?? null });
  }
  return { all, latest };
}

export interface FollowedTopics {
  /** The last record per key seen since the call (null data for a tombstone). */
  readonly latest: Map<string, { raw: string | null; data: Record<string, unknown> | null }>;
  stop(): Promise<void>;
}

/**
 * Follows `topics` from their ends as they are at the call, keeping the last record per key. Not
 * from the beginning: the real state topics keep every key ever published to them (the platform's
 * and every earlier run's), and reading them whole grows slower with each run. The ends are taken
 * before the consumer starts, so nothing published after the call is missed, however long the
 * group takes to join.
 */
export async function followFromNow(kafka: Kafka, topics: readonly string[]): Promise<FollowedTopics> {
  const admin = kafka.admin();
  await admin.connect();
  const ends: { topic: string; partition: number; offset: string }[] = [];
  try {
    for (const topic of topics)
      for (const p of await admin.fetchTopicOffsets(topic)) ends.push({ topic, partition: p.partition, offset: p.high });
  } finally {
    await admin.disconnect();
  }
  const latest: FollowedTopics['latest'] = new Map();
  const consumer = kafka.consumer({ groupId: `follow-${testTopicPrefix('state')}`, maxWaitTimeInMs: 100 });
  await consumer.connect();
  await consumer.subscribe({ topics: [...topics], fromBeginning: true });
  await consumer.run({
    eachMessage: ({ message }) => {
      const raw = message.value?.toString('utf8') ?? null;
      latest.set(message.key?.toString('utf8') ?? '', {
        raw,
        data: raw ? (JSON.parse(raw) as { data: Record<string, unknown> }).data : null,
      });
      return Promise.resolve();
    },
  });
  for (const end of ends) consumer.seek(end);
  return { latest, stop: () => consumer.disconnect() };
}
