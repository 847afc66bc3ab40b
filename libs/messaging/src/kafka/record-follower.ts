import type { Batch, Consumer, Kafka } from 'kafkajs';
import { keepStarting, type KeptStarting } from './keep-starting';
import { IDLE_FETCH_WAIT_MS } from '@vanguard/kafka-topics';

export interface RecordFollowerOptions {
  readonly kafka: Kafka;
  readonly groupId: string;
  readonly topics: readonly string[];
  /** Default true: a new group reads the topics from the beginning (a compacted topic's bootstrap). */
  readonly fromBeginning?: boolean;
  /** Applies one batch; throwing makes kafkajs deliver it again (at least once). */
  readonly eachBatch: (batch: Batch) => Promise<void>;
  /** A start that failed and will be tried again (`follow`). */
  readonly onStartError: (error: unknown, attempt: number) => void;
}

/**
 * Follows raw Kafka records (keys, values, tombstones — not envelopes through an inbox) into a
 * copy, for consumers such as the roster's of compacted state topics. `follow()` starts in the
 * background and keeps trying until it starts; `stop()` leaves nothing connected, also when it
 * comes while a start is under way.
 */
export class RecordFollower {
  private consumer: Consumer | undefined;
  private starting: KeptStarting | undefined;
  private stopped = false;

  constructor(private readonly options: RecordFollowerOptions) {}

  /** Starts in the background; boot does not wait for the broker. */
  follow(): void {
    this.starting ??= keepStarting(() => this.start(), { onError: this.options.onStartError });
  }

  /** One attempt: connected, subscribed and running when it resolves. */
  async start(): Promise<void> {
    if (this.stopped) return;
    // kafkajs's own restart after a crash would run on a timer out of stop()'s reach; this follower restarts itself instead.
    const consumer = this.options.kafka.consumer({
      groupId: this.options.groupId,
      maxWaitTimeInMs: IDLE_FETCH_WAIT_MS,
      retry: { restartOnFailure: () => Promise.resolve(false) },
    });
    this.consumer = consumer;
    // A join that failed still lets run() resolve: the crash comes as an event, after the start counted as done.
    consumer.on(consumer.events.CRASH, () => this.restartAfterCrash(consumer));
    try {
      await consumer.connect();
      this.refuseIfStopped();
      await consumer.subscribe({ topics: [...this.options.topics], fromBeginning: this.options.fromBeginning ?? true });
      this.refuseIfStopped();
      await consumer.run({ eachBatch: ({ batch }) => this.options.eachBatch(batch) });
      // kafkajs's disconnect during run()'s join returns at once and the join goes on: a stop that
      // came meanwhile left this consumer connected, so it goes here.
      this.refuseIfStopped();
    } catch (e) {
      // Whatever got connected goes: a retry makes a consumer of its own.
      await consumer.disconnect().catch(() => undefined);
      if (this.consumer === consumer) this.consumer = undefined;
      throw e;
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.starting?.stop();
    await this.consumer?.disconnect();
    // A start in flight disconnects what it made once it sees the stop: wait for that.
    await this.starting?.started;
  }

  private restartAfterCrash(crashed: Consumer): void {
    if (this.stopped || this.consumer !== crashed) return;
    this.consumer = undefined;
    void crashed.disconnect().catch(() => undefined);
    this.starting = keepStarting(() => this.start(), { onError: this.options.onStartError });
  }

  private refuseIfStopped(): void {
    if (this.stopped) throw new Error('stopped while starting');
  }
}
