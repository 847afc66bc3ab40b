import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, type Consumer } from 'kafkajs';
import { EventSigner, ScopeService, developmentEventKey, signWithDevelopmentKey } from '@vanguard/auth';
import { deadLetterTopic } from '@vanguard/contracts';
import { infraConfig } from '@vanguard/infra-config';
import { metricsRegistry } from '@vanguard/observability';
import { DEAD_LETTER_HEADERS, ensureTopics, headerValue } from '@vanguard/messaging';
import { createTestSchema, testTopicPrefix, waitUntil, type TestSchema } from '@vanguard/testing';
import { parsePeriod } from '../src/domain/period';
import { ProjectionRunner } from '../src/infrastructure/projection/projection.runner';
import { reportingContracts } from '../src/infrastructure/projection/source-topics';
import { rebuildReporting } from '../src/infrastructure/projection/rebuild';
import { RPT_ORG_TABLE } from '../src/infrastructure/projection/projection-handlers';
import { SqlFiguresReadModel } from '../src/infrastructure/sql-figures.read-model';
import {
  TOPICS,
  TestPublisher,
  deedDone,
  memberState,
  migrateReporting,
  orgState,
  pledgeMade,
  stateRemoval,
  type TestOrg,
} from './support/reporting-events';

// A forged event on a source topic would change the figures every committee reads (ADR 0059):
// reporting counts only what each context's producer signed.
describe('reporting refuses forged events (real Postgres and Kafka)', () => {
  let db: TestSchema;
  let runner: ProjectionRunner;
  let publisher: TestPublisher;
  let tap: Consumer;
  const letters = new Map<string, string>();
  /** Dead-lettered tombstones, `<topic> <key>: <reason>: <error>`, in the order they arrived. */
  const tombstones: string[] = [];
  const kafka = new Kafka({
    clientId: `reporting-forged-${randomUUID().slice(0, 8)}`,
    brokers: [...infraConfig().kafkaBrokers],
    logLevel: logLevel.NOTHING,
  });
  const prefix = testTopicPrefix('reporting-forged');
  const county: TestOrg = { id: randomUUID(), parentId: null, path: [], code: '91', name: '伪造测试旗委', level: 'county' };
  const village: TestOrg = { id: randomUUID(), parentId: county.id, path: [], code: '910101', name: '伪造测试村党支部', level: 'village' };
  Object.assign(county, { path: [county.id] });
  Object.assign(village, { path: [county.id, village.id] });

  const group = `reporting-forged-${randomUUID()}`;

  beforeAll(async () => {
    db = await createTestSchema('reporting_forged');
    await migrateReporting(db.pool);
    runner = new ProjectionRunner(db.pool, new ScopeService({ table: RPT_ORG_TABLE }), {
      enabled: true,
      brokers: infraConfig().kafkaBrokers,
      groupId: group,
      topicPrefix: prefix,
      lagMetricIntervalMs: 250,
    });
    await runner.onApplicationBootstrap();
    await runner.start();
    const dlqs = [TOPICS.evaluation, TOPICS.assistance, TOPICS.orgState, TOPICS.memberState].map((t) => deadLetterTopic(`${prefix}.${t}`));
    await ensureTopics(kafka, dlqs);
    tap = kafka.consumer({ groupId: `reporting-forged-tap-${randomUUID()}`, maxWaitTimeInMs: 100 });
    await tap.connect();
    await tap.subscribe({ topics: dlqs, fromBeginning: true });
    await tap.run({
      eachMessage: ({ message: m }) => {
        // The test publisher sends no envelope headers: the event id is read from the kept value.
        // A tombstone has no value: it is known by its original topic and key.
        const why = `${headerValue(m.headers, DEAD_LETTER_HEADERS.reason)}: ${headerValue(m.headers, DEAD_LETTER_HEADERS.error)}`;
        if (m.value === null)
          tombstones.push(`${headerValue(m.headers, DEAD_LETTER_HEADERS.originalTopic)} ${m.key?.toString('utf8')}: ${why}`);
        else {
          const id = (JSON.parse(m.value.toString('utf8')) as { eventId?: string }).eventId;
          if (id) letters.set(id, why);
        }
        return Promise.resolve();
      },
    });
    publisher = new TestPublisher(prefix);
  });

  afterAll(async () => {
    await tap?.disconnect();
    await publisher?.close();
    await runner?.onModuleDestroy();
    await db?.drop();
  });

  it('an unsigned event and ones signed with another key are dead-lettered as forged and counted nowhere; the signed ones are', async () => {
    await publisher.publish(TOPICS.orgState, orgState(county), orgState(village));
    const unsignedPledge = pledgeMade(village.id);
    // Commendation's key under its own kid on an evaluation event; another key under assistance's real kid.
    const otherContextPledge = new EventSigner('commendation', developmentEventKey('commendation'), 'commendation-dev-1').sign(
      pledgeMade(village.id),
    );
    const wrongKeyDeed = new EventSigner('assistance', developmentEventKey('publicity'), 'assistance-dev-1').sign(deedDone(village.id, 40));
    // A forged organisation state renaming the village: the tree is a source like any other.
    const renamed = orgState(village, 2, { name: '被伪造改名' });
    await publisher.publishAsIs(TOPICS.evaluation, unsignedPledge, otherContextPledge);
    await publisher.publishAsIs(TOPICS.assistance, wrongKeyDeed);
    await publisher.publishAsIs(TOPICS.orgState, renamed);
    await publisher.publish(TOPICS.evaluation, pledgeMade(village.id));
    await publisher.publish(TOPICS.assistance, deedDone(village.id, 3));

    const figures = new SqlFiguresReadModel(db.pool);
    const year = parsePeriod('2026')!;
    await waitUntil(
      'the signed pledge and deed counted',
      async () => {
        const f = await figures.figures(county.id, year);
        return (f.get('pledges_made')?.value ?? 0) >= 1 && (f.get('deeds')?.value ?? 0) >= 1;
      },
      { timeoutMs: 40_000, intervalMs: 250 },
    );
    const forged = [unsignedPledge, otherContextPledge, wrongKeyDeed, renamed];
    await waitUntil('the four forgeries dead-lettered', () => forged.every((e) => letters.has(e.eventId)), { timeoutMs: 15_000 });
    expect(forged.map((e) => letters.get(e.eventId))).toEqual([
      'forged: evaluation.PledgeMade not signed by its producer (unsigned)',
      'forged: evaluation.PledgeMade not signed by its producer (other-context)',
      'forged: assistance.DeedDone not signed by its producer (bad-signature)',
      'forged: organization.OrganizationState not signed by its producer (unsigned)',
    ]);
    const f = await figures.figures(county.id, year);
    expect([f.get('pledges_made')?.value, f.get('deeds')?.value, f.get('households_helped')?.value]).toEqual([1, 1, 3]);
    expect((await figures.org(village.id))?.name).toBe('伪造测试村党支部');
  });

  it('a tombstone off the state topic of its kind, or on it without organization’s signed removal of its key, deletes nothing and is dead-lettered as forged; a signed one deletes', async () => {
    const member = randomUUID();
    const key = `member-${member}`;
    await publisher.publish(TOPICS.memberState, memberState(village.id, member));
    const figures = new SqlFiguresReadModel(db.pool);
    const year = parsePeriod('2026')!;
    await waitUntil('the member counted', async () => (await figures.figures(village.id, year)).get('members')?.value === 1, {
      timeoutMs: 30_000,
      intervalMs: 100,
    });
    // Null values anyone who can write to the broker could send: on an events topic, or on the other kind's state topic …
    await publisher.tombstone(TOPICS.evaluation, `organization-${village.id}`);
    await publisher.tombstone(TOPICS.assistance, key);
    await publisher.tombstone(TOPICS.memberState, `organization-${village.id}`);
    // … and on the member's own: bare, with an unsigned removal, one signed by another key under organisation's kid, and
    // organisation's genuine removal of another member copied onto this key.
    await publisher.tombstone(TOPICS.memberState, key);
    await publisher.tombstoneWith(TOPICS.memberState, key, stateRemoval(key, 99));
    await publisher.tombstoneWith(
      TOPICS.memberState,
      key,
      new EventSigner('organization', developmentEventKey('publicity'), 'organization-dev-1').sign(stateRemoval(key, 99)),
    );
    await publisher.tombstoneWith(TOPICS.memberState, key, signWithDevelopmentKey(stateRemoval(`member-${randomUUID()}`, 99)));
    const on = (topic: string) => `${prefix}.${topic}`;
    const esc = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    await waitUntil('the seven tombstones dead-lettered', () => tombstones.length >= 7, { timeoutMs: 30_000 });
    expect(tombstones).toHaveLength(7);
    expect(tombstones).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          new RegExp(`^${esc(on(TOPICS.evaluation))} organization-${village.id}: forged: tombstone on .* which is not a state topic`),
        ),
        expect.stringMatching(new RegExp(`^${esc(on(TOPICS.assistance))} ${key}: forged: tombstone on .* which is not a state topic`)),
        `${on(TOPICS.memberState)} organization-${village.id}: forged: tombstone of a organization on ${on(TOPICS.memberState)}: a organization is deleted only on ${on(TOPICS.orgState)}`,
        `${on(TOPICS.memberState)} ${key}: forged: tombstone of "${key}" without a signed removal (vg-state-removal)`,
        `${on(TOPICS.memberState)} ${key}: forged: tombstone of "${key}": its removal is not signed by the organization service (unsigned)`,
        `${on(TOPICS.memberState)} ${key}: forged: tombstone of "${key}": its removal is not signed by the organization service (bad-signature)`,
        expect.stringMatching(
          new RegExp(`^${esc(on(TOPICS.memberState))} ${key}: forged: tombstone of "${key}" carries the removal of member-`),
        ),
      ]),
    );
    expect((await figures.org(village.id))?.name).toBe('伪造测试村党支部');
    expect((await figures.figures(county.id, year)).get('members')?.value).toBe(1);

    // Organisation's removal, behind the refused ones in the member topic's partition order, deletes.
    await publisher.removal(TOPICS.memberState, key, 2);
    await waitUntil(
      'the purged member to stop counting',
      async () => (await figures.figures(village.id, year)).get('members')?.value === null,
      {
        timeoutMs: 30_000,
        intervalMs: 100,
      },
    );
    expect((await figures.org(village.id))?.name).toBe('伪造测试村党支部');
  });

  // Set by the test below: a member organisation's removal took off the copy and a replayed older state must not bring back.
  let replayed = '';

  it('after organization’s removal, an older signed state of the key sent again does not bring the row back; a newer one does', async () => {
    const branch: TestOrg = {
      id: randomUUID(),
      parentId: county.id,
      path: [county.id],
      code: '910102',
      name: '清理测试支部',
      level: 'village',
    };
    Object.assign(branch, { path: [county.id, branch.id] });
    const member = randomUUID();
    replayed = member;
    const figures = new SqlFiguresReadModel(db.pool);
    const year = parsePeriod('2026')!;
    const members = async () => (await figures.figures(branch.id, year)).get('members')?.value ?? null;
    const caughtUp = () =>
      waitUntil('the consumer to read every topic to its end', async () => (await runner.lag()).topics.every((t) => t.lag === 0), {
        timeoutMs: 30_000,
        intervalMs: 250,
      });
    await publisher.publish(TOPICS.orgState, orgState(branch, 3));
    await publisher.publish(TOPICS.memberState, { ...memberState(branch.id, member), streamVersion: 3 });
    await waitUntil('the branch and its member', async () => (await members()) === 1, { timeoutMs: 30_000, intervalMs: 100 });

    await publisher.removal(TOPICS.orgState, `organization-${branch.id}`, 5);
    await publisher.removal(TOPICS.memberState, `member-${member}`, 5);
    await waitUntil('the removed branch to leave the tree', async () => (await figures.org(branch.id)) === undefined, {
      timeoutMs: 30_000,
      intervalMs: 100,
    });
    await waitUntil('the removed member to stop counting', async () => (await members()) === null, { timeoutMs: 30_000, intervalMs: 100 });

    // Organisation's own older states, signed, sent again (a lapsed leader's batch landing late, or anyone who copied them).
    await publisher.publish(TOPICS.orgState, orgState(branch, 3), orgState(branch, 4, { name: '复活的支部' }));
    await publisher.publish(TOPICS.memberState, { ...memberState(branch.id, member), streamVersion: 4 });
    await caughtUp();
    expect(await figures.org(branch.id)).toBeUndefined();
    expect(await db.pool.query('select 1 from rpt_member where member_id = $1', [member])).toMatchObject({ rowCount: 0 });

    // The id inserted again: its state is newer than the removal, and counts.
    await publisher.publish(TOPICS.orgState, orgState(branch, 6, { name: '重建的支部' }));
    await waitUntil('the branch inserted again', async () => (await figures.org(branch.id))?.name === '重建的支部', {
      timeoutMs: 30_000,
      intervalMs: 100,
    });
  });

  // Issue 16's "lag per source topic as a metric": the consumer sets it only from a delivered batch.
  it('measures the lag metric of every source partition at the broker, topics nothing was published to included, down to 0', async () => {
    const topics = reportingContracts(prefix).topics();
    const series = async () =>
      ((await metricsRegistry.getSingleMetric('vanguard_consumer_lag')?.get())?.values ?? []).filter((v) => v.labels['group'] === group);
    await waitUntil(
      'a lag series for each partition of every source topic, each at 0',
      async () => {
        const got = await series();
        return topics.every((t) =>
          [0, 1, 2].every((p) => got.some((v) => v.labels['topic'] === t && v.labels['partition'] === String(p) && v.value === 0)),
        );
      },
      { timeoutMs: 30_000, intervalMs: 100 },
    );
    // Publicity's and commendation's topics: nothing in this suite is published there, so only the broker's measurement names them.
    expect(topics.filter((t) => t.includes('publicity') || t.includes('commendation')).length).toBeGreaterThan(0);
  });

  it('a rebuild from the topics leaves the same forgeries out (it reads them again from the beginning)', async () => {
    const report = await rebuildReporting(db.pool, { brokers: infraConfig().kafkaBrokers, topicPrefix: prefix });
    const figures = new SqlFiguresReadModel(db.pool);
    const f = await figures.figures(county.id, parsePeriod('2026')!);
    expect([f.get('pledges_made')?.value, f.get('deeds')?.value, f.get('households_helped')?.value]).toEqual([1, 1, 3]);
    expect((await figures.org(village.id))?.name).toBe('伪造测试村党支部');
    // The four forged events, the three tombstones off their state topic and the four without organisation's removal of their key.
    expect(report.refused).toBe(11);
    // Removed, and not brought back by the older states behind its removal on the topic.
    expect(await db.pool.query('select 1 from rpt_member where member_id = $1', [replayed])).toMatchObject({ rowCount: 0 });
  });
});
