import type { Message, TopicMessages } from 'kafkajs';

/**
 * Under the broker's default `message.max.bytes` (1,048,588) with room for the batch's framing:
 * kafkajs sends each partition's share of a request as one record batch, uncompressed.
 */
export const MAX_REQUEST_BYTES = 800_000;

const sizeOf = (m: Message): number =>
  (m.value ? Buffer.byteLength(m.value) : 0) +
  (m.key ? Buffer.byteLength(m.key) : 0) +
  Object.entries(m.headers ?? {}).reduce((n, [k, v]) => n + Buffer.byteLength(k) + (v ? Buffer.byteLength(String(v)) : 0), 0) +
  // A record's own framing (lengths, offsets, attributes): a few dozen bytes at most.
  64;

/**
 * The messages split into produce requests of at most `maxBytes` each, in order per topic: sent
 * one after another, no partition's share of a request can exceed what the broker accepts,
 * whatever the partitioning. A single message larger than `maxBytes` goes alone.
 */
export function produceRequests(topicMessages: readonly TopicMessages[], maxBytes = MAX_REQUEST_BYTES): TopicMessages[][] {
  const requests: TopicMessages[][] = [];
  let current = new Map<string, Message[]>();
  let bytes = 0;
  const close = () => {
    if (current.size) requests.push([...current].map(([topic, messages]) => ({ topic, messages })));
    current = new Map();
    bytes = 0;
  };
  for (const { topic, messages } of topicMessages) {
    for (const m of messages) {
      const size = sizeOf(m);
      if (bytes > 0 && bytes + size > maxBytes) close();
      const list = current.get(topic) ?? [];
      list.push(m);
      current.set(topic, list);
      bytes += size;
    }
  }
  close();
  return requests;
}
