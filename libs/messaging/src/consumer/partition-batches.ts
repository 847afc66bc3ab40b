import type { EachBatchPayload, KafkaMessage } from 'kafkajs';
import type { Gauge } from 'prom-client';
import type { MessagingLogger } from '../logger';
import type { DeadLetterReason } from './dead-letter';
import {
  PermanentHandlerError,
  isInfrastructureError,
  isNoVerdict,
  noVerdictDelayMs,
  outageDelayMs,
  retryDelayMs,
  type RetryPolicy,
} from './retry-policy';
import type { ChunkProcessor, EventConsumerOptions } from './consumer-options';
import type { ConsumerOutcomes } from './consumer-outcomes';
import { InboxChunks } from './inbox-chunks';
import { waitForRetry, type PartitionTurn } from './partition-turn';

const DEFAULT_TRANSACTION_BATCH = 100;

/**
 * What the consumer does with each batch kafkajs fetched of one partition: chunks of it in
 * partition order, tombstones between them, each chunk through the inbox (or the consumer's
 * chunk processor) with retries and dead-lettering, offsets resolved only for messages done with.
 */
export class PartitionBatches<TTx> {
  private readonly inbox: InboxChunks<TTx>;

  constructor(
    private readonly options: EventConsumerOptions<TTx>,
    name: string,
    private readonly policy: RetryPolicy,
    private readonly outcomes: ConsumerOutcomes,
    private readonly lag: Gauge<'group' | 'topic' | 'partition'>,
    private readonly log: MessagingLogger,
  ) {
    this.inbox = new InboxChunks(options, name, policy, outcomes, log);
  }

  async eachBatch(payload: EachBatchPayload): Promise<void> {
    const { batch } = payload;
    const labels = { group: this.options.groupId, topic: batch.topic, partition: String(batch.partition) };
    const hw = Number(batch.highWatermark);
    const first = batch.messages[0];
    if (first) this.lag.set(labels, Math.max(0, hw - Number(first.offset)));
    const turn: PartitionTurn = {
      topic: batch.topic,
      partition: batch.partition,
      resolve: (message: KafkaMessage) => {
        payload.resolveOffset(message.offset);
        this.lag.set(labels, Math.max(0, hw - Number(message.offset) - 1));
      },
      heartbeat: () => payload.heartbeat(),
      isRunning: () => payload.isRunning(),
    };
    const chunkSize = this.options.transactionBatchSize ?? DEFAULT_TRANSACTION_BATCH;
    try {
      for (let from = 0; from < batch.messages.length; from += chunkSize) {
        // Stopping finishes the fetched batch (isRunning is false then); a rebalance that took the partition does not.
        if (payload.isStale()) return;
        const chunk = batch.messages.slice(from, from + chunkSize);
        const done = await this.processChunk(turn, chunk);
        if (!done) return; // stopping in the middle of retries: leave the rest uncommitted for the next owner
        await payload.commitOffsetsIfNecessary();
        await turn.heartbeat();
      }
    } finally {
      // Whatever was resolved is committed before the batch ends, also when stopping:
      // the next owner of the partition starts right after the last handled message.
      const pending = payload.uncommittedOffsets();
      if (pending.topics.some((t) => t.partitions.length)) await payload.commitOffsetsIfNecessary(pending);
    }
  }

  /**
   * One partition's consecutive messages, to the inbox or the chunk processor. Returns false
   * when it gave up because the consumer is stopping.
   */
  private async processChunk(turn: PartitionTurn, messages: readonly KafkaMessage[]): Promise<boolean> {
    const { topic } = turn;
    // A tombstone splits the chunk, so the delete lands between the effects before and after it.
    const t = this.options.onTombstone ? messages.findIndex((m) => m.value === null) : -1;
    if (t >= 0) {
      if (t > 0 && !(await this.processChunk(turn, messages.slice(0, t)))) return false;
      const m = messages[t]!;
      if (!(await this.applyTombstone(turn, m))) return false;
      this.outcomes.count(topic, 'processed');
      turn.resolve(m);
      return this.processChunk(turn, messages.slice(t + 1));
    }
    if (this.options.chunkProcessor) return this.processWith(this.options.chunkProcessor, turn, messages);
    return this.inbox.handle(turn, messages);
  }

  /**
   * A tombstone's delete, retried with backoff as a chunk is: it is idempotent, and a deadlock with
   * another partition's transaction (seen: the reporting projection's purge of an organisation
   * against its subtree totals) is no verdict on it, nor is an unreachable database: those are
   * retried without counting an attempt. Past the policy's attempts of any other failure it
   * throws, as it always did, and the consumer restarts from the uncommitted offset.
   */
  private async applyTombstone(turn: PartitionTurn, m: KafkaMessage): Promise<boolean> {
    const { topic, partition } = turn;
    for (let attempt = 1, waits = 0; ;) {
      try {
        const key = m.key === null ? null : m.key.toString('utf8');
        await this.options.onTombstone!({ topic, partition, offset: m.offset, key, headers: m.headers });
        return true;
      } catch (e) {
        const noVerdict = isNoVerdict(e);
        if (!noVerdict && attempt >= this.policy.maxAttempts) throw e;
        this.outcomes.count(topic, 'retried');
        waits = noVerdict ? waits + 1 : 0;
        const delay = noVerdict ? outageDelayMs(this.policy, waits) : retryDelayMs(this.policy, attempt);
        this.log.warn({ topic, partition, offset: m.offset, attempt, retryInMs: delay, noVerdict, err: e }, 'tombstone failed; retrying');
        if (!noVerdict) attempt++;
        if (!(await waitForRetry(turn, delay))) return false;
      }
    }
  }

  /** A chunk given to `chunkProcessor`: retried with backoff, then one message at a time, then dead-lettered. */
  private async processWith(processor: ChunkProcessor, turn: PartitionTurn, messages: readonly KafkaMessage[]): Promise<boolean> {
    const { topic, partition } = turn;
    if (messages.length === 0) return true;
    for (let attempt = 1, waits = 0; ;) {
      const deadLetter = (m: KafkaMessage, reason: DeadLetterReason, error: string) =>
        this.outcomes.deadLetter(m, { topic, partition, offset: m.offset }, reason, error, 0);
      try {
        await processor({ topic, partition, messages, attempt, deadLetter });
        messages.forEach((m) => turn.resolve(m));
        return true;
      } catch (e) {
        const permanent = e instanceof PermanentHandlerError;
        // An unreachable part, or a race lost to another transaction, says nothing about these
        // messages: wait it out, however long, without counting an attempt.
        const unreachable = isInfrastructureError(e);
        const noVerdict = unreachable || isNoVerdict(e);
        if (!noVerdict && (permanent || attempt >= this.policy.maxAttempts)) {
          if (messages.length > 1) {
            for (const m of messages) if (!(await this.processWith(processor, turn, [m]))) return false;
            return true;
          }
          const error = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
          await this.outcomes.deadLetter(messages[0]!, { topic, partition, offset: messages[0]!.offset }, 'handler-failed', error, attempt);
          turn.resolve(messages[0]!);
          return true;
        }
        this.outcomes.count(topic, 'retried');
        waits = noVerdict ? waits + 1 : 0;
        const delay = noVerdict ? noVerdictDelayMs(this.policy, waits, e) : retryDelayMs(this.policy, attempt);
        this.log.warn(
          {
            topic,
            partition,
            messages: messages.length,
            attempt,
            retryInMs: delay,
            unreachable,
            noVerdict,
            err: e,
            why: e instanceof Error ? e.message : String(e),
          },
          unreachable ? 'a part the chunk needs is unreachable or not there yet; waiting' : 'chunk failed; retrying',
        );
        if (!noVerdict) attempt++;
        if (!(await waitForRetry(turn, delay))) return false;
      }
    }
  }
}
