import type { Consumer, EachBatchPayload, Kafka, KafkaMessage, Offsets, Producer } from 'kafkajs';
import { Registry } from 'prom-client';
import { deadLetterTopic, type AnyEventContract, type ContractEvent, type ContractRegistry, type EventEnvelope } from '@vanguard/contracts';
import { decodeKafkaValue } from '../kafka/envelope-codec';
import { silentLogger, type MessagingLogger } from '../logger';
import { counter, gauge } from '../metrics';
import type { Inbox, MessageOrigin } from '../inbox/inbox.port';
import { deadLetterMessage, type DeadLetterReason } from './dead-letter';
import { DEFAULT_RETRY_POLICY, PermanentHandlerError, retryDelayMs, type RetryPolicy } from './retry-policy';

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
}

/**
 * A consumer group member that turns at-least-once delivery into exactly-once effects:
 * validate against the contract → run the handler inside the inbox transaction → retry
 * with backoff → dead-letter and move on. Offsets are committed only for messages that
 * were processed, recognised as duplicates, ignored or dead-lettered.
 */
export class EventConsumer<TTx> {
  private consumer: Consumer | undefined;
  private producer: Producer | undefined;
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

  async start(): Promise<void> {
    if (this.consumer) throw new Error('consumer already started');
    const { kafka, groupId, topics } = this.options;
    this.producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
    await this.producer.connect();
    this.consumer = kafka.consumer({
      groupId,
      allowAutoTopicCreation: false,
      ...(this.options.sessionTimeoutMs ? { sessionTimeout: this.options.sessionTimeoutMs } : {}),
    });
    await this.consumer.connect();
    await this.consumer.subscribe({ topics: [...topics], fromBeginning: this.options.fromBeginning ?? true });
    await this.consumer.run({
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
  }

  /**
   * Graceful: finishes the fetched batch (a message waiting for a retry is left for the
   * next owner), commits processed offsets, leaves the group.
   */
  async stop(): Promise<void> {
    const c = this.consumer;
    const p = this.producer;
    this.consumer = undefined;
    this.producer = undefined;
    await c?.disconnect();
    await p?.disconnect();
  }

  private async eachBatch(payload: EachBatchPayload): Promise<void> {
    const { batch } = payload;
    const resolveOffset = (offset: string) => payload.resolveOffset(offset);
    const heartbeat = () => payload.heartbeat();
    const commitOffsetsIfNecessary = (offsets?: Offsets) => payload.commitOffsetsIfNecessary(offsets);
    const isRunning = () => payload.isRunning();
    const labels = { group: this.options.groupId, topic: batch.topic, partition: String(batch.partition) };
    const hw = Number(batch.highWatermark);
    const first = batch.messages[0];
    if (first) this.lag.set(labels, Math.max(0, hw - Number(first.offset)));
    try {
      for (const message of batch.messages) {
        // Stopping finishes the fetched batch (isRunning is false then); a rebalance that took the partition does not.
        if (payload.isStale()) return;
        const done = await this.process(batch.topic, batch.partition, message, heartbeat, isRunning);
        if (!done) return; // stopping in the middle of retries: leave it uncommitted for the next owner
        resolveOffset(message.offset);
        this.lag.set(labels, Math.max(0, hw - Number(message.offset) - 1));
        await commitOffsetsIfNecessary();
        await heartbeat();
      }
    } finally {
      // Whatever was resolved is committed before the batch ends, also when stopping:
      // the next owner of the partition starts right after the last handled message.
      const pending = payload.uncommittedOffsets();
      if (pending.topics.some((t) => t.partitions.length)) await commitOffsetsIfNecessary(pending);
    }
  }

  /** Returns false when it gave up because the consumer is stopping. */
  private async process(
    topic: string,
    partition: number,
    message: KafkaMessage,
    heartbeat: () => Promise<void>,
    isRunning: () => boolean,
  ): Promise<boolean> {
    const origin: MessageOrigin = { topic, partition, offset: message.offset };
    const decoded = decodeKafkaValue(message);
    if (!decoded.ok) {
      await this.deadLetter(message, origin, 'malformed-json', decoded.message, 0);
      return true;
    }
    const valid = this.options.contracts.validate(decoded.value);
    if (!valid.ok) {
      await this.deadLetter(message, origin, valid.reason, valid.message, 0);
      return true;
    }
    const event = valid.envelope;
    const handler = this.options.handlers[event.type];
    if (!handler) {
      this.outcomes.inc({ group: this.options.groupId, topic, outcome: 'ignored' });
      return true;
    }
    for (let attempt = 1; ; attempt++) {
      try {
        const outcome = await this.options.inbox.processOnce(this.name, event, origin, (tx) => handler(event, { tx, origin, attempt }));
        this.outcomes.inc({ group: this.options.groupId, topic, outcome });
        return true;
      } catch (e) {
        const error = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
        if (e instanceof PermanentHandlerError || attempt >= this.policy.maxAttempts) {
          await this.deadLetter(message, origin, 'handler-failed', error, attempt);
          return true;
        }
        this.outcomes.inc({ group: this.options.groupId, topic, outcome: 'retried' });
        const delay = retryDelayMs(this.policy, attempt);
        this.log.warn(
          { ...origin, eventId: event.eventId, type: event.type, attempt, retryInMs: delay, err: e },
          'handler failed; retrying',
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
    this.outcomes.inc({ group: this.options.groupId, topic: origin.topic, outcome: 'dead_lettered' });
    this.log.error({ ...origin, reason, error, attempts, deadLetterTopic: topic }, 'message dead-lettered');
  }
}
