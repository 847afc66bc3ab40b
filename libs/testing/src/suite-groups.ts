import { Kafka, logLevel, type Admin } from 'kafkajs';
import { infraConfig } from '@vanguard/infra-config';
import { deleteGroups, startAtTheEnd } from './kafka';

/**
 * The consumer groups of services a suite spawns with `KAFKA_GROUP_PREFIX=<prefix>`, each with
 * the topics it reads. The topics are shared by the whole run: a group new to the suite would
 * read from their beginning what every earlier and concurrent suite published (a clean-clone
 * run's evaluation was still reading others' organisations when the county suite's 180 s ran
 * out). Before the services start, `startAtTopicEnds` sets each group where its topics end, as
 * a copy bootstrapped from a snapshot would start; `remove` deletes them after.
 */
export class SuiteGroups {
  constructor(
    readonly prefix: string,
    private readonly groups: Readonly<Record<string, readonly string[]>>,
  ) {}

  /**
   * Before the services start. A topic not made yet holds nothing to skip. Each group is pinned
   * as startAtTheEnd pins one (a just-made topic's refusals waited out, every partition's offset
   * checked), the groups side by side.
   */
  async startAtTopicEnds(): Promise<void> {
    const existing = new Set(await withAdmin((admin) => admin.listTopics()));
    const kafka = suiteKafka();
    await Promise.all(
      Object.entries(this.groups).map(([group, topics]) =>
        startAtTheEnd(
          kafka,
          this.prefix + group,
          topics.filter((t) => existing.has(t)),
        ),
      ),
    );
  }

  /** Groups under the prefix the broker knows that the list does not name: each read every topic from its beginning. */
  unlisted(): Promise<string[]> {
    return withAdmin(async (admin) =>
      (await admin.listGroups()).groups
        .map((g) => g.groupId)
        .filter((g) => g.startsWith(this.prefix) && !(g.slice(this.prefix.length) in this.groups))
        .sort(),
    );
  }

  /** Listed groups with no member yet: once none is left, every listed consumer has joined (and `unlisted` means something). */
  notJoined(): Promise<string[]> {
    return withAdmin(async (admin) => {
      const { groups } = await admin.describeGroups(Object.keys(this.groups).map((g) => this.prefix + g));
      return groups.filter((g) => g.members.length === 0).map((g) => g.groupId.slice(this.prefix.length));
    });
  }

  /** Each group's messages not yet read, per topic (the clue when a service never learns what the suite made). */
  lag(): Promise<Record<string, Record<string, number>>> {
    return withAdmin(async (admin) => {
      const lag: Record<string, Record<string, number>> = {};
      for (const [group, topics] of Object.entries(this.groups))
        for (const { topic, partitions } of await admin
          .fetchOffsets({ groupId: this.prefix + group, topics: [...topics] })
          .catch(() => [])) {
          const ends = await admin.fetchTopicOffsets(topic).catch(() => []);
          (lag[group] ??= {})[topic] = ends.reduce((n, e) => {
            const at = Number(partitions.find((p) => p.partition === e.partition)?.offset ?? -1);
            // Nothing committed: the group starts at the oldest message still kept.
            return n + Number(e.high) - (at < 0 ? Number(e.low) : at);
          }, 0);
        }
      return lag;
    });
  }

  /**
   * After the services stopped: the suite's groups are not left on the shared broker. A group
   * still holding a member is asked again while its session may yet time out (a service killed on
   * stop); throws naming each group it could not delete then; one gone meanwhile is fine.
   */
  remove(options: { notEmptyWaitMs?: number } = {}): Promise<void> {
    return withAdmin(async (admin) => {
      const mine = (await admin.listGroups()).groups.map((g) => g.groupId).filter((g) => g.startsWith(this.prefix));
      await deleteGroups(admin, mine, options);
    });
  }
}

const suiteKafka = () => new Kafka({ clientId: 'suite-groups', brokers: [...infraConfig().kafkaBrokers], logLevel: logLevel.NOTHING });

async function withAdmin<T>(work: (admin: Admin) => Promise<T>): Promise<T> {
  const admin = suiteKafka().admin();
  await admin.connect();
  try {
    return await work(admin);
  } finally {
    await admin.disconnect();
  }
}
