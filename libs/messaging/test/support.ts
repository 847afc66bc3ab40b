// Helpers for this lib's integration suites: real Kafka, real Postgres, no mocks.
import { randomUUID } from 'node:crypto';
import net from 'node:net';
import { Kafka, logLevel, type KafkaMessage } from 'kafkajs';
import { z } from 'zod';
import { ContractRegistry, defineContract, deadLetterTopic, type EventEnvelope } from '@vanguard/contracts';
import { infraConfig } from '@vanguard/infra-config';

export function thingContract(topic: string) {
  return defineContract({
    context: 'msgtest',
    name: 'ThingHappened',
    version: 1,
    stream: 'thing',
    topic,
    description: 'a test event',
    schema: z.object({ n: z.number().int(), note: z.string().optional() }),
  });
}

/** Contracts for the events the store-relay suites append (`pledge-…` streams), published to `topic`. */
export function pledgeContracts(topic: string) {
  const pledge = (name: string, schema: z.ZodType) =>
    defineContract({ context: 'evaluation', name, version: 1, stream: 'pledge', topic, description: 'a test event', schema });
  return new ContractRegistry([
    pledge('PledgeMade', z.object({ v: z.number().int().optional(), late: z.boolean().optional() })),
    pledge('PledgeProgressReported', z.object({ v: z.number().int() })),
  ]);
}

export function thingEvent(stream: string, streamVersion: number, data: Record<string, unknown> = { n: streamVersion }): EventEnvelope {
  const now = new Date().toISOString();
  return {
    eventId: randomUUID(),
    type: 'msgtest.ThingHappened',
    version: 1,
    streamId: `thing-${stream}`,
    streamVersion,
    occurredAt: now,
    recordedAt: now,
    actor: { sub: 'test', roles: [], kind: 'service' },
    orgId: '00000000-0000-4000-8000-000000001301',
    correlationId: randomUUID(),
    causationId: null,
    data,
  };
}

export function kafkaClient(brokers: readonly string[] = infraConfig().kafkaBrokers): Kafka {
  return new Kafka({
    clientId: `messaging-test-${randomUUID().slice(0, 8)}`,
    brokers: [...brokers],
    logLevel: logLevel.NOTHING,
    connectionTimeout: 1000,
    retry: { retries: 3, initialRetryTime: 100, maxRetryTime: 1000 },
  });
}

/** Best effort: a broker restarted by someone else's suite must not fail ours in afterAll. */
export async function deleteTopics(kafka: Kafka, topics: readonly string[]): Promise<void> {
  const admin = kafka.admin();
  try {
    await admin.connect();
    const all = new Set(await admin.listTopics());
    const mine = topics.flatMap((t) => [t, deadLetterTopic(t)]).filter((t) => all.has(t));
    if (mine.length) await admin.deleteTopics({ topics: mine });
  } catch {
    // leftover test topics are harmless: their names are unique per run
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

/**
 * Reads a topic from the beginning into memory, with a group of its own. Fetches are held
 * open at most 100 ms: `stop()` waits for the one in flight (kafkajs's default, 5 s).
 */
export async function collect(kafka: Kafka, topic: string): Promise<{ messages: KafkaMessage[]; stop(): Promise<void> }> {
  const messages: KafkaMessage[] = [];
  const consumer = kafka.consumer({ groupId: `collector-${randomUUID()}`, maxWaitTimeInMs: 100 });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({ eachMessage: ({ message }) => Promise.resolve(void messages.push(message)) });
  return { messages, stop: () => consumer.disconnect() };
}

/**
 * A TCP gate in front of the broker's bootstrap address. Closed, it drops every connection
 * (the broker is unreachable for a client bootstrapping through it); opened, it forwards.
 * The shared broker itself is never stopped.
 */
export async function brokerGate(target: string): Promise<{ address: string; open(): void; close(): Promise<void> }> {
  const [host, port] = target.split(':') as [string, string];
  let isOpen = false;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    if (!isOpen) return void client.destroy();
    const upstream = net.connect(Number(port), host);
    sockets.add(client).add(upstream);
    client.pipe(upstream).pipe(client);
    const end = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port: local } = server.address() as net.AddressInfo;
  return {
    address: `127.0.0.1:${local}`,
    open: () => void (isOpen = true),
    close: async () => {
      sockets.forEach((s) => s.destroy());
      await new Promise((r) => server.close(r));
    },
  };
}

export { networkFault } from '@vanguard/testing';
