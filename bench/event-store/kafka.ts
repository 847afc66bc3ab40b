// The two Kafka figures of the event-store bench: relay store → Kafka throughput, and
// append → consumer-handled latency at a steady 1,000 events/s through the real
// EventConsumer (contract check + inbox row in the handler's transaction).
//
//   node -r @swc-node/register bench/event-store/kafka.ts [--json] [--quick]
import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { Client, Pool } from 'pg';
import { z } from 'zod';
import { ContractRegistry, defineContract } from '@vanguard/contracts';
import { migrate, PostgresEventStore, type AppendContext } from '@vanguard/event-store';
import { infraConfig } from '@vanguard/infra-config';
import { EventConsumer, EventStoreRelaySource, PgInbox, Relay, ensureTopics, migrateInbox } from '@vanguard/messaging';

export interface KafkaFigures {
  relayEventsPerSec: number;
  relayEvents: number;
  e2eP50Ms: number;
  e2eP99Ms: number;
  e2eRatePerSec: number;
  e2eEvents: number;
  /** Appended but not handled within the wait: counted in the percentiles at the time waited, never left out. */
  e2eUnhandled: number;
}

// Its own database, dropped and recreated per run; set another name to run two benches side by side.
const DB = process.env['VANGUARD_BENCH_KAFKA_DB'] ?? 'vanguard_bench_kafka';
if (!/^[a-z_][a-z0-9_]*$/.test(DB)) throw new Error(`VANGUARD_BENCH_KAFKA_DB must be a plain identifier, got ${DB}`);
const context: AppendContext = {
  actor: { sub: 'bench', roles: ['evaluator'], kind: 'service' },
  orgId: 'bench-org',
  correlationId: 'bench',
};

async function freshDatabase(): Promise<Pool> {
  const admin = new Client({ connectionString: infraConfig().postgresAdminUrl });
  await admin.connect();
  await admin.query(`drop database if exists ${DB} with (force)`);
  await admin.query(`create database ${DB}`);
  await admin.end();
  const url = new URL(infraConfig().databaseUrl);
  url.pathname = `/${DB}`;
  return new Pool({ connectionString: url.toString(), max: 12 });
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;

export async function measureKafkaFigures(quick = false): Promise<KafkaFigures> {
  const pool = await freshDatabase();
  const consumerPool = new Pool({ connectionString: (pool.options as { connectionString: string }).connectionString, max: 4 });
  const kafka = new Kafka({ clientId: 'bench', brokers: [...infraConfig().kafkaBrokers], logLevel: logLevel.NOTHING });
  const run = randomUUID().slice(0, 8);
  try {
    await migrate(pool, { schema: 'es' });
    await migrateInbox(pool);
    const store = new PostgresEventStore(pool, { schema: 'es' });

    // 1. Relay throughput: a backlog appended first, then drained by one relay.
    const relayEvents = quick ? 20_000 : 100_000;
    const relayTopic = `bench.relay.${run}.events.v1`;
    await ensureTopics(kafka, [relayTopic], { numPartitions: 3 });
    // The relay publishes each event's contract form, so the bench's events have contracts too.
    const appended = defineContract({
      context: 'bench',
      name: 'Appended',
      version: 1,
      stream: 'bench',
      topic: relayTopic,
      description: 'bench',
      schema: z.object({ i: z.number() }),
    });
    for (let s = 0; s < relayEvents / 100; s++) {
      await store.append(
        `bench-${s}`,
        Array.from({ length: 100 }, (_, i) => ({ type: 'bench.Appended', data: { i } })),
        { expectedVersion: 'no_stream', context },
      );
    }
    const relay = new Relay({
      source: new EventStoreRelaySource(store, pool, { contracts: new ContractRegistry([appended]), name: 'bench-relay' }),
      kafka,
      batchSize: 2000,
      idleDelayMs: 10,
    });
    const t0 = performance.now();
    relay.start();
    // A relay that cannot publish (or sets records aside) must end the bench, not hang it.
    const relayDeadline = Date.now() + 300_000;
    while (relay.stats.published + relay.stats.deadLettered < relayEvents) {
      if (Date.now() > relayDeadline)
        throw new Error(
          `relay bench: ${relay.stats.published} of ${relayEvents} published in 300 s (${relay.stats.lastError ?? 'no error'})`,
        );
      await new Promise((r) => setTimeout(r, 20));
    }
    if (relay.stats.deadLettered) throw new Error(`relay bench: ${relay.stats.deadLettered} events dead-lettered, not published`);
    const relaySecs = (performance.now() - t0) / 1000;
    await relay.stop();

    // 2. End to end at a steady rate: append → relay → Kafka → EventConsumer handler.
    const e2eTopic = `bench.e2e.${run}.events.v1`;
    await ensureTopics(kafka, [e2eTopic], { numPartitions: 3 });
    const contract = defineContract({
      context: 'bench',
      name: 'Pinged',
      version: 1,
      stream: 'ping',
      topic: e2eTopic,
      description: 'bench',
      schema: z.object({ n: z.number() }),
    });
    const appendedAt = new Map<string, number>();
    // By eventId: a handler rerun after a failed batch transaction must not count twice.
    const latencies = new Map<string, number>();
    let handled = 0;
    const consumer = new EventConsumer({
      kafka,
      groupId: `bench-${run}`,
      topics: [e2eTopic],
      contracts: new ContractRegistry([contract]),
      // Its own connections, as a consuming service would have.
      inbox: new PgInbox(consumerPool),
      handlers: {
        [contract.type]: (e) => {
          handled++;
          const t = appendedAt.get(e.eventId);
          if (t !== undefined) latencies.set(e.eventId, performance.now() - t);
          return Promise.resolve();
        },
      },
    });
    await consumer.start();
    const e2eRelay = new Relay({
      source: new EventStoreRelaySource(store, pool, { contracts: new ContractRegistry([contract]), name: 'bench-e2e' }),
      kafka,
      batchSize: 500,
      idleDelayMs: 5,
    });
    // Start the e2e relay after the first backlog so it measures only new appends.
    await pool.query(
      `insert into es.subscription_checkpoints (subscription, transaction_id, position) select 'bench-e2e', c.transaction_id, c.position from es.subscription_checkpoints c where c.subscription = 'bench-relay'`,
    );
    e2eRelay.start();
    // Warm up until the group has its partitions and the path is hot: latency, not joining, is measured.
    for (let w = 0; w < 50; w++) {
      await store.append(`ping-warmup-${w}`, [{ type: contract.type, data: { n: -1 } }], { expectedVersion: 'no_stream', context });
    }
    const warmDeadline = Date.now() + 60_000;
    while (handled < 50 && Date.now() < warmDeadline) await new Promise((r) => setTimeout(r, 20));
    if (handled < 50) throw new Error(`latency bench: only ${handled} of 50 warm-up events handled within 60 s`);
    const rate = 1000;
    const seconds = quick ? 5 : 15;
    const e2eEvents = rate * seconds;
    const tick = 10; // ms: 10 single-event appends per tick on distinct streams
    const start = performance.now();
    let sent = 0;
    while (sent < e2eEvents) {
      const due = Math.min(e2eEvents, Math.floor(((performance.now() - start) / 1000) * rate));
      const writes: Promise<unknown>[] = [];
      for (; sent < due; sent++) {
        const eventId = randomUUID();
        appendedAt.set(eventId, performance.now());
        writes.push(
          store.append(`ping-${sent}`, [{ type: contract.type, eventId, data: { n: sent } }], { expectedVersion: 'no_stream', context }),
        );
      }
      await Promise.all(writes);
      await new Promise((r) => setTimeout(r, tick));
    }
    const achievedRate = e2eEvents / ((performance.now() - start) / 1000);
    const deadline = Date.now() + 60_000;
    while (latencies.size < e2eEvents && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    // An event still unhandled is at least as late as the wait so far: it enters the percentiles
    // with that lower bound instead of dropping out of them, which would flatter the tail.
    const waitedUntil = performance.now();
    const all = [...appendedAt].map(([id, t]) => latencies.get(id) ?? waitedUntil - t);
    const unhandled = appendedAt.size - [...appendedAt.keys()].filter((id) => latencies.has(id)).length;
    await e2eRelay.stop();
    await consumer.stop();
    if (unhandled) console.error(`latency bench: ${unhandled} of ${e2eEvents} events not handled within 60 s; counted at the time waited`);
    const sorted = all.sort((a, b) => a - b);
    return {
      relayEvents,
      relayEventsPerSec: Math.round(relayEvents / relaySecs),
      e2eEvents: all.length,
      e2eUnhandled: unhandled,
      e2eRatePerSec: Math.round(achievedRate),
      e2eP50Ms: Math.round(percentile(sorted, 50) * 10) / 10,
      e2eP99Ms: Math.round(percentile(sorted, 99) * 10) / 10,
    };
  } finally {
    await pool.end();
    await consumerPool.end();
    const admin = kafka.admin();
    await admin.connect();
    const topics = (await admin.listTopics()).filter((t) => t.includes(`.${run}.`));
    await admin.deleteTopics({ topics }).catch(() => undefined);
    await admin.disconnect();
  }
}

if (require.main === module) {
  const json = process.argv.includes('--json');
  measureKafkaFigures(process.argv.includes('--quick'))
    .then((f) => {
      if (json) return void process.stdout.write(`${JSON.stringify(f)}\n`);
      console.log(
        `relay store → Kafka        ${f.relayEventsPerSec.toLocaleString('en')} events/s (${f.relayEvents.toLocaleString('en')} events)   target ≥ 10,000`,
      );
      console.log(
        `append → consumer handled  p50 ${f.e2eP50Ms} ms, p99 ${f.e2eP99Ms} ms at ${f.e2eRatePerSec} events/s (${f.e2eEvents} events, ${f.e2eUnhandled} unhandled)   target p50 ≤ 50, p99 ≤ 250`,
      );
    })
    .catch((e: unknown) => {
      console.error(e);
      process.exit(1);
    });
}
