import { randomUUID } from 'node:crypto';
import { infraConfig } from '@vanguard/infra-config';
import { testProducer, testTopicPrefix, waitUntil } from '@vanguard/testing';
import { ensureTopics, RecordFollower, serviceKafka } from '../src';
import { deleteTopics, kafkaClient } from './support';

jest.setTimeout(120_000);

// Two platforms on one broker (a suite's own services beside `npm start`'s) must not share a
// consumer group: with a prefix, the group a runner names is not the group it joins, and the
// admin of the same client reads and sets that group's offsets under the name the runner knows.
describe('serviceKafka groupPrefix', () => {
  const raw = kafkaClient();
  const topic = `${testTopicPrefix('group-prefix')}.events`;

  beforeAll(async () => {
    await ensureTopics(raw, [topic], { numPartitions: 1 });
    const producer = testProducer(raw);
    await producer.connect();
    await producer.send({
      topic,
      messages: [
        { key: 'a', value: '1' },
        { key: 'b', value: '2' },
      ],
    });
    await producer.disconnect();
  });
  afterAll(() => deleteTopics(raw, [topic]));

  it('WhenAPrefixIsGiven_JoinsAndCommitsUnderThePrefixedGroupAndItsAdminNamesTheSameGroup', async () => {
    const prefix = `p-${randomUUID().slice(0, 8)}.`;
    const group = `runner-${randomUUID().slice(0, 8)}`;
    const sut = serviceKafka('group-prefix-int', infraConfig().kafkaBrokers, { groupPrefix: prefix });
    let seen = 0;
    const follower = new RecordFollower({
      kafka: sut.kafka,
      groupId: group,
      topics: [topic],
      eachBatch: (batch) => {
        seen += batch.messages.length;
        return Promise.resolve();
      },
      onStartError: () => undefined,
    });
    const rawAdmin = raw.admin();
    const admin = sut.kafka.admin();
    await Promise.all([rawAdmin.connect(), admin.connect()]);
    const committed = async (a: typeof admin, groupId: string) =>
      (await a.fetchOffsets({ groupId, topics: [topic] }))[0]!.partitions[0]!.offset;
    try {
      follower.follow();
      await waitUntil('both records read', () => seen === 2, { timeoutMs: 60_000 });
      await follower.stop();
      // The broker knows the group by its prefixed name only.
      await waitUntil('the offset committed under the prefixed group', async () => (await committed(rawAdmin, prefix + group)) === '2', {
        timeoutMs: 30_000,
      });
      expect(await committed(rawAdmin, group)).toBe('-1');
      // The client's own admin names the runner's group: offsets set through it are the prefixed group's.
      expect(await committed(admin, group)).toBe('2');
      await admin.setOffsets({ groupId: group, topic, partitions: [{ partition: 0, offset: '1' }] });
      expect(await committed(rawAdmin, prefix + group)).toBe('1');
      // Its answers name the group as the runner does, and list no group outside the prefix.
      const [described] = (await admin.describeGroups([group])).groups;
      expect(described!.groupId).toBe(group);
      expect((await admin.listGroups()).groups.map((g) => g.groupId)).toEqual([group]);
      expect((await rawAdmin.listGroups()).groups.map((g) => g.groupId)).toContain(prefix + group);
    } finally {
      await follower.stop();
      await Promise.all([rawAdmin.disconnect(), admin.disconnect()]);
      sut.closeLeftovers();
    }
  });
});
