import type { Kafka, Producer, TopicMessages } from 'kafkajs';
import { Registry } from 'prom-client';
import { contextTopic, type EventEnvelope } from '@vanguard/contracts';
import { toKafkaMessage } from '../kafka/envelope-codec';
import { silentLogger, type MessagingLogger } from '../logger';
import { counter, gauge } from '../metrics';
import type { RelaySource, SourceWatch } from './relay-source.port';

export interface RelayOptions {
  readonly source: RelaySource<unknown>;
  readonly kafka: Kafka;
  /** Records per read/publish/commit round. Default 500. */
  readonly batchSize?: number;
  /**
   * Pause when the source is empty, unless the source's `watch` wakes the relay first: the
   * fallback for wake-ups lost while the watching connection was down. Default 1 s.
   */
  readonly idleDelayMs?: number;
  /** Let the source wake the relay (`RelaySource.watch`, LISTEN/NOTIFY for ours); default true. */
  readonly notifications?: boolean;
  /** Pause after a failed round, doubling up to `maxMs`. Default 200 ms → 10 s. */
  readonly backoff?: { readonly initialMs: number; readonly maxMs: number };
  /** Topic of a record the source gave none; default `vanguard.<context>.events.v1`. */
  readonly topicFor?: (envelope: EventEnvelope) => string;
  readonly logger?: MessagingLogger;
  /** Metrics: `vanguard_relay_published_total`, `vanguard_relay_consecutive_failures`. */
  readonly metrics?: Registry;
}

export interface RelayStats {
  readonly published: number;
  readonly rounds: number;
  readonly consecutiveFailures: number;
  readonly lastError?: string;
}

/** First wait before re-reading records held back behind an open transaction; doubles up to the idle pause. */
const HELD_BACK_FIRST_MS = 5;

export function defaultTopicFor(envelope: EventEnvelope): string {
  return contextTopic(envelope.type.split('.')[0] ?? '', 1);
}

/**
 * Moves committed events from a source to Kafka: read a batch, publish it with an
 * idempotent producer (acks=all, one request in flight, key = streamId, so per-stream
 * order holds), then commit the source's checkpoint. While Kafka is unreachable it keeps
 * retrying with backoff; nothing is committed that Kafka did not acknowledge.
 *
 * Idle, it waits for the source's wake-up (`watch`: LISTEN/NOTIFY for the outbox and the
 * event store) rather than polling; `idleDelayMs` is only the fallback for wake-ups lost
 * while the source's listening connection was down.
 */
export class Relay {
  private producer: Producer | undefined;
  private connected = false;
  private running = false;
  private loop: Promise<void> | undefined;
  /** Ends any pause: stop. */
  private wake: (() => void) | undefined;
  /** Ends only the idle pause; a failure's backoff is not cut short by new records. */
  private wakeIdle: (() => void) | undefined;
  /** Set by the source's wake-up; a read clears it, so one arriving during a round is not slept through. */
  private notified = false;
  private watching: SourceWatch | undefined;
  private after: unknown;
  private readonly log: MessagingLogger;
  private readonly publishedTotal;
  private readonly failuresGauge;
  private stats_: { published: number; rounds: number; consecutiveFailures: number; lastError?: string } = {
    published: 0,
    rounds: 0,
    consecutiveFailures: 0,
  };

  constructor(private readonly options: RelayOptions) {
    this.log = options.logger ?? silentLogger;
    const registry = options.metrics ?? new Registry();
    this.publishedTotal = counter(registry, 'vanguard_relay_published_total', 'Events the relay published to Kafka', ['source']);
    this.failuresGauge = gauge(
      registry,
      'vanguard_relay_consecutive_failures',
      'Relay rounds failed in a row (Kafka or source unavailable)',
      ['source'],
    );
  }

  get stats(): RelayStats {
    return { ...this.stats_ };
  }

  /** Whether the source can wake the relay right now; false: it finds new records by its idle poll. */
  get listening(): boolean {
    return this.watching?.listening ?? false;
  }

  /** Starts the background loop; returns at once. */
  start(): void {
    if (this.running) return;
    this.running = true;
    const source = this.options.source;
    if (this.options.notifications !== false && source.watch) {
      this.watching = source.watch(
        () => this.notify(),
        (err) => this.log.warn({ source: source.name, err }, 'relay wake-ups interrupted; polling until the listener is back'),
      );
    }
    this.loop = this.run();
  }

  /** Finishes the current round (publish + commit), then disconnects. */
  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
    this.loop = undefined;
    await this.watching?.stop();
    this.watching = undefined;
    await this.disconnect();
    await this.options.source.close?.();
  }

  /** One round: read up to `batchSize` records, publish, commit. Returns how many were published. */
  async relayOnce(): Promise<number> {
    return (await this.round()).published;
  }

  private async round(): Promise<{ published: number; heldBack: boolean }> {
    this.notified = false;
    const batch = await this.options.source.read(this.after, this.options.batchSize ?? 500);
    if (batch.records.length) {
      const producer = await this.connect();
      const byTopic = new Map<string, TopicMessages>();
      for (const r of batch.records) {
        const topic = r.topic ?? (this.options.topicFor ?? defaultTopicFor)(r.envelope);
        const entry = byTopic.get(topic) ?? { topic, messages: [] };
        entry.messages.push(toKafkaMessage(r.envelope));
        byTopic.set(topic, entry);
      }
      await producer.sendBatch({ topicMessages: [...byTopic.values()], acks: -1 });
    }
    await this.options.source.commit(batch.checkpoint);
    this.after = batch.checkpoint;
    this.stats_.published += batch.records.length;
    this.stats_.rounds += 1;
    this.publishedTotal.inc({ source: this.options.source.name }, batch.records.length);
    return { published: batch.records.length, heldBack: batch.heldBack === true };
  }

  private async run(): Promise<void> {
    const { initialMs, maxMs } = this.options.backoff ?? { initialMs: 200, maxMs: 10_000 };
    const idle = this.options.idleDelayMs ?? 1000;
    let delay = initialMs;
    let heldBackDelay = HELD_BACK_FIRST_MS;
    while (this.running) {
      try {
        const { published, heldBack } = await this.round();
        if (this.stats_.consecutiveFailures) this.log.info({ source: this.options.source.name }, 'relay recovered');
        this.stats_.consecutiveFailures = 0;
        this.failuresGauge.set({ source: this.options.source.name }, 0);
        delay = initialMs;
        if (published > 0) heldBackDelay = HELD_BACK_FIRST_MS;
        else if (heldBack) {
          await this.pause(Math.min(heldBackDelay, idle), true);
          heldBackDelay *= 2;
        } else {
          heldBackDelay = HELD_BACK_FIRST_MS;
          await this.pause(idle, true);
        }
      } catch (e) {
        this.stats_.consecutiveFailures += 1;
        this.stats_.lastError = e instanceof Error ? e.message : String(e);
        this.failuresGauge.set({ source: this.options.source.name }, this.stats_.consecutiveFailures);
        this.log.warn({ source: this.options.source.name, err: e, retryInMs: delay }, 'relay round failed; nothing committed');
        // A producer that failed may hold a broken connection; start over with a fresh one.
        await this.disconnect();
        // The checkpoint in memory may be ahead of what a failed commit stored: re-read from the store.
        this.after = undefined;
        await this.pause(delay, false);
        delay = Math.min(maxMs, delay * 2);
      }
    }
  }

  private notify(): void {
    this.notified = true;
    this.wakeIdle?.();
  }

  /** `idle`: waiting for new records, so the source's wake-up (or one during the last round) ends it early. */
  private pause(ms: number, idle: boolean): Promise<void> {
    if (!this.running || (idle && this.notified)) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(t);
        this.wake = undefined;
        this.wakeIdle = undefined;
        resolve();
      };
      const t = setTimeout(done, ms);
      this.wake = done;
      this.wakeIdle = idle ? done : undefined;
    });
  }

  private async connect(): Promise<Producer> {
    if (this.producer && this.connected) return this.producer;
    this.producer = this.options.kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
    await this.producer.connect();
    this.connected = true;
    return this.producer;
  }

  private async disconnect(): Promise<void> {
    const p = this.producer;
    this.producer = undefined;
    this.connected = false;
    await p?.disconnect().catch(() => undefined);
  }
}
