import type { Message, TopicMessages } from 'kafkajs';

/**
 * Under the broker's default `message.max.bytes` (1,048,588) with room for the batch's framing:
 * kafkajs sends each partition's share of a request as one record batch, uncompressed.
 */
export const MAX_REQUEST_BYTES = 800_000;

/** A message's bytes on the wire, near enough: key, value, headers and a record's own framing. */
export function messageBytes(m: Message): number {
  const headers = Object.entries(m.headers ?? {}).reduce(
    (n, [k, v]) => n + Buffer.byteLength(k) + (v ? Buffer.byteLength(String(v)) : 0),
    0,
  );
  return (m.value ? Buffer.byteLength(m.value) : 0) + (m.key ? Buffer.byteLength(m.key) : 0) + headers + 64;
}

/**
 * Items cut, in order, into runs of at most `maxBytes` each: sent one run per request, one after
 * another, no partition's share of a request can exceed what the broker accepts, whatever the
 * partitioning. An item larger than `maxBytes` goes alone.
 */
export function inRequests<T>(items: readonly T[], bytesOf: (item: T) => number, maxBytes = MAX_REQUEST_BYTES): T[][] {
  const runs: T[][] = [];
  let run: T[] = [];
  let bytes = 0;
  for (const item of items) {
    const size = bytesOf(item);
    if (run.length && bytes + size > maxBytes) {
      runs.push(run);
      run = [];
      bytes = 0;
    }
    run.push(item);
    bytes += size;
  }
  if (run.length) runs.push(run);
  return runs;
}

/** {@link inRequests} for kafkajs's `sendBatch`: each request's messages grouped by topic, in order per topic. */
export function produceRequests(topicMessages: readonly TopicMessages[], maxBytes = MAX_REQUEST_BYTES): TopicMessages[][] {
  const items = topicMessages.flatMap(({ topic, messages }) => messages.map((message) => ({ topic, message })));
  return inRequests(items, (i) => messageBytes(i.message), maxBytes).map((run) => {
    const byTopic = new Map<string, Message[]>();
    for (const { topic, message } of run) {
      const messages = byTopic.get(topic);
      if (messages) messages.push(message);
      else byTopic.set(topic, [message]);
    }
    return [...byTopic].map(([topic, messages]) => ({ topic, messages }));
  });
}
