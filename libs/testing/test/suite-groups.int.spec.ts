import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { infraConfig } from '@vanguard/infra-config';
import { createLedTopics, SuiteGroups, testProducer, testTopicPrefix, waitUntil } from '../src';

const kafka = new Kafka({ clientId: 'testing-suite-groups-spec', brokers: [...infraConfig().kafkaBrokers], logLevel: logLevel.NOTHING });
const admin = kafka.admin();
const producer = testProducer(kafka);
const topics = testTopicPrefix('suite-groups');
const [first, second, notMade] = [`${topics}.first`, `${topics}.second`, `${topics}.not-made`];

describe(SuiteGroups.name, () => {
  const prefix = `${topics}.group.`;
  const sut = new SuiteGroups(prefix, { reader: [first, second, notMade], other: [second] });
  const holder = kafka.consumer({ groupId: `${prefix}reader`, maxWaitTimeInMs: 100 });

  beforeAll(async () => {
    await Promise.all([admin.connect(), producer.connect()]);
    await createLedTopics(
      admin,
      [first, second].map((topic) => ({ topic, numPartitions: 3 })),
    );
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

    await expect(sut.remove({ notEmptyWaitMs: 1_000 })).rejects.toThrow(
      `consumer group(s) not deleted: ${prefix}reader (The group is not empty)`,
    );

    const left = (await admin.listGroups()).groups.map((g) => g.groupId).filter((g) => g.startsWith(prefix));
    expect(left).toEqual([`${prefix}reader`]);
  });

  it('deletes a group whose member was killed once the broker lets the member go', async () => {
    // A service that stopServices had to kill leaves its member until its session times out.
    // A prefix of its own: the group the test above holds is not this one's to wait for.
    const killedPrefix = `${topics}.killed.`;
    const group = `${killedPrefix}reader`;
    const killed = new SuiteGroups(killedPrefix, { reader: [second] });
    const child = spawn(
      process.execPath,
      [
        '-e',
        `const { Kafka, logLevel } = require('kafkajs');
         const c = new Kafka({ clientId: 'killed', brokers: ${JSON.stringify([...infraConfig().kafkaBrokers])}, logLevel: logLevel.NOTHING })
           .consumer({ groupId: '${group}', sessionTimeout: 6000, heartbeatInterval: 1000 });
         c.connect().then(() => c.subscribe({ topic: '${second}' })).then(() => c.run({ eachMessage: async () => {} }));
         setInterval(() => {}, 1000);`,
      ],
      { cwd: join(__dirname, '..', '..', '..'), stdio: 'ignore' },
    );
    try {
      await waitUntil('the member to join', async () => (await admin.describeGroups([group])).groups[0]!.members.length === 1, {
        timeoutMs: 30_000,
      });
    } finally {
      child.kill('SIGKILL');
    }
    await new Promise((resolve) => child.once('exit', resolve));

    await killed.remove();

    const left = (await admin.listGroups()).groups.map((g) => g.groupId);
    expect(left).not.toContain(group);
  });
});
