import { infraConfig } from '@vanguard/infra-config';
import { createTestSchema, testTopicPrefix, type TestSchema } from '@vanguard/testing';
import { signWithDevelopmentKey } from '@vanguard/auth';
import { Kafka, logLevel } from 'kafkajs';
import { randomUUID } from 'node:crypto';
import { memberState, migrateReporting, TestPublisher, TOPICS } from '../../../test/support/reporting-events';
import { SHADOW_TABLES } from './projection-handlers';
import { rebuildReporting } from './rebuild';
import { reportingContracts } from './source-topics';

// The rebuild against the real Postgres and Kafka, on topics no producer has published to yet.
describe(rebuildReporting.name, () => {
  let db: TestSchema;
  const shadowsLeft = async () =>
    (
      await db.pool.query<{ t: string }>(`select t from unnest($1::text[]) as t where to_regclass(t) is not null`, [
        Object.values(SHADOW_TABLES),
      ])
    ).rows.map((r) => r.t);

  beforeEach(async () => {
    db = await createTestSchema('reporting_rebuild_edges');
    await migrateReporting(db.pool);
  });
  afterEach(async () => {
    await db?.drop();
  });

  it('creates a source topic the broker does not host yet, says so, and rebuilds', async () => {
    const prefix = testTopicPrefix('reporting-rebuild-new');
    const created: string[] = [];

    const report = await rebuildReporting(db.pool, {
      brokers: infraConfig().kafkaBrokers,
      topicPrefix: prefix,
      onTopicCreated: (t) => created.push(t),
    });

    expect(report.records).toBe(0);
    expect(created.sort()).toEqual([...reportingContracts(prefix).topics()].sort());
    expect(await shadowsLeft()).toEqual([]);
  });

  // kafkajs fetches a partition from its last resolved offset, at most 1 MB at a time: unresolved,
  // a partition longer than one fetch was served its first batch again and again, and the rebuild
  // of the demo (13,378 member states) stopped at 16 % for good.
  it('reads a partition longer than one fetch to its end', async () => {
    const prefix = testTopicPrefix('reporting-rebuild-long');
    const org = randomUUID();
    const states = Array.from({ length: 6_000 }, () => memberState(org));
    const publisher = new TestPublisher(prefix);
    const kafka = new Kafka({ brokers: [...infraConfig().kafkaBrokers], logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    try {
      // The topic first, as the rebuild would create it: the publisher does not create topics.
      await rebuildReporting(db.pool, { brokers: infraConfig().kafkaBrokers, topicPrefix: prefix });
      for (let i = 0; i < states.length; i += 500) await publisher.publish(TOPICS.memberState, ...states.slice(i, i + 500));
      await admin.connect();
      const smallest = Math.min(...states.map((e) => Buffer.byteLength(JSON.stringify(signWithDevelopmentKey(e)))));
      const perPartition = (await admin.fetchTopicOffsets(`${prefix}.${TOPICS.memberState}`)).map((p) => Number(p.high));
      // The premise: every partition holds more than one default fetch (maxBytesPerPartition 1 MB).
      expect(Math.min(...perPartition) * smallest).toBeGreaterThan(1024 * 1024);

      const report = await rebuildReporting(db.pool, { brokers: infraConfig().kafkaBrokers, topicPrefix: prefix });

      expect(report.records).toBe(states.length);
      const { rows } = await db.pool.query<{ n: number }>('select count(*)::int as n from rpt_member where org_id = $1', [org]);
      expect(rows[0]!.n).toBe(states.length);
    } finally {
      await publisher.close();
      await admin.disconnect();
    }
  }, 120_000);

  it('drops its shadow tables when it is interrupted', async () => {
    const interrupted = new AbortController();

    const rebuild = rebuildReporting(db.pool, {
      brokers: infraConfig().kafkaBrokers,
      topicPrefix: testTopicPrefix('reporting-rebuild-stop'),
      // Once the shadows exist: the first progress report comes after they are made.
      onProgress: () => interrupted.abort(new Error('interrupted by SIGINT')),
      signal: interrupted.signal,
    });

    await expect(rebuild).rejects.toThrow('interrupted by SIGINT');
    expect(await shadowsLeft()).toEqual([]);
  });
});
