import type { KafkaMessage, Producer } from 'kafkajs';
import { kafkaErrorTypes, TOO_LARGE } from '../relay/kafka-refusals';
import { deadLetterFallbacks, deadLetterMessage, type DeadLetterInfo, type DeadLetterOmission } from './dead-letter';

/**
 * Sends `original`'s dead letter to `topic` (acks from all replicas) and answers what it left out.
 * A record just under its topic's `max.message.bytes` does not fit there again with the vg-dlq-*
 * headers added, and a partition whose dead letter cannot be written waits for ever: so a refusal
 * as too large sends it again with less of the original (deadLetterFallbacks). Asking the broker,
 * not estimating a bound first, holds for whatever limit each topic has. Any other failure, or a
 * letter too large with nothing of the original left, is thrown: the message is not lost.
 */
export async function sendDeadLetter(
  producer: Producer,
  topic: string,
  original: KafkaMessage,
  info: DeadLetterInfo,
): Promise<readonly DeadLetterOmission[]> {
  let refusal: unknown;
  for (const omitted of deadLetterFallbacks(original)) {
    try {
      await producer.send({ topic, messages: [deadLetterMessage(original, info, omitted)], acks: -1 });
      return omitted;
    } catch (e) {
      if (!isTooLarge(e)) throw e;
      refusal = e;
    }
  }
  throw refusal;
}

function isTooLarge(e: unknown): boolean {
  return kafkaErrorTypes(e).some((t) => TOO_LARGE.has(t));
}
