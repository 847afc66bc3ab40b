import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import type { Pool } from 'pg';
import { deadLetterTopic } from '@vanguard/contracts';
import { infraConfig } from '@vanguard/infra-config';
import { ensureTopics } from '@vanguard/messaging';
import { waitUntil } from '@vanguard/testing';

/**
 * A topic of the bench's own for the service's relay: the relay runs (its reads, signing and
 * sends cost the service CPU as they do under `npm start`) but nothing reaches the platform's
 * topics, where a running reporting service would count bench payments. Deleted afterwards.
 */
export async function benchRelayTopic(): Promise<{
  readonly topic: string;
  /** Seconds from now until the relay has published every outbox row, with how many were waiting. */
  drained(pool: Pool): Promise<{ waiting: number; seconds: number }>;
  drop(): Promise<void>;
}> {
  const kafka = new Kafka({ clientId: 'assistance-bench', brokers: [...infraConfig().kafkaBrokers], logLevel: logLevel.NOTHING });
  const topic = `bench.assistance.${randomUUID().slice(0, 8)}.events.v1`;
  await ensureTopics(kafka, [topic]);
  const unpublished = async (pool: Pool) =>
    Number((await pool.query<{ n: string }>('select count(*) as n from vanguard_outbox where published_at is null')).rows[0]!.n);
  return {
    topic,
    async drained(pool) {
      const started = Date.now();
      const waiting = await unpublished(pool);
      await waitUntil('the relay to publish the outbox', async () => (await unpublished(pool)) === 0, {
        timeoutMs: 120_000,
        intervalMs: 100,
      });
      return { waiting, seconds: (Date.now() - started) / 1000 };
    },
    async drop() {
      const admin = kafka.admin();
      await admin.connect();
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
