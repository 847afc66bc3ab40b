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

/** Publishes until no note is left. */
export async function drain(publisher: RosterStatePublisher): Promise<number> {
  let total = 0;
  for (let n = await publisher.publishOnce(); n > 0; n = await publisher.publishOnce()) total += n;
  return total;
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

/** GB 11643 check digit, so test ID numbers are valid ones. */
export function withCheckDigit(first17: string): string {
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...first17].reduce((s, d, i) => s + Number(d) * weights[i]!, 0);
  return first17 + '10X98765432'[sum % 11]!;
}
