import type { Consumer, Producer } from 'kafkajs';
import { Registry } from 'prom-client';
import { silentLogger, type MessagingLogger } from '../logger';
import { gauge } from '../metrics';
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from './retry-policy';
import type { EventConsumerOptions } from './consumer-options';
import { ConsumerOutcomes } from './consumer-outcomes';
import { PartitionBatches } from './partition-batches';
import { IDLE_FETCH_WAIT_MS } from '@vanguard/kafka-topics';

// The options and handler types are EventConsumer's public face: exported from here as before the split.
export * from './consumer-options';

/** `stop()` arrived while `start()` was still connecting. */
class ConsumerStopped extends Error {}
/** Pause before restarting a crashed consumer, doubling while the broker stays away. */
const RESTART_FIRST_MS = 300;
const RESTART_MAX_MS = 30_000;

/**
 * A consumer group member that turns at-least-once delivery into exactly-once effects:
 * validate against the contract → run the handler inside the inbox transaction → retry
 * with backoff → dead-letter and move on. Offsets are committed only for messages that
 * were processed, recognised as duplicates, ignored or dead-lettered. This file is its
 * lifecycle (start, stop, restart after a crash); what it does with each fetched batch is
 * PartitionBatches', and the inbox path InboxChunks'.
 */
export class EventConsumer<TTx> {
  private consumer: Consumer | undefined;
  private producer: Producer | undefined;
  private starting: Promise<void> | undefined;
  /** A restart after a crash, from its pause to the end of its start. */
  private restarting: Promise<void> | undefined;
  private wakeRestart: (() => void) | undefined;
  private crashedWhileRestarting = false;
  private stopRequested = false;
  private readonly log: MessagingLogger;
  private readonly batches: PartitionBatches<TTx>;

  constructor(private readonly options: EventConsumerOptions<TTx>) {
    this.log = options.logger ?? silentLogger;
    const policy: RetryPolicy = { ...DEFAULT_RETRY_POLICY, ...options.retry };
    const name = options.consumerName ?? options.groupId;
    const registry = options.metrics ?? new Registry();
    const lag = gauge(registry, 'vanguard_consumer_lag', 'Messages on the partition not yet processed by the group', [
      'group',
      'topic',
      'partition',
    ]);
    const outcomes = new ConsumerOutcomes({
      groupId: options.groupId,
      name,
      registry,
      log: this.log,
      deadLetterTopicFor: options.deadLetterTopicFor,
      now: options.now,
      producer: () => this.producer,
    });
    this.batches = new PartitionBatches(options, name, policy, outcomes, lag, this.log);
  }

  /**
   * Joins the group and starts consuming. A start that fails part-way releases what it had
   * connected, so it may be tried again. Once `stop()` has been called the consumer stays
   * stopped: a start still connecting then (Kafka slow or down at boot), or one called later
   * by a runner that was preparing topics meanwhile, ends without joining the group, instead
   * of consuming after its service has shut down. Make a new consumer to consume again.
   */
  async start(): Promise<void> {
    if (this.consumer || this.starting) throw new Error('consumer already started');
    if (this.stopRequested) return;
    this.starting = this.connectAndRun();
    try {
      await this.starting;
    } finally {
      this.starting = undefined;
    }
  }

  private async connectAndRun(): Promise<void> {
    const { kafka, groupId, topics } = this.options;
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
    const consumer = kafka.consumer({
      groupId,
      allowAutoTopicCreation: false,
      maxWaitTimeInMs: this.options.maxWaitTimeInMs ?? IDLE_FETCH_WAIT_MS,
      ...(this.options.sessionTimeoutMs ? { sessionTimeout: this.options.sessionTimeoutMs } : {}),
      // kafkajs would restart a crashed consumer on a timer of its own, out of stop()'s reach: a
      // restart in flight when stop() came went on joining after stop() had returned. This
      // consumer restarts itself instead, through start(), which stop() waits for.
      retry: {
        restartOnFailure: (e: Error) => {
          this.restartAfterCrash(consumer, producer, e);
          return Promise.resolve(false);
        },
      },
    });
    this.producer = producer;
    this.consumer = consumer;
    const unlessStopped = () => {
      if (this.stopRequested) throw new ConsumerStopped();
    };
    try {
      await producer.connect();
      unlessStopped();
      await consumer.connect();
      unlessStopped();
      await consumer.subscribe({ topics: [...topics], fromBeginning: this.options.fromBeginning ?? true });
      unlessStopped();
      await consumer.run({
        // Offsets are a resume hint, not the dedup guarantee (the inbox is): committing every
        // 100 messages or every second instead of after each one keeps the consumer off the
        // broker's round trip, and a crash only means more duplicates for the inbox to absorb.
        autoCommit: true,
        autoCommitInterval: 1000,
        autoCommitThreshold: 100,
        // Each partition's messages stay in order; partitions are independent.
        partitionsConsumedConcurrently: this.options.partitionsConsumedConcurrently ?? 3,
        eachBatchAutoResolve: false,
        eachBatch: (payload) => this.batches.eachBatch(payload),
      });
      // Stopped while joining: kafkajs's stop returned at once and the join went on.
      unlessStopped();
    } catch (e) {
      if (this.consumer === consumer) this.consumer = undefined;
      if (this.producer === producer) this.producer = undefined;
      await consumer.disconnect().catch(() => undefined);
      await producer.disconnect().catch(() => undefined);
      // stop()'s disconnects make kafkajs throw from the connect in flight: that is the stop, not a failure.
      if (e instanceof ConsumerStopped || this.stopRequested) return;
      throw e;
    }
  }

  /**
   * Graceful: finishes the fetched batch (a message waiting for a retry is left for the
   * next owner), commits processed offsets, leaves the group. Called during `start()`, it
   * disconnects what that start is connecting and waits for the start to give up.
   */
  async stop(): Promise<void> {
    this.stopRequested = true;
    this.wakeRestart?.();
    const c = this.consumer;
    const p = this.producer;
    this.consumer = undefined;
    this.producer = undefined;
    try {
      await c?.disconnect();
      await p?.disconnect();
    } finally {
      await this.starting?.catch(() => undefined);
      await this.restarting;
    }
  }

  /**
   * kafkajs gave up on a retriable failure (the broker gone longer than its retries, a join
   * that failed) and has disconnected the consumer: release the producer too, then start afresh
   * after a pause that doubles up to 30 s while the broker stays away. stop() ends the pause and
   * waits for a start in flight, as for the first start.
   */
  private restartAfterCrash(crashed: Consumer, producer: Producer, error: Error): void {
    if (this.stopRequested || this.consumer !== crashed) return;
    this.consumer = undefined;
    this.producer = undefined;
    this.log.warn({ group: this.options.groupId, err: error }, 'consumer crashed; restarting it');
    const released = producer.disconnect().catch(() => undefined);
    // A crash of the restart's own start (kafkajs reports a failed join as a crash, not by
    // rejecting): the restart goes round again.
    if (this.restarting) this.crashedWhileRestarting = true;
    else this.restarting = this.restart(released).finally(() => (this.restarting = undefined));
  }

  private async restart(released: Promise<unknown>): Promise<void> {
    await released;
    for (let delay = RESTART_FIRST_MS; ; delay = Math.min(delay * 2, RESTART_MAX_MS)) {
      // A stop() that came while the last start was returning found no pause to end: not one more.
      if (this.stopRequested) return;
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, delay);
        this.wakeRestart = () => {
          clearTimeout(t);
          resolve();
        };
      });
      this.wakeRestart = undefined;
      if (this.stopRequested) return;
      this.crashedWhileRestarting = false;
      try {
        // The start that crashed may still be returning from kafkajs's run().
        await this.starting?.catch(() => undefined);
        await this.start();
      } catch (e) {
        this.log.warn({ group: this.options.groupId, err: e }, 'consumer restart failed');
        continue;
      }
      if (!this.crashedWhileRestarting) return;
    }
  }
}
