import type { Kafka, Producer } from 'kafkajs';
import { Registry } from 'prom-client';
import { contextTopic, type EventEnvelope } from '@vanguard/contracts';
import { HeldBackPause } from '@vanguard/event-store';
import { silentLogger, type MessagingLogger } from '../logger';
import { counter, gauge } from '../metrics';
import { byTopic, encode, errorText, INVALID, kafkaErrorTypes, TOO_LARGE, type Outgoing } from './kafka-refusals';
import { inRequests, messageBytes } from '../kafka/produce-requests';
import type { RefusedRecord, RelayRefusalReason } from './relay-dead-letters';
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
  /** Metrics: `vanguard_relay_published_total`, `vanguard_relay_consecutive_failures`, `vanguard_relay_dead_lettered_total`. */
  readonly metrics?: Registry;
}

export interface RelayStats {
  readonly published: number;
  /** Records set aside in the source's relay dead letters (see RefusedRecord). */
  readonly deadLettered: number;
  /** Rounds completed, standby rounds included. */
  readonly rounds: number;
  /** The last round found another instance leading the source. */
  readonly standby: boolean;
  /** The last round's source held records back behind an older open transaction (ADR 0008): more will come. */
  readonly heldBack: boolean;
  readonly consecutiveFailures: number;
  readonly lastError?: string;
}

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
  private readonly deadLetteredTotal;
  private stats_: {
    published: number;
    deadLettered: number;
    rounds: number;
    standby: boolean;
    heldBack: boolean;
    consecutiveFailures: number;
    lastError?: string;
  } = {
    published: 0,
    deadLettered: 0,
    rounds: 0,
    standby: false,
    heldBack: false,
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
    this.deadLetteredTotal = counter(
      registry,
      'vanguard_relay_dead_lettered_total',
      'Records the relay set aside instead of publishing, by reason',
      ['source', 'reason'],
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

  private async round(): Promise<{ published: number; read: number; heldBack: boolean }> {
    this.notified = false;
    this.stats_.heldBack = false;
    const source = this.options.source;
    const batch = await source.read(this.after, this.options.batchSize ?? 500);
    if (batch.standby) {
      // Another replica leads: nothing read, nothing to commit. Whoever leads next starts from
      // the source's durable checkpoint, not from anything this instance remembers.
      this.after = undefined;
      this.stats_.standby = true;
      this.stats_.rounds += 1;
      return { published: 0, read: 0, heldBack: false };
    }
    this.stats_.standby = false;
    if (!this.leads()) return this.lostLead();
    const refused: RefusedRecord[] = [...(batch.refused ?? [])];
    const outgoing: Outgoing[] = [];
    for (const r of batch.records) {
      const topic = r.topic ?? (this.options.topicFor ?? defaultTopicFor)(r.envelope);
      const encoded = encode(r.envelope);
      if (typeof encoded === 'string') refused.push({ envelope: r.envelope, topic, reason: 'unencodable', error: encoded });
      else outgoing.push({ envelope: r.envelope, topic, message: encoded });
    }
    const published = outgoing.length ? await this.publish(outgoing, refused) : 0;
    if (published < 0) return this.lostLead();
    if (refused.length) {
      if (!source.deadLetter) {
        throw new Error(
          `${source.name}: ${refused.length} record(s) refused (${refused[0]!.reason}: ${refused[0]!.error}) and the source keeps no dead letters`,
        );
      }
      // Before the commit: a crash in between re-reads the batch, and dead-lettering is idempotent.
      await source.deadLetter(refused);
      for (const r of refused) {
        this.deadLetteredTotal.inc({ source: source.name, reason: r.reason });
        this.log.error(
          { source: source.name, eventId: r.envelope.eventId, type: r.envelope.type, topic: r.topic, reason: r.reason, error: r.error },
          'relay dead-lettered a record it could not publish',
        );
      }
    }
    await source.commit(batch.checkpoint);
    this.after = batch.checkpoint;
    this.stats_.published += published;
    this.stats_.deadLettered += refused.length;
    this.stats_.rounds += 1;
    this.stats_.heldBack = batch.heldBack === true;
    this.publishedTotal.inc({ source: source.name }, published);
    return { published, read: batch.records.length + (batch.refused?.length ?? 0), heldBack: batch.heldBack === true };
  }

  /**
   * Publishes the batch in requests under the broker's size limit (`inRequests`), one after
   * another. If Kafka refuses one, its records go again one at a time, in order (so each stream
   * keeps its order), and a record Kafka refuses for what it is (too large, no such topic,
   * invalid) joins `refused` instead of wedging the relay; any other failure (broker
   * unreachable, not enough replicas) fails the round as before.
   * -1: the source's lock went before a send (nothing more sent; what went before stays sent).
   */
  private async publish(outgoing: readonly Outgoing[], refused: RefusedRecord[]): Promise<number> {
    let published = 0;
    for (const run of inRequests(outgoing, (o) => messageBytes(o.message))) {
      const sent = await this.publishRun(run, refused);
      if (sent < 0) return -1;
      published += sent;
    }
    return published;
  }

  private async publishRun(outgoing: readonly Outgoing[], refused: RefusedRecord[]): Promise<number> {
    const producer = await this.connect();
    if (!this.leads()) return -1;
    try {
      await producer.sendBatch({ topicMessages: byTopic(outgoing), acks: -1 });
      return outgoing.length;
    } catch (e) {
      if (!(await this.refusal(e, outgoing))) throw e;
    }
    let published = 0;
    for (const o of outgoing) {
      if (!this.leads()) return -1;
      try {
        await (await this.connect()).send({ topic: o.topic, messages: [o.message], acks: -1 });
        published += 1;
      } catch (e) {
        const reason = await this.refusal(e, [o]);
        if (!reason) throw e;
        refused.push({ envelope: o.envelope, topic: o.topic, reason, error: errorText(e) });
      }
    }
    return published;
  }

  /** The source's lock, asked right before sending: a leader whose lease lapsed must not publish. */
  private leads(): boolean {
    return this.options.source.isLeader !== false;
  }

  /**
   * The source's lock went (its connection silent or dead) after the read: nothing more is
   * sent and nothing committed; whoever leads next starts from the durable checkpoint.
   */
  private lostLead(): { published: number; read: number; heldBack: boolean } {
    this.log.warn({ source: this.options.source.name }, 'relay lost the lead of its source; not publishing the batch read');
    this.after = undefined;
    this.stats_.standby = true;
    this.stats_.rounds += 1;
    return { published: 0, read: 0, heldBack: false };
  }

  /** Whether Kafka refused the records themselves (not: could not be reached), and why. */
  private async refusal(e: unknown, records: readonly Outgoing[]): Promise<RelayRefusalReason | undefined> {
    const types = kafkaErrorTypes(e);
    if (types.some((t) => TOO_LARGE.has(t))) return 'too-large';
    if (types.some((t) => INVALID.has(t))) return 'invalid-record';
    if (!types.includes('UNKNOWN_TOPIC_OR_PARTITION')) return undefined;
    // Also what a broker says for a topic it is still creating: ask whether the topic exists.
    const admin = this.options.kafka.admin();
    try {
      await admin.connect();
      const existing = new Set(await admin.listTopics());
      return records.some((r) => !existing.has(r.topic)) ? 'unknown-topic' : undefined;
    } catch {
      return undefined;
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
  }

  private async run(): Promise<void> {
    const { initialMs, maxMs } = this.options.backoff ?? { initialMs: 200, maxMs: 10_000 };
    const idle = this.options.idleDelayMs ?? 1000;
    let delay = initialMs;
    const heldBackPause = new HeldBackPause(idle);
    while (this.running) {
      try {
        const { read, heldBack } = await this.round();
        // A standby's round is a success too: standing by is its job, not a fault.
        if (this.stats_.consecutiveFailures) this.log.info({ source: this.options.source.name }, 'relay recovered');
        this.stats_.consecutiveFailures = 0;
        this.failuresGauge.set({ source: this.options.source.name }, 0);
        delay = initialMs;
        if (read > 0) heldBackPause.reset();
        else if (heldBack) {
          await this.pause(heldBackPause.take(), true);
        } else {
          heldBackPause.reset();
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
