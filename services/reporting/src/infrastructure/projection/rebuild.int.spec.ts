import { infraConfig } from '@vanguard/infra-config';
import { createTestSchema, testTopicPrefix, type TestSchema } from '@vanguard/testing';
import { migrateReporting } from '../../../test/support/reporting-events';
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
