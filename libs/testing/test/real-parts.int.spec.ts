import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { infraConfig } from '@vanguard/infra-config';
import {
  createLedTopics,
  createTestSchema,
  deleteGroups,
  readTopicToEnd,
  startAtTheEnd,
  tapFromNow,
  testProducer,
  testTopicPrefix,
  waitUntil,
  type TestSchema,
} from '../src';

// Proves the suites talk to the real parts, not stand-ins: rows survive a round trip
// through the Postgres server, and a message goes through the broker and back.
describe('real infrastructure', () => {
  describe('Postgres', () => {
    let sut: TestSchema;
    beforeAll(async () => {
      sut = await createTestSchema('real_parts');
    });
    afterAll(() => sut.drop());

    it('writes and reads back rows in the suite’s own schema', async () => {
      await sut.pool.query('create table note (id uuid primary key, body text not null)');
      const id = randomUUID();
      await sut.pool.query('insert into note values ($1, $2)', [id, '一季一主题']);

      const { rows } = await sut.pool.query<{ body: string; schema: string }>(
        'select body, current_schema() as schema from note where id = $1',
        [id],
      );

      expect(rows).toEqual([{ body: '一季一主题', schema: sut.schema }]);
    });

    it('is a real server that enforces constraints', async () => {
      await sut.pool.query('create table code (c text primary key)');
      await sut.pool.query("insert into code values ('910425')");

      await expect(sut.pool.query("insert into code values ('910425')")).rejects.toMatchObject({ code: '23505' });
    });
  });

  describe('Kafka', () => {
    const kafka = new Kafka({ clientId: 'real-parts-test', brokers: [...infraConfig().kafkaBrokers], logLevel: logLevel.NOTHING });
    const topic = `${testTopicPrefix('real-parts')}.events`;
    const producer = testProducer(kafka);
    // Every topic and group of this suite is named under `topic`, so afterAll finds them all.
    const consumer = kafka.consumer({ groupId: `${topic}.group` });

    beforeAll(async () => {
      const admin = kafka.admin();
      await admin.connect();
      await createLedTopics(admin, [{ topic, numPartitions: 1 }]);
      await admin.disconnect();
      await Promise.all([producer.connect(), consumer.connect()]);
    });
    afterAll(async () => {
      await Promise.all([producer.disconnect(), consumer.disconnect()]);
      // Nothing of the suite's is left on the shared broker, whether its tests passed or not.
      const admin = kafka.admin();
      await admin.connect();
      try {
        // deleteGroups waits out a member a group just left may still count.
        await deleteGroups(
          admin,
          (await admin.listGroups()).groups.map((g) => g.groupId).filter((g) => g.startsWith(topic)),
        );
        const mine = async () => (await admin.listTopics()).filter((t) => t.startsWith(topic));
        const topics = await mine();
        if (topics.length) await admin.deleteTopics({ topics });
        // A deleted topic goes some time after the answer.
        await waitUntil('none of the suite’s topics left on the broker', async () => (await mine()).length === 0);
      } finally {
        await admin.disconnect();
      }
    });

    it('delivers a produced message, with key and headers, to a consumer group', async () => {
      const received: { key: string; value: string; header: string }[] = [];
      await consumer.subscribe({ topic, fromBeginning: true });
      await consumer.run({
        eachMessage: ({ message }) => {
          received.push({ key: String(message.key), value: String(message.value), header: String(message.headers?.['vg-type']) });
          return Promise.resolve();
        },
      });
      const eventId = randomUUID();

      await producer.send({
        topic,
        messages: [
          { key: 'organization-1', value: JSON.stringify({ eventId }), headers: { 'vg-type': 'organization.OrganizationRegistered' } },
        ],
      });

      const got = await waitUntil('the message to come back from the broker', () => received.find((m) => m.value.includes(eventId)));
      expect(got).toEqual({ key: 'organization-1', value: JSON.stringify({ eventId }), header: 'organization.OrganizationRegistered' });
    });

    // Several partitions, a record on each sent before the tap and one sent the moment it resolves:
    // the tap sees exactly the later ones, on every partition, every round.
    it('a tap reads every record sent once it resolves, and none sent before', async () => {
      const many = `${topic}.tapped`;
      const admin = kafka.admin();
      await admin.connect();
      await createLedTopics(admin, [{ topic: many, numPartitions: 3 }]).finally(() => admin.disconnect());
      for (let round = 0; round < 3; round++) {
        const send = (when: string) =>
          producer.send({ topic: many, messages: [0, 1, 2].map((partition) => ({ partition, value: `${when}-${round}-${partition}` })) });
        await send('before');
        const seen: string[] = [];
        const tap = await tapFromNow(kafka, [many], (m) => seen.push(String(m.value)), { groupPrefix: `${topic}.tap` });
        try {
          await send('after');
          await waitUntil(`round ${round}: the three later records`, () => seen.length >= 3, { timeoutMs: 15_000 });
          expect(seen.sort()).toEqual([0, 1, 2].map((p) => `after-${round}-${p}`));
        } finally {
          await tap.disconnect();
        }
      }
      // The same cut read back by a group pinned before it: every record after the pin, none before.
      const pinned = `${topic}.pinned-${randomUUID()}`;
      await producer.send({ topic: many, messages: [0, 1, 2].map((partition) => ({ partition, value: `early-${partition}` })) });
      await startAtTheEnd(kafka, pinned, [many]);
      await producer.send({ topic: many, messages: [0, 1, 2].map((partition) => ({ partition, value: `late-${partition}` })) });
      const read = await readTopicToEnd(kafka, many, { groupId: pinned });
      expect(read.map((r) => r.value).sort()).toEqual(['late-0', 'late-1', 'late-2']);
    });
  });
});
