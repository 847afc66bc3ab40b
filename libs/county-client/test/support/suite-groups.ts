import { Kafka, logLevel } from 'kafkajs';
import {
  COUNTY_INBOUND_TOPIC,
  CountyMemberLinked,
  MEMBER_STATE_TOPIC,
  ORGANIZATION_STATE_TOPIC,
  OrganizationRegistered,
  contextTopic,
} from '@vanguard/contracts';
import { infraConfig } from '@vanguard/infra-config';

const STATE = [ORGANIZATION_STATE_TOPIC, MEMBER_STATE_TOPIC];

/**
 * Every consumer group the spawned organization, evaluation and assistance join, with the
 * topics it reads. The topics are shared by the whole run: a group new to the suite would
 * read from their beginning what every earlier and concurrent suite published (a clean-clone
 * run's evaluation was still reading others' organisations when the suite's 180 s ran out).
 */
export const SUITE_GROUPS: Readonly<Record<string, readonly string[]>> = {
  'evaluation.org-tree': [OrganizationRegistered.topic],
  'evaluation.roster.v2': STATE,
  'evaluation.county-member-links': [CountyMemberLinked.topic],
  'evaluation.county-inbound': [COUNTY_INBOUND_TOPIC],
  'assistance.roster': STATE,
  'assistance.county-member-links': [CountyMemberLinked.topic],
  'assistance.county-inbound': [COUNTY_INBOUND_TOPIC],
  'organization.county-inbound': [COUNTY_INBOUND_TOPIC],
  'organization.county-decisions': [contextTopic('evaluation'), contextTopic('commendation'), contextTopic('organization')],
};

const kafka = () => new Kafka({ clientId: 'county-e2e-groups', brokers: [...infraConfig().kafkaBrokers], logLevel: logLevel.NOTHING });

/**
 * The suite's services join their groups under `prefix` (KAFKA_GROUP_PREFIX). Before they start,
 * each group is set where its topics end now, as a copy bootstrapped from a snapshot would
 * start (the suite gives evaluation the demo tree): what they read is what was published from
 * then on. A topic not made yet holds nothing to skip.
 */
export async function startGroupsAtTopicEnds(prefix: string): Promise<void> {
  const admin = kafka().admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    for (const [group, topics] of Object.entries(SUITE_GROUPS)) {
      for (const topic of topics.filter((t) => existing.has(t))) {
        const ends = await admin.fetchTopicOffsets(topic);
        await admin.setOffsets({
          groupId: prefix + group,
          topic,
          partitions: ends.map((p) => ({ partition: p.partition, offset: p.high })),
        });
      }
    }
  } finally {
    await admin.disconnect();
  }
}

/** The suite's groups the broker knows (joined, or set above) that SUITE_GROUPS does not list: each would have read every topic from its beginning. */
export async function unlistedGroups(prefix: string): Promise<string[]> {
  const admin = kafka().admin();
  await admin.connect();
  try {
    const { groups } = await admin.listGroups();
    return groups
      .map((g) => g.groupId)
      .filter((g) => g.startsWith(prefix) && !(g.slice(prefix.length) in SUITE_GROUPS))
      .sort();
  } finally {
    await admin.disconnect();
  }
}

/** Each group's messages not yet read, per topic (the clue when a service never learns what the suite made). */
export async function groupLag(prefix: string): Promise<Record<string, Record<string, number>>> {
  const admin = kafka().admin();
  await admin.connect();
  try {
    const lag: Record<string, Record<string, number>> = {};
    for (const [group, topics] of Object.entries(SUITE_GROUPS)) {
      for (const { topic, partitions } of await admin.fetchOffsets({ groupId: prefix + group, topics: [...topics] }).catch(() => [])) {
        const ends = await admin.fetchTopicOffsets(topic).catch(() => []);
        const behind = ends.reduce((n, e) => {
          const at = Number(partitions.find((p) => p.partition === e.partition)?.offset ?? -1);
          return n + Number(e.high) - Math.max(at, 0);
        }, 0);
        (lag[group] ??= {})[topic] = behind;
      }
    }
    return lag;
  } finally {
    await admin.disconnect();
  }
}
