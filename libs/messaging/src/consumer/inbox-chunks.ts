import type { KafkaMessage } from 'kafkajs';
import type { EventEnvelope } from '@vanguard/contracts';
import { decodeKafkaValue } from '../kafka/envelope-codec';
import type { MessagingLogger } from '../logger';
import { SwallowedDatabaseError, type InboxItem, type MessageOrigin } from '../inbox/inbox.port';
import type { DeadLetterReason } from './dead-letter';
import { DeferredWrites } from './deferred-writes';
import {
  InfrastructureUnavailable,
  PermanentHandlerError,
  isInfrastructureError,
  isNoVerdict,
  outageDelayMs,
  retryDelayMs,
  type RetryPolicy,
} from './retry-policy';
import type { EventConsumerOptions, EventHandler } from './consumer-options';
import type { ConsumerOutcomes } from './consumer-outcomes';
import { waitForRetry, type PartitionTurn } from './partition-turn';

/**
 * A message of the chunk: `item` and `handler` when it is to be handled in the inbox, `letter`
 * when it is rejected (`sent` once its dead letter is on the DLQ).
 */
type Work<TTx> = {
  message: KafkaMessage;
  item?: InboxItem;
  handler?: EventHandler<TTx>;
  letter?: { reason: DeadLetterReason; error: string; sent: boolean };
};
type Checked<TTx> = { reject: DeadLetterReason; message: string } | { event: EventEnvelope; handler?: EventHandler<TTx> };

/**
 * The inbox path, where effects become exactly-once: each message is checked against its
 * contract (and signature), and the valid ones are handled inside the inbox transaction that
 * records them as handled, so a redelivered message is recognised as a duplicate.
 */
export class InboxChunks<TTx> {
  constructor(
    private readonly options: EventConsumerOptions<TTx>,
    /** Inbox key. */
    private readonly name: string,
    private readonly policy: RetryPolicy,
    private readonly outcomes: ConsumerOutcomes,
    private readonly log: MessagingLogger,
  ) {}

  /**
   * One partition's consecutive messages (no tombstone among them): rejects go to the DLQ, the
   * rest are handled in one inbox transaction (one commit instead of one per message, which is
   * what lets a consumer keep up at thousands of events a second). If that transaction fails,
   * the messages are handled one by one, each with its own retries, so one bad message cannot
   * hold back the others. A failure that is no verdict on the messages (the database unreachable,
   * a deadlock: `isNoVerdict`) is not split: the whole transaction is run again after a capped
   * backoff, for as long as it lasts, counting no attempt. Returns false when it gave up because
   * the consumer is stopping.
   *
   * A reject's dead letter is sent only once the messages ahead of it are done with: just before
   * the chunk's transaction commits, or when the one-by-one walk reaches it. Sent up front, a
   * stop or rebalance while a handled message ahead of it waited (an outage) left its offset
   * uncommitted, and the next owner sent the same dead letter again (ADR 0099).
   */
  async handle(turn: PartitionTurn, messages: readonly KafkaMessage[]): Promise<boolean> {
    const { topic, partition } = turn;
    const work: Work<TTx>[] = [];
    const checked = await this.check(messages);
    for (const [i, message] of messages.entries()) {
      const origin: MessageOrigin = { topic, partition, offset: message.offset };
      const c = checked[i]!;
      if ('reject' in c) {
        work.push({ message, letter: { reason: c.reject, error: c.message, sent: false } });
      } else if (!c.handler) {
        this.outcomes.count(topic, 'ignored');
        work.push({ message });
      } else {
        work.push({ message, item: { event: c.event, origin }, handler: c.handler });
      }
    }
    const handled = work.filter((w) => w.item);
    if (handled.length === 0) {
      await this.send(turn, work);
      work.forEach((w) => turn.resolve(w.message));
      return true;
    }
    for (let waits = 1; ; waits++) {
      const batch = await this.handleBatch(turn, work, handled);
      if (typeof batch === 'boolean') return batch;
      this.outcomes.count(topic, 'retried');
      const delay = outageDelayMs(this.policy, waits);
      const unreachable = isInfrastructureError(batch.noVerdict);
      this.log.warn(
        { topic, partition, messages: handled.length, waits, retryInMs: delay, unreachable, err: batch.noVerdict },
        unreachable ? 'the inbox database is unreachable; waiting' : 'batch transaction lost a conflict; retrying',
      );
      if (!(await waitForRetry(turn, delay))) {
        // The ignored messages ahead of the first handled one are done with, and so are dead
        // letters a failed COMMIT sent; an unsent one is left to the next owner.
        for (const w of work) {
          if (w.item || (w.letter && !w.letter.sent)) break;
          turn.resolve(w.message);
        }
        return false;
      }
    }
  }

  /**
   * One try at the chunk's inbox transaction, and the messages one by one if it failed through
   * one of them. `noVerdict`: it failed through none of them, and nothing was done; otherwise as `handle`.
   */
  private async handleBatch(
    turn: PartitionTurn,
    work: readonly Work<TTx>[],
    handled: readonly Work<TTx>[],
  ): Promise<boolean | { noVerdict: unknown }> {
    const { topic, partition } = turn;
    // Which handler failed, and with what: only an error a handler raised (or the inbox's
    // SwallowedDatabaseError naming it) is that handler's. A failed BEGIN, claim or COMMIT is
    // nobody's, and blaming the last handler run would spend its attempt, or dead-letter it.
    const thrown: { index?: number; error?: unknown } = {};
    // A deferred write fails for the chunk, not for one message: every message then starts afresh one by one.
    const deferred = new DeferredWrites<TTx>();
    try {
      const outcomes = await this.options.inbox.processBatch(
        this.name,
        handled.map((w) => w.item!),
        async (tx, item, i) => {
          try {
            await handled[i]!.handler!(item.event, { tx, origin: item.origin, attempt: 1, deferred });
          } catch (error) {
            thrown.index = i;
            thrown.error = error;
            throw error;
          }
        },
        async (tx) => {
          await deferred.flush(tx);
          await this.send(turn, work);
        },
      );
      for (const outcome of outcomes) this.outcomes.count(topic, outcome);
      // `finish` does not run when every handled message was a duplicate (a redelivery).
      await this.send(turn, work);
      work.forEach((w) => turn.resolve(w.message));
      return true;
    } catch (e) {
      // Nothing of the batch committed. The database unreachable, or a race lost to another
      // transaction, says nothing of any message: the batch is run again whole, blaming nobody.
      if (isNoVerdict(e)) return { noVerdict: e };
      // The handler that failed has had its first attempt; the others start afresh (handlers'
      // effects must live in the transaction, so a rerun is harmless).
      const failedIndex =
        e instanceof SwallowedDatabaseError ? e.index : thrown.index !== undefined && thrown.error === e ? thrown.index : -1;
      const failed = failedIndex >= 0 ? handled[failedIndex] : undefined;
      this.log.warn({ topic, partition, messages: handled.length, err: e }, 'batch transaction failed; handling its messages one by one');
      for (const w of work) {
        if (w.item && !(await this.handleOne(turn, w.item, w.handler!, w.message, w === failed ? e : undefined))) {
          return false;
        }
        await this.send(turn, [w]);
        turn.resolve(w.message);
      }
      return true;
    }
  }

  /**
   * The dead letters of `work`'s rejects not sent yet. Kafka not taking them is no verdict on the
   * messages: in the chunk's transaction it is run again whole, instead of a handler's attempt
   * being spent on it.
   */
  private async send(turn: PartitionTurn, work: readonly Work<TTx>[]): Promise<void> {
    const { topic, partition } = turn;
    try {
      // One at a time, so the DLQ keeps the partition's order.
      for (const { message, letter } of work) {
        if (!letter || letter.sent) continue;
        await this.outcomes.deadLetter(message, { topic, partition, offset: message.offset }, letter.reason, letter.error, 0);
        letter.sent = true;
      }
    } catch (e) {
      throw new InfrastructureUnavailable('the dead-letter topic could not be written', { cause: e });
    }
  }

  /** Each message's contract and signature check, in the messages' order; the signatures of a chunk at once where the verifier can. */
  private async check(messages: readonly KafkaMessage[]): Promise<Checked<TTx>[]> {
    const valid: { at: number; event: EventEnvelope }[] = [];
    const checked = messages.map((message, at): Checked<TTx> => {
      const decoded = decodeKafkaValue(message);
      if (!decoded.ok) return { reject: 'malformed-json', message: decoded.message };
      const v = this.options.contracts.validate(decoded.value);
      if (!v.ok) return { reject: v.reason, message: v.message };
      valid.push({ at, event: v.envelope });
      return { event: v.envelope };
    });
    const verifier = this.options.verifier;
    if (!verifier || valid.length === 0) return checked.map((c) => this.withHandler(c));
    const events = valid.map((v) => v.event);
    const signed = 'verifyAll' in verifier ? await verifier.verifyAll(events) : events.map((e) => verifier.verify(e));
    valid.forEach(({ at, event }, i) => {
      const s = signed[i]!;
      if (!s.ok) checked[at] = { reject: 'forged', message: `${event.type} not signed by its producer (${s.reason})` };
    });
    return checked.map((c) => this.withHandler(c));
  }

  private withHandler(c: Checked<TTx>): Checked<TTx> {
    if ('reject' in c) return c;
    const handler = this.options.handlers[c.event.type];
    return handler ? { event: c.event, handler } : { event: c.event };
  }

  /**
   * One message in its own inbox transaction, retried with backoff, dead-lettered when
   * retrying cannot help. A failure that is no verdict on it (`isNoVerdict`) costs no attempt:
   * it is waited out with capped backoff for as long as it lasts, and never dead-letters the
   * message. `firstFailure`: attempt 1 already ran (in a batch) and threw this.
   * Returns false when it gave up because the consumer is stopping.
   */
  private async handleOne(
    turn: PartitionTurn,
    item: InboxItem,
    handler: EventHandler<TTx>,
    message: KafkaMessage,
    firstFailure?: unknown,
  ): Promise<boolean> {
    const { event, origin } = item;
    let failure: { error: unknown } | undefined = firstFailure === undefined ? undefined : { error: firstFailure };
    // `attempt` counts only failures that may be the message's; `waits`, those in a row that are no verdict (an outage).
    for (let attempt = 1, waits = 0; ;) {
      if (!failure) {
        try {
          const outcome = await this.options.inbox.processOnce(this.name, event, origin, async (tx) => {
            const deferred = new DeferredWrites<TTx>();
            await handler(event, { tx, origin, attempt, deferred });
            await deferred.flush(tx);
          });
          this.outcomes.count(origin.topic, outcome);
          return true;
        } catch (e) {
          failure = { error: e };
        }
      }
      const e = failure.error;
      failure = undefined;
      const noVerdict = isNoVerdict(e);
      if (!noVerdict && (e instanceof PermanentHandlerError || attempt >= this.policy.maxAttempts)) {
        const error = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
        await this.outcomes.deadLetter(message, origin, 'handler-failed', error, attempt);
        return true;
      }
      this.outcomes.count(origin.topic, 'retried');
      // An outage's backoff starts afresh after a failure of the message's own.
      waits = noVerdict ? waits + 1 : 0;
      const delay = noVerdict ? outageDelayMs(this.policy, waits) : retryDelayMs(this.policy, attempt);
      this.log.warn(
        { ...origin, eventId: event.eventId, type: event.type, attempt, retryInMs: delay, noVerdict, err: e },
        noVerdict ? 'transaction failed through no fault of the message; retrying' : 'handler failed; retrying',
      );
      if (!noVerdict) attempt++;
      if (!(await waitForRetry(turn, delay))) return false;
    }
  }
}
