import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { deadLetterTopic } from '@vanguard/contracts';
import { infraConfig } from '@vanguard/infra-config';
import { ensureTopics } from '@vanguard/messaging';
import { waitUntil } from '@vanguard/testing';

/**
 * A topic of the bench's own for a service's relay: the relay runs (its reads, signing and
 * sends cost the service CPU as they do under `npm start`) but nothing reaches the platform's
 * topics, where running services would count bench records. Deleted afterwards.
 */
export async function benchRelayTopic(bench: string): Promise<{
  readonly topic: string;
  /** Records on the topic so far. */
  published(): Promise<number>;
  /** Seconds from now until `unpublished` says the relay has sent everything, with how many were waiting. */
  drained(unpublished: () => Promise<number>): Promise<{ waiting: number; seconds: number }>;
  drop(): Promise<void>;
}> {
  const kafka = new Kafka({ clientId: `${bench}-bench`, brokers: [...infraConfig().kafkaBrokers], logLevel: logLevel.NOTHING });
  const topic = `bench.${bench}.${randomUUID().slice(0, 8)}.events.v1`;
  await ensureTopics(kafka, [topic]);
  const admin = kafka.admin();
  await admin.connect();
  return {
    topic,
    async published() {
      return (await admin.fetchTopicOffsets(topic)).reduce((n, p) => n + Number(p.high) - Number(p.low), 0);
    },
    async drained(unpublished) {
      const started = Date.now();
      const waiting = await unpublished();
      await waitUntil('the relay to publish everything', async () => (await unpublished()) <= 0, { timeoutMs: 120_000, intervalMs: 100 });
      return { waiting, seconds: (Date.now() - started) / 1000 };
    },
    async drop() {
      try {
        // The relay's dead-letter topic beside it, if the relay made one.
        const topics = (await admin.listTopics()).filter((t) => t === topic || t === deadLetterTopic(topic));
        await admin.deleteTopics({ topics });
      } finally {
        await admin.disconnect();
      }
    },
  };
}
