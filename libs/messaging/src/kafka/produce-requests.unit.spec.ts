import { seededRandom } from '@vanguard/testing';
import { produceRequests } from './produce-requests';

describe(produceRequests.name, () => {
  it('keeps every request under the limit and every topic in its order, over random rounds', () => {
    const random = seededRandom(17);
    for (let round = 0; round < 50; round++) {
      const topics = ['a', 'b', 'c'].slice(0, 1 + Math.floor(random() * 3));
      const input = topics.map((topic) => ({
        topic,
        messages: Array.from({ length: Math.floor(random() * 400) }, (_, i) => ({
          key: `${topic}-${i}`,
          value: 'x'.repeat(Math.floor(random() * 3_000)),
        })),
      }));
      const requests = produceRequests(input, 100_000);
      for (const request of requests) {
        const bytes = request
          .flatMap((t) => t.messages)
          .reduce((n, m) => n + Buffer.byteLength(String(m.value)) + Buffer.byteLength(String(m.key)), 0);
        expect(bytes).toBeLessThanOrEqual(100_000);
      }
      for (const { topic, messages } of input) {
        const sent = requests.flatMap((r) => r.filter((t) => t.topic === topic).flatMap((t) => t.messages));
        expect(sent.map((m) => m.key)).toEqual(messages.map((m) => m.key));
      }
    }
  });

  it('sends a message larger than the limit alone rather than dropping it', () => {
    const requests = produceRequests([{ topic: 't', messages: [{ value: 'a' }, { value: 'x'.repeat(500) }, { value: 'b' }] }], 200);
    expect(requests.map((r) => r[0]!.messages.map((m) => String(m.value).length))).toEqual([[1], [500], [1]]);
  });

  it('makes no request of nothing', () => {
    expect(produceRequests([{ topic: 't', messages: [] }])).toEqual([]);
  });
});
