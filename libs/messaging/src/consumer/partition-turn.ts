import type { KafkaMessage } from 'kafkajs';

/** One partition's batch as kafkajs handed it over: where it comes from, and what may be done meanwhile. */
export interface PartitionTurn {
  readonly topic: string;
  readonly partition: number;
  /** The message is done with (processed, duplicate, ignored or dead-lettered): its offset may be committed. */
  resolve(message: KafkaMessage): void;
  /** Keeps the member in the group; throws when the group is rebalancing. */
  heartbeat(): Promise<void>;
  /** False once the consumer is stopping. */
  isRunning(): boolean;
}

/**
 * Waits out a retry's backoff, heartbeating so a long wait does not cost the partition its
 * membership. Returns false as soon as the consumer is stopping: the message is left
 * uncommitted for the next owner.
 *
 * A rebalance reaches every partition waiting here within a tick (100 ms) of the first, so none
 * needs telling by another: kafkajs (2.2.4) shares one heartbeat among a member's partitions and
 * does not count a heartbeat answered REBALANCE_IN_PROGRESS as sent, so each partition's next
 * heartbeat asks the broker again and throws too. What a joining member waits for is the first
 * of them, up to kafkajs's heartbeat interval (3 s) after the join began.
 */
export async function waitForRetry(turn: PartitionTurn, delayMs: number): Promise<boolean> {
  const deadline = Date.now() + delayMs;
  while (Date.now() < deadline) {
    if (!turn.isRunning()) return false;
    await new Promise((r) => setTimeout(r, Math.min(100, deadline - Date.now())));
    await turn.heartbeat();
  }
  return true;
}
