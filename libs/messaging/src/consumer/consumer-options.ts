import type { Kafka, KafkaMessage } from 'kafkajs';
import type { Registry } from 'prom-client';
import type { AnyEventContract, ContractEvent, ContractRegistry, EventEnvelope } from '@vanguard/contracts';
import type { MessagingLogger } from '../logger';
import type { Inbox, MessageOrigin } from '../inbox/inbox.port';
import type { EnvelopeCheck, EnvelopeVerifier } from '../relay/event-signing';
import type { DeadLetterReason } from './dead-letter';
import type { DeferredWrites } from './deferred-writes';
import type { RetryPolicy } from './retry-policy';

/**
 * A verifier that checks a batch at once, off the event loop (ADR 0068), refusing exactly what
 * `verify` refuses, one check per envelope in their order.
 */
export interface BatchEnvelopeVerifier extends EnvelopeVerifier {
  verifyAll(envelopes: readonly EventEnvelope[]): Promise<readonly EnvelopeCheck[]>;
}

export interface EventHandlerContext<TTx> {
  /** The inbox transaction: write the effect with it, so effect and inbox row commit together. */
  readonly tx: TTx;
  readonly origin: MessageOrigin;
  /** 1 for the first attempt. */
  readonly attempt: number;
  /**
   * Writes sent once after the transaction's last handler, before COMMIT (see DeferredWrites).
   * Always given by EventConsumer; a caller running handlers outside it may leave it out, and a
   * handler then writes at once.
   */
  readonly deferred?: DeferredWrites<TTx>;
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
  /**
   * Checks each valid envelope's signature before any handler runs (ADR 0059): one its context's
   * producer did not sign is dead-lettered as `forged` with the verifier's reason, and nothing is
   * written. Without it every valid envelope is handled. Not applied to `chunkProcessor`.
   * One that checks batches (libs/auth EventVerifier) checks each chunk's off the consumer's thread (ADR 0068).
   */
  readonly verifier?: EnvelopeVerifier | BatchEnvelopeVerifier;
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
  /** Its headers as Kafka handed them over: a null value carries no signature, a header may (ADR 0130). */
  readonly headers?: KafkaMessage['headers'];
}
