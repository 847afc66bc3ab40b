import type { Consumer, EachBatchPayload, Kafka, KafkaMessage, Producer } from 'kafkajs';
import { Registry } from 'prom-client';
import { deadLetterTopic, type AnyEventContract, type ContractEvent, type ContractRegistry, type EventEnvelope } from '@vanguard/contracts';
import { decodeKafkaValue } from '../kafka/envelope-codec';
import { silentLogger, type MessagingLogger } from '../logger';
import { counter, gauge } from '../metrics';
import { SwallowedDatabaseError, type Inbox, type InboxItem, type MessageOrigin } from '../inbox/inbox.port';
import { deadLetterMessage, type DeadLetterReason } from './dead-letter';
import { DEFAULT_RETRY_POLICY, PermanentHandlerError, isInfrastructureError, retryDelayMs, type RetryPolicy } from './retry-policy';

export interface EventHandlerContext<TTx> {
  /** The inbox transaction: write the effect with it, so effect and inbox row commit together. */
  readonly tx: TTx;
  readonly origin: MessageOrigin;
  /** 1 for the first attempt. */
  readonly attempt: number;
}

export type EventHandler<TTx, E extends EventEnvelope = EventEnvelope> = (event: E, ctx: EventHandlerContext<TTx>) => Promise<void>;

/** A handler map entry typed by its contract: `...handle(MemberJoined, async (e, { tx }) => …)`. */
export function handle<C extends AnyEventContract, TTx>(
  contract: C,
  handler: EventHandler<TTx, ContractEvent<C>>,
): Record<string, EventHandler<TTx>> {
  return { [contract.type]: handler as unknown as EventHandler<TTx> };
}

export type ConsumerOutcome = 'processed' | 'duplicate' | 'ignored' | 'dead_lettered' | 'retried';

export interface EventConsumerOptions<TTx> {
  readonly kafka: Kafka;
  readonly groupId: string;
  readonly topics: readonly string[];
  /** Consumers validate before handling; violations go to the DLQ. */
  readonly contracts: ContractRegistry;
  readonly inbox: Inbox<TTx>;
  /** By event type. Valid events of other types are acknowledged without effect. */
  readonly handlers: Readonly<Record<string, EventHandler<TTx>>>;
  /** Inbox key; defaults to `groupId`. */
  readonly consumerName?: string;
  /** Where a new group starts. Default true: a new read model needs the whole history. */
  readonly fromBeginning?: boolean;
  readonly retry?: Partial<RetryPolicy>;
  readonly deadLetterTopicFor?: (topic: string) => string;
  /** Metrics: `vanguard_consumer_lag`, `vanguard_consumer_messages_total`. */
  readonly metrics?: Registry;
  readonly logger?: MessagingLogger;
  readonly now?: () => Date;
  readonly sessionTimeoutMs?: number;
  /** Partitions handled side by side (order holds within each); default 3. */
  readonly partitionsConsumedConcurrently?: number;
  /** Most messages of one partition handled in one inbox transaction; default 100. */
  readonly transactionBatchSize?: number;
  /**
   * How long the broker may hold a fetch open when there is nothing to read; default 1,000 ms.
   * `stop()` waits for the fetch in flight, so this bounds how long an idle consumer takes to
   * stop (kafkajs's own default, 5 s, made every shutdown and every test teardown wait 5 s).
   */
  readonly maxWaitTimeInMs?: number;
  /**
   * A record with a null value on a compacted topic (a row truly deleted): called in partition
   * order, after every earlier message of the partition is committed and before any later one.
   * The effect must be idempotent (a delete by key): tombstones carry no event id for the inbox.
   * Without it a tombstone is dead-lettered as `malformed-json`.
   */
  readonly onTombstone?: (tombstone: Tombstone) => Promise<void>;
  /**
   * Takes over each chunk (one partition's consecutive messages) from the inbox path, for a
   * consumer that keeps its own idempotency, such as the county inbound gate (keyed by county
   * and message id, not by consumer and event id). It dead-letters through `ctx.deadLetter`
   * and counts its own outcomes. A throw rolls the chunk back and retries it with the policy's
   * backoff; after the last attempt a chunk of several messages is run one message at a time,
   * and a single message that still fails (or threw PermanentHandlerError) is dead-lettered as
   * `handler-failed`. `inbox` and `handlers` are not used then.
   */
  readonly chunkProcessor?: ChunkProcessor;
}

/** What a chunk processor gets: the messages in partition order and the consumer's DLQ. */
export interface ChunkContext {
  readonly topic: string;
  readonly partition: number;
  readonly messages: readonly KafkaMessage[];
  /** 1 for the first attempt at this chunk. */
  readonly attempt: number;
  deadLetter(message: KafkaMessage, reason: DeadLetterReason, error: string): Promise<void>;
}

export type ChunkProcessor = (ctx: ChunkContext) => Promise<void>;

/** A null-valued record: its key names what was deleted. */
export interface Tombstone extends MessageOrigin {
  readonly key: string | null;
}

const DEFAULT_TRANSACTION_BATCH = 100;

/** `stop()` arrived while `start()` was still connecting. */
class ConsumerStopped extends Error {}
const DEFAULT_MAX_WAIT_MS = 1_000;

/**
 * A consumer group member that turns at-least-once delivery into exactly-once effects:
 * validate against the contract → run the handler inside the inbox transaction → retry
 * with backoff → dead-letter and move on. Offsets are committed only for messages that
 * were processed, recognised as duplicates, ignored or dead-lettered.
 */
export class EventConsumer<TTx> {
  private consumer: Consumer | undefined;
  private producer: Producer | undefined;
  private starting: Promise<void> | undefined;
  private stopRequested = false;
  private readonly log: MessagingLogger;
  private readonly policy: RetryPolicy;
  private readonly name: string;
  private readonly lag;
  private readonly outcomes;

  constructor(private readonly options: EventConsumerOptions<TTx>) {
    this.log = options.logger ?? silentLogger;
    this.policy = { ...DEFAULT_RETRY_POLICY, ...options.retry };
    this.name = options.consumerName ?? options.groupId;
    const registry = options.metrics ?? new Registry();
    this.lag = gauge(registry, 'vanguard_consumer_lag', 'Messages on the partition not yet processed by the group', [
      'group',
      'topic',
      'partition',
    ]);
    this.outcomes = counter(registry, 'vanguard_consumer_messages_total', 'Messages by what the consumer did with them', [
      'group',
      'topic',
      'outcome',
    ]);
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
      maxWaitTimeInMs: this.options.maxWaitTimeInMs ?? DEFAULT_MAX_WAIT_MS,
      ...(this.options.sessionTimeoutMs ? { sessionTimeout: this.options.sessionTimeoutMs } : {}),
      // kafkajs restarts a crashed consumer on a timer of its own; not once it has been told to stop.
      retry: { restartOnFailure: () => Promise.resolve(!this.stopRequested) },
    });
    // A restart already under way when stop() came joins the group after kafkajs's stop has
    // returned (its runner was not running yet, so there was nothing to stop): leave again.
    consumer.on(consumer.events.GROUP_JOIN, () => {
      if (this.stopRequested) setImmediate(() => void consumer.disconnect().catch(() => undefined));
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
        eachBatch: (payload) => this.eachBatch(payload),
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
    const c = this.consumer;
    const p = this.producer;
    this.consumer = undefined;
    this.producer = undefined;
    try {
      await c?.disconnect();
      await p?.disconnect();
    } finally {
      await this.starting?.catch(() => undefined);
    }
  }

  private async eachBatch(payload: EachBatchPayload): Promise<void> {
    const { batch } = payload;
    const heartbeat = () => payload.heartbeat();
    const isRunning = () => payload.isRunning();
    const labels = { group: this.options.groupId, topic: batch.topic, partition: String(batch.partition) };
    const hw = Number(batch.highWatermark);
    const first = batch.messages[0];
    if (first) this.lag.set(labels, Math.max(0, hw - Number(first.offset)));
    const resolve = (message: KafkaMessage) => {
      payload.resolveOffset(message.offset);
      this.lag.set(labels, Math.max(0, hw - Number(message.offset) - 1));
    };
    const chunkSize = this.options.transactionBatchSize ?? DEFAULT_TRANSACTION_BATCH;
    try {
      for (let from = 0; from < batch.messages.length; from += chunkSize) {
        // Stopping finishes the fetched batch (isRunning is false then); a rebalance that took the partition does not.
        if (payload.isStale()) return;
        const chunk = batch.messages.slice(from, from + chunkSize);
        const done = await this.processChunk(batch.topic, batch.partition, chunk, resolve, heartbeat, isRunning);
        if (!done) return; // stopping in the middle of retries: leave the rest uncommitted for the next owner
        await payload.commitOffsetsIfNecessary();
        await heartbeat();
      }
    } finally {
      // Whatever was resolved is committed before the batch ends, also when stopping:
      // the next owner of the partition starts right after the last handled message.
      const pending = payload.uncommittedOffsets();
      if (pending.topics.some((t) => t.partitions.length)) await payload.commitOffsetsIfNecessary(pending);
    }
  }

  /**
   * One partition's consecutive messages: rejects go to the DLQ, the rest are handled in one
   * inbox transaction (one commit instead of one per message, which is what lets a consumer
   * keep up at thousands of events a second). If that transaction fails, the messages are
   * handled one by one, each with its own retries, so one bad message cannot hold back the
   * others. Returns false when it gave up because the consumer is stopping.
   */
  private async processChunk(
    topic: string,
    partition: number,
    messages: readonly KafkaMessage[],
    resolve: (message: KafkaMessage) => void,
    heartbeat: () => Promise<void>,
    isRunning: () => boolean,
  ): Promise<boolean> {
    // A tombstone splits the chunk, so the delete lands between the effects before and after it.
    const t = this.options.onTombstone ? messages.findIndex((m) => m.value === null) : -1;
    if (t >= 0) {
      if (t > 0 && !(await this.processChunk(topic, partition, messages.slice(0, t), resolve, heartbeat, isRunning))) return false;
      const m = messages[t]!;
      await this.options.onTombstone!({ topic, partition, offset: m.offset, key: m.key === null ? null : m.key.toString('utf8') });
      this.count(topic, 'processed');
      resolve(m);
      return this.processChunk(topic, partition, messages.slice(t + 1), resolve, heartbeat, isRunning);
    }
    if (this.options.chunkProcessor)
      return this.processWith(this.options.chunkProcessor, topic, partition, messages, resolve, heartbeat, isRunning);
    const work: { message: KafkaMessage; item?: InboxItem; handler?: EventHandler<TTx> }[] = [];
    for (const message of messages) {
      const origin: MessageOrigin = { topic, partition, offset: message.offset };
      const checked = this.check(message);
      if ('reject' in checked) {
        await this.deadLetter(message, origin, checked.reject, checked.message, 0);
        work.push({ message });
      } else if (!checked.handler) {
        this.count(topic, 'ignored');
        work.push({ message });
      } else {
        work.push({ message, item: { event: checked.event, origin }, handler: checked.handler });
      }
    }
    const handled = work.filter((w) => w.item);
    if (handled.length === 0) {
      messages.forEach(resolve);
      return true;
    }
    // Which handler failed, and with what: only an error a handler raised (or the inbox's
    // SwallowedDatabaseError naming it) is that handler's. A failed BEGIN, claim or COMMIT is
    // nobody's, and blaming the last handler run would spend its attempt, or dead-letter it.
    const thrown: { index?: number; error?: unknown } = {};
    try {
      const outcomes = await this.options.inbox.processBatch(
        this.name,
        handled.map((w) => w.item!),
        async (tx, item, i) => {
          try {
            await handled[i]!.handler!(item.event, { tx, origin: item.origin, attempt: 1 });
          } catch (error) {
            thrown.index = i;
            thrown.error = error;
            throw error;
          }
        },
      );
      for (const outcome of outcomes) this.count(topic, outcome);
      messages.forEach(resolve);
      return true;
    } catch (e) {
      // Nothing of the batch committed. The handler that failed has had its first attempt;
      // the others start afresh (handlers' effects must live in the transaction, so a rerun is harmless).
      const failedIndex =
        e instanceof SwallowedDatabaseError ? e.index : thrown.index !== undefined && thrown.error === e ? thrown.index : -1;
      const failed = failedIndex >= 0 ? handled[failedIndex] : undefined;
      this.log.warn({ topic, partition, messages: handled.length, err: e }, 'batch transaction failed; handling its messages one by one');
      for (const w of work) {
        if (w.item && !(await this.handleOne(w.item, w.handler!, w.message, heartbeat, isRunning, w === failed ? e : undefined))) {
          return false;
        }
        resolve(w.message);
      }
      return true;
    }
  }

  /** A chunk given to `chunkProcessor`: retried with backoff, then one message at a time, then dead-lettered. */
  private async processWith(
    processor: ChunkProcessor,
    topic: string,
    partition: number,
    messages: readonly KafkaMessage[],
    resolve: (message: KafkaMessage) => void,
    heartbeat: () => Promise<void>,
    isRunning: () => boolean,
  ): Promise<boolean> {
    if (messages.length === 0) return true;
    for (let attempt = 1; ; attempt++) {
      const deadLetter = (m: KafkaMessage, reason: DeadLetterReason, error: string) =>
        this.deadLetter(m, { topic, partition, offset: m.offset }, reason, error, 0);
      try {
        await processor({ topic, partition, messages, attempt, deadLetter });
        messages.forEach(resolve);
        return true;
      } catch (e) {
        const permanent = e instanceof PermanentHandlerError;
        // An unreachable part says nothing about these messages: wait it out, however long.
        const unreachable = isInfrastructureError(e);
        if (!unreachable && (permanent || attempt >= this.policy.maxAttempts)) {
          if (messages.length > 1) {
            for (const m of messages)
              if (!(await this.processWith(processor, topic, partition, [m], resolve, heartbeat, isRunning))) return false;
            return true;
          }
          const error = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
          await this.deadLetter(messages[0]!, { topic, partition, offset: messages[0]!.offset }, 'handler-failed', error, attempt);
          resolve(messages[0]!);
          return true;
        }
        this.count(topic, 'retried');
        const delay = retryDelayMs(this.policy, unreachable ? Math.min(attempt, 16) : attempt);
        this.log.warn(
          { topic, partition, messages: messages.length, attempt, retryInMs: delay, unreachable, err: e },
          unreachable ? 'a part the chunk needs is unreachable; waiting' : 'chunk failed; retrying',
        );
        const deadline = Date.now() + delay;
        while (Date.now() < deadline) {
          if (!isRunning()) return false;
          await new Promise((r) => setTimeout(r, Math.min(100, deadline - Date.now())));
          await heartbeat();
        }
      }
    }
  }

  private check(
    message: KafkaMessage,
  ): { reject: DeadLetterReason; message: string } | { event: EventEnvelope; handler?: EventHandler<TTx> } {
    const decoded = decodeKafkaValue(message);
    if (!decoded.ok) return { reject: 'malformed-json', message: decoded.message };
    const valid = this.options.contracts.validate(decoded.value);
    if (!valid.ok) return { reject: valid.reason, message: valid.message };
    const event = valid.envelope;
    const handler = this.options.handlers[event.type];
    return handler ? { event, handler } : { event };
  }

  /**
   * One message in its own inbox transaction, retried with backoff, dead-lettered when
   * retrying cannot help. `firstFailure`: attempt 1 already ran (in a batch) and threw this.
   * Returns false when it gave up because the consumer is stopping.
   */
  private async handleOne(
    item: InboxItem,
    handler: EventHandler<TTx>,
    message: KafkaMessage,
    heartbeat: () => Promise<void>,
    isRunning: () => boolean,
    firstFailure?: unknown,
  ): Promise<boolean> {
    const { event, origin } = item;
    let failure: { error: unknown } | undefined = firstFailure === undefined ? undefined : { error: firstFailure };
    for (let attempt = 1; ; attempt++) {
      if (!failure) {
        try {
          const outcome = await this.options.inbox.processOnce(this.name, event, origin, (tx) => handler(event, { tx, origin, attempt }));
          this.count(origin.topic, outcome);
          return true;
        } catch (e) {
          failure = { error: e };
        }
      }
      const e = failure.error;
      failure = undefined;
      const error = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
      if (e instanceof PermanentHandlerError || attempt >= this.policy.maxAttempts) {
        await this.deadLetter(message, origin, 'handler-failed', error, attempt);
        return true;
      }
      this.count(origin.topic, 'retried');
      const delay = retryDelayMs(this.policy, attempt);
      this.log.warn({ ...origin, eventId: event.eventId, type: event.type, attempt, retryInMs: delay, err: e }, 'handler failed; retrying');
      const deadline = Date.now() + delay;
      while (Date.now() < deadline) {
        if (!isRunning()) return false;
        await new Promise((r) => setTimeout(r, Math.min(100, deadline - Date.now())));
        await heartbeat();
      }
    }
  }

  private count(topic: string, outcome: ConsumerOutcome): void {
    this.outcomes.inc({ group: this.options.groupId, topic, outcome });
  }

  private async deadLetter(
    message: KafkaMessage,
    origin: MessageOrigin,
    reason: DeadLetterReason,
    error: string,
    attempts: number,
  ): Promise<void> {
    const topic = (this.options.deadLetterTopicFor ?? deadLetterTopic)(origin.topic);
    const dlq = deadLetterMessage(message, {
      reason,
      error,
      topic: origin.topic,
      partition: origin.partition,
      consumer: this.name,
      attempts,
      failedAt: (this.options.now ?? (() => new Date()))(),
    });
    // If this throws, the offset stays unresolved and the message comes back: never lost.
    await this.producer!.send({ topic, messages: [dlq], acks: -1 });
    this.count(origin.topic, 'dead_lettered');
    this.log.error({ ...origin, reason, error, attempts, deadLetterTopic: topic }, 'message dead-lettered');
  }
}
