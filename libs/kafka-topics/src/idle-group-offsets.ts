import type { Kafka } from 'kafkajs';

export interface TopicOffsets {
  readonly topic: string;
  readonly partitions: readonly { readonly partition: number; readonly offset: string }[];
}

/** How long the joined member waits before each round when it has nothing to fetch (kafkajs's default: 5 s). */
const IDLE_ROUND_MS = 50;

/**
 * Commits `offsets` for `groupId`, a group with no running member, in one join of the group for
 * all the topics. kafkajs's `admin.setOffsets` does the same a topic at a time through a consumer
 * of default settings, which idles kafkajs's five-second fetch wait before its first round: five
 * seconds a topic (measured), which a suite pinning a service's groups paid a dozen times over.
 * Here the member waits 50 ms a round and leaves once the coordinator holds every offset, so a
 * group pinned across several brokers is not left half done. Refuses a group that has members,
 * as setOffsets does; a crash of the member rejects rather than never settling, and the member is
 * never restarted behind the caller's back.
 */
export async function setIdleGroupOffsets(
  kafka: Kafka,
  groupId: string,
  offsets: readonly TopicOffsets[],
  timeoutMs = 30_000,
): Promise<void> {
  const topics = offsets.filter((t) => t.partitions.length > 0);
  if (!topics.length) return;
  const admin = kafka.admin();
  await admin.connect();
  try {
    const [group] = (await admin.describeGroups([groupId])).groups;
    if (group && !['Empty', 'Dead'].includes(group.state))
      throw new Error(`consumer group ${groupId} must have no running member to be set, but it is ${group.state}`);
    // No restart of its own after a crash: a member restarted out of reach would stay in the group.
    const consumer = kafka.consumer({
      groupId,
      maxWaitTimeInMs: IDLE_ROUND_MS,
      retry: { restartOnFailure: () => Promise.resolve(false) },
    });
    await consumer.connect();
    let running: Promise<void> = Promise.resolve();
    try {
      await consumer.subscribe({ topics: topics.map((t) => t.topic), fromBeginning: true });
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => settle(new Error(`${groupId}: offsets not committed within ${timeoutMs} ms`)), timeoutMs);
        let checking = false;
        const stopFetches = consumer.on(consumer.events.FETCH, () => {
          if (checking) return;
          checking = true;
          // A check that fails (a coordinator still loading) is asked again at the next round.
          committed(admin, groupId, topics).then(
            (done) => {
              checking = false;
              if (done) settle();
            },
            () => (checking = false),
          );
        });
        const stopCrashes = consumer.on(consumer.events.CRASH, ({ payload }) => settle(payload.error));
        const settle = (e?: Error) => {
          clearTimeout(timer);
          stopFetches();
          stopCrashes();
          if (e) reject(e);
          else resolve();
        };
        running = consumer
          .run({ eachBatchAutoResolve: false, eachBatch: () => Promise.resolve() })
          .catch((e: unknown) => settle(e as Error));
        try {
          // Nothing is read: the member only commits, by seeking, where each partition is to start.
          consumer.pause(topics.map((t) => ({ topic: t.topic })));
          for (const t of topics) for (const p of t.partitions) consumer.seek({ topic: t.topic, partition: p.partition, offset: p.offset });
        } catch (e) {
          settle(e as Error);
        }
      });
    } finally {
      // A disconnect while the join is still under way does not take the member out of the group
      // (kafkajs's stop returns at once until the join ends): the join is let finish first, so the
      // disconnect leaves it. Bounded, should the broker never answer.
      let waited: NodeJS.Timeout | undefined;
      await Promise.race([running, new Promise((r) => (waited = setTimeout(r, timeoutMs)))]);
      clearTimeout(waited);
      await consumer.disconnect();
    }
  } finally {
    await admin.disconnect();
  }
}

async function committed(admin: ReturnType<Kafka['admin']>, groupId: string, wanted: readonly TopicOffsets[]): Promise<boolean> {
  const have = await admin.fetchOffsets({ groupId, topics: wanted.map((t) => t.topic) });
  return wanted.every((t) =>
    t.partitions.every(
      (p) =>
        have.find((h) => h.topic === t.topic)?.partitions.find((h) => h.partition === p.partition)?.offset === String(BigInt(p.offset)),
    ),
  );
}
