import { Kafka, logLevel } from 'kafkajs';
import { infraConfig } from '@vanguard/infra-config';
import { SuiteGroups, testTopicPrefix } from '../src';

const kafka = new Kafka({ clientId: 'testing-suite-groups-spec', brokers: [...infraConfig().kafkaBrokers], logLevel: logLevel.NOTHING });
const admin = kafka.admin();
const producer = kafka.producer();
const topics = testTopicPrefix('suite-groups');
const [first, second, notMade] = [`${topics}.first`, `${topics}.second`, `${topics}.not-made`];

describe(SuiteGroups.name, () => {
  const prefix = `${topics}.group.`;
  const sut = new SuiteGroups(prefix, { reader: [first, second, notMade], other: [second] });
  const holder = kafka.consumer({ groupId: `${prefix}reader`, maxWaitTimeInMs: 100 });

  beforeAll(async () => {
    await Promise.all([admin.connect(), producer.connect()]);
    await admin.createTopics({ topics: [first, second].map((topic) => ({ topic, numPartitions: 3 })), waitForLeaders: true });
  });
  afterAll(async () => {
    await holder.disconnect();
    await admin.deleteGroups([`${prefix}reader`, `${prefix}other`]).catch(() => undefined);
    await admin.deleteTopics({ topics: [first, second] });
    await Promise.all([admin.disconnect(), producer.disconnect()]);
  });

  it('pins each group where its topics end, on every partition, topics not made yet skipped', async () => {
    await producer.send({ topic: first, messages: [0, 1, 2, 2].map((partition) => ({ partition, value: 'before' })) });
    await producer.send({ topic: second, messages: [1].map((partition) => ({ partition, value: 'before' })) });

    await sut.startAtTopicEnds();

    const committed = async (group: string, topic: string) =>
      (await admin.fetchOffsets({ groupId: prefix + group, topics: [topic] }))[0]!.partitions
        .map((p) => `${p.partition}@${p.offset}`)
        .sort();
    expect(await committed('reader', first)).toEqual(['0@1', '1@1', '2@2']);
    expect(await committed('reader', second)).toEqual(['0@0', '1@1', '2@0']);
    expect(await committed('other', second)).toEqual(['0@0', '1@1', '2@0']);
  });

  it('deletes every group it can and names the one a consumer still holds', async () => {
    await sut.startAtTopicEnds();
    await holder.connect();
    await holder.subscribe({ topic: first });
    await holder.run({ eachMessage: () => Promise.resolve() });
    const joined = await admin.describeGroups([`${prefix}reader`]);
    expect(joined.groups[0]!.members).toHaveLength(1);

    await expect(sut.remove()).rejects.toThrow(`consumer group(s) not deleted: ${prefix}reader (The group is not empty)`);

    const left = (await admin.listGroups()).groups.map((g) => g.groupId).filter((g) => g.startsWith(prefix));
    expect(left).toEqual([`${prefix}reader`]);
  });
});
