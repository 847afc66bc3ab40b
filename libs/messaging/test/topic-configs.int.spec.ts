import { randomBytes } from 'node:crypto';
import { ConfigResourceTypes, ConfigSource } from 'kafkajs';
import { createLedTopics } from '@vanguard/testing';
import { ensureTopics } from '../src';
import { kafkaClient } from './support';

jest.setTimeout(60_000);

/** A context's events topic of this run's own: the shape `contextTopic` makes. */
const contextTopic = () => `vanguard.t${randomBytes(4).toString('hex')}.events.v1`;

describe(`${ensureTopics.name}: the configs a topic is kept with`, () => {
  const kafka = kafkaClient();
  const made: string[] = [];

  /** The topics' settings as the broker reports them (`kafka-configs.sh --describe` would say the same). */
  const settings = async (topics: string[], names: string[]) => {
    const admin = kafka.admin();
    await admin.connect();
    try {
      const d = await admin.describeConfigs({
        includeSynonyms: false,
        resources: topics.map((name) => ({ type: ConfigResourceTypes.TOPIC, name })),
      });
      return Object.fromEntries(
        d.resources.map((r) => [
          r.resourceName,
          Object.fromEntries(names.map((n) => [n, r.configEntries.find((e) => e.configName === n)?.configValue])),
        ]),
      );
    } finally {
      await admin.disconnect();
    }
  };

  afterAll(async () => {
    const admin = kafka.admin();
    await admin.connect();
    await admin.deleteTopics({ topics: made.flatMap((t) => [t, `${t}.dlq`]) }).catch(() => undefined);
    await admin.disconnect();
  });

  it('keeps a context’s events topic for ever: made so by anyone, raised so by its publisher when found with the broker’s week', async () => {
    const fresh = contextTopic();
    const older = contextTopic();
    const operators = contextTopic();
    const plain = `vanguard.t${randomBytes(4).toString('hex')}.scratch`;
    made.push(fresh, older, operators, plain);
    const admin = kafka.admin();
    await admin.connect();
    // As a consumer's ensureTopics of before, or the broker's auto-creation, left them; one with a setting of the operator's own.
    await createLedTopics(admin, [
      { topic: older, numPartitions: 1 },
      { topic: operators, numPartitions: 1, configEntries: [{ name: 'max.message.bytes', value: '500000' }] },
    ]);
    await admin.disconnect();
    const names = ['retention.ms', 'cleanup.policy', 'max.message.bytes'];
    const forEver = { 'retention.ms': '-1', 'cleanup.policy': 'delete' };
    // A consumer makes what is missing as the publisher would, and leaves what it finds: its principal may not alter it.
    await ensureTopics(kafka, [fresh, older], { numPartitions: 1 });
    const seen = await settings([fresh, older], names);
    expect(seen[fresh]).toMatchObject(forEver);
    expect(seen[older]!['retention.ms']).not.toBe('-1');
    await ensureTopics(kafka, [fresh, older, operators, plain], { numPartitions: 1, publisher: true });
    const got = await settings([fresh, older, operators, plain, `${fresh}.dlq`], names);
    expect(got[fresh]).toMatchObject(forEver);
    expect(got[older]).toMatchObject(forEver);
    expect(got[operators]).toMatchObject({ ...forEver, 'max.message.bytes': '500000' });
    // The broker's own settings (log.segment.bytes in infra/kafka/server.properties) are not pinned on the topic.
    const admin2 = kafka.admin();
    await admin2.connect();
    const d = await admin2.describeConfigs({ includeSynonyms: false, resources: [{ type: ConfigResourceTypes.TOPIC, name: older }] });
    await admin2.disconnect();
    const overrides = d.resources[0]!.configEntries.filter((e) => e.configSource === ConfigSource.TOPIC_CONFIG).map((e) => e.configName);
    expect(overrides).toEqual(['retention.ms']);
    // Neither another topic nor a dead-letter twin is kept for ever on the events topic's account.
    expect(got[plain]!['retention.ms']).not.toBe('-1');
    expect(got[`${fresh}.dlq`]!['retention.ms']).not.toBe('-1');
  });

  it('raises a retention asked for, for a publisher only, but never shortens one, and a second run changes nothing', async () => {
    const longer = `vanguard.t${randomBytes(4).toString('hex')}.longer`;
    const shorter = `vanguard.t${randomBytes(4).toString('hex')}.shorter`;
    made.push(longer, shorter);
    const admin = kafka.admin();
    await admin.connect();
    await createLedTopics(admin, [
      { topic: longer, numPartitions: 1, configEntries: [{ name: 'retention.ms', value: '-1' }] },
      { topic: shorter, numPartitions: 1, configEntries: [{ name: 'retention.ms', value: '3600000' }] },
    ]);
    await admin.disconnect();
    const configs = { [longer]: { 'retention.ms': '86400000' }, [shorter]: { 'retention.ms': '86400000' } };
    // No publisher (the county decision feed, its principal may only write): configs at creation alone.
    await ensureTopics(kafka, [longer, shorter], { numPartitions: 1, configs });
    expect((await settings([shorter], ['retention.ms']))[shorter]).toEqual({ 'retention.ms': '3600000' });
    await ensureTopics(kafka, [longer, shorter], { numPartitions: 1, configs, publisher: true });
    await ensureTopics(kafka, [longer, shorter], { numPartitions: 1, configs, publisher: true });
    expect(await settings([longer, shorter], ['retention.ms'])).toEqual({
      [longer]: { 'retention.ms': '-1' },
      [shorter]: { 'retention.ms': '86400000' },
    });
  });
});
