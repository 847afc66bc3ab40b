import type { Admin } from 'kafkajs';

const NOT_THERE_YET = new Set(['UNKNOWN_TOPIC_OR_PARTITION', 'LEADER_NOT_AVAILABLE', 'NOT_LEADER_FOR_PARTITION']);

/** kafkajs wraps a protocol error it gave up retrying (KafkaJSNumberOfRetriesExceeded): its type is on a cause. */
function notThereYet(e: unknown): boolean {
  for (let at: unknown = e; at; at = (at as { cause?: unknown }).cause)
    if (NOT_THERE_YET.has((at as { type?: string }).type ?? '')) return true;
  return false;
}

/**
 * Waits until every partition of `topics` has a leader that serves it. kafkajs's own
 * `waitForLeaders` gives up on the first metadata answer that does not know the topic yet — which
 * a KRaft broker gives for a moment after creating it ("This server does not host this
 * topic-partition") — so a consumer or test that used the topic next failed now and then. A leader
 * named in the metadata may still refuse its partition ("This server is not the leader"): a send
 * to two partitions then half succeeds, and a producer that is not idempotent writes the written
 * half again when it retries (a clean-clone CI read two of five records twice). So each leader is
 * also asked for its partitions' offsets. Such answers are waited out here, to a deadline.
 */
export async function waitForLeaders(admin: Admin, topics: readonly string[], timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (let pause = 20; ; pause = Math.min(pause * 2, 500)) {
    try {
      const { topics: described } = await admin.fetchTopicMetadata({ topics: [...topics] });
      if (
        described.length === topics.length &&
        described.every((t) => t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0))
      ) {
        await Promise.all(topics.map((topic) => admin.fetchTopicOffsets(topic)));
        return;
      }
    } catch (e) {
      if (!notThereYet(e)) throw e;
    }
    if (Date.now() > deadline) throw new Error(`topics without a leader after ${timeoutMs} ms: ${topics.join(', ')}`);
    await new Promise((r) => setTimeout(r, pause));
  }
}
