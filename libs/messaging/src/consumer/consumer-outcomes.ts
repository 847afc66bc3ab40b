import type { KafkaMessage, Producer } from 'kafkajs';
import type { Registry } from 'prom-client';
import { deadLetterTopic } from '@vanguard/contracts';
import type { MessagingLogger } from '../logger';
import { counter } from '../metrics';
import type { MessageOrigin } from '../inbox/inbox.port';
import type { DeadLetterReason } from './dead-letter';
import { sendDeadLetter } from './dead-letter-sender';
import type { ConsumerOutcome } from './consumer-options';

export interface ConsumerOutcomesOptions {
  readonly groupId: string;
  /** The consumer's inbox key, named in each dead letter. */
  readonly name: string;
  readonly registry: Registry;
  readonly log: MessagingLogger;
  readonly deadLetterTopicFor?: (topic: string) => string;
  readonly now?: () => Date;
  /** The producer of the consumer's current start: a restart after a crash connects a new one. */
  readonly producer: () => Producer | undefined;
}

/** What the consumer did with each message (`vanguard_consumer_messages_total`), and its dead letters. */
export class ConsumerOutcomes {
  private readonly outcomes;

  constructor(private readonly options: ConsumerOutcomesOptions) {
    this.outcomes = counter(options.registry, 'vanguard_consumer_messages_total', 'Messages by what the consumer did with them', [
      'group',
      'topic',
      'outcome',
    ]);
  }

  count(topic: string, outcome: ConsumerOutcome): void {
    this.outcomes.inc({ group: this.options.groupId, topic, outcome });
  }

  async deadLetter(message: KafkaMessage, origin: MessageOrigin, reason: DeadLetterReason, error: string, attempts: number): Promise<void> {
    const topic = (this.options.deadLetterTopicFor ?? deadLetterTopic)(origin.topic);
    const info = {
      reason,
      error,
      topic: origin.topic,
      partition: origin.partition,
      consumer: this.options.name,
      attempts,
      failedAt: (this.options.now ?? (() => new Date()))(),
    };
    // If this throws, the offset stays unresolved and the message comes back: never lost.
    const omitted = await sendDeadLetter(this.options.producer()!, topic, message, info);
    this.count(origin.topic, 'dead_lettered');
    const trimmed = omitted.length ? { omitted } : {};
    this.options.log.error({ ...origin, reason, error, attempts, deadLetterTopic: topic, ...trimmed }, 'message dead-lettered');
  }
}
