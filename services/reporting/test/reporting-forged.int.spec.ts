import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, type Consumer } from 'kafkajs';
import { EventSigner, ScopeService, developmentEventKey } from '@vanguard/auth';
import { deadLetterTopic } from '@vanguard/contracts';
import { infraConfig } from '@vanguard/infra-config';
import { DEAD_LETTER_HEADERS, ensureTopics, headerValue } from '@vanguard/messaging';
import { createTestSchema, testTopicPrefix, waitUntil, type TestSchema } from '@vanguard/testing';
import { parsePeriod } from '../src/domain/period';
import { ProjectionRunner } from '../src/infrastructure/projection/projection.runner';
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

  beforeAll(async () => {
    db = await createTestSchema('reporting_forged');
    await migrateReporting(db.pool);
    runner = new ProjectionRunner(db.pool, new ScopeService({ table: RPT_ORG_TABLE }), {
      enabled: true,
      brokers: infraConfig().kafkaBrokers,
      groupId: `reporting-forged-${randomUUID()}`,
      topicPrefix: prefix,
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
        const id =
          m.value === null
            ? `tombstone ${headerValue(m.headers, DEAD_LETTER_HEADERS.originalTopic)} ${m.key?.toString('utf8')}`
            : (JSON.parse(m.value.toString('utf8')) as { eventId?: string }).eventId;
        if (id)
          letters.set(id, `${headerValue(m.headers, DEAD_LETTER_HEADERS.reason)}: ${headerValue(m.headers, DEAD_LETTER_HEADERS.error)}`);
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

  it('a tombstone off the state topic of its kind deletes nothing and is dead-lettered as forged; one on it still deletes', async () => {
    const member = randomUUID();
    await publisher.publish(TOPICS.memberState, memberState(village.id, member));
    const figures = new SqlFiguresReadModel(db.pool);
    const year = parsePeriod('2026')!;
    await waitUntil('the member counted', async () => (await figures.figures(village.id, year)).get('members')?.value === 1, {
      timeoutMs: 30_000,
      intervalMs: 100,
    });
    // Null values anyone who can write to the broker could send: on an events topic, or on the other kind's state topic.
    await publisher.tombstone(TOPICS.evaluation, `organization-${village.id}`);
    await publisher.tombstone(TOPICS.assistance, `member-${member}`);
    await publisher.tombstone(TOPICS.memberState, `organization-${village.id}`);
    const refused = [
      `tombstone ${prefix}.${TOPICS.evaluation} organization-${village.id}`,
      `tombstone ${prefix}.${TOPICS.assistance} member-${member}`,
      `tombstone ${prefix}.${TOPICS.memberState} organization-${village.id}`,
    ];
    await waitUntil('the three tombstones dead-lettered', () => refused.every((k) => letters.has(k)), { timeoutMs: 30_000 });
    expect(refused.map((k) => letters.get(k))).toEqual([
      expect.stringMatching(/^forged: tombstone on .*vanguard\.evaluation\.events\.v1, which is not a state topic/),
      expect.stringMatching(/^forged: tombstone on .*vanguard\.assistance\.events\.v1, which is not a state topic/),
      expect.stringMatching(/^forged: tombstone of a organization on .*member/),
    ]);
    expect((await figures.org(village.id))?.name).toBe('伪造测试村党支部');
    expect((await figures.figures(county.id, year)).get('members')?.value).toBe(1);

    // The genuine deletion, behind the refused ones in the member topic's partition order, still deletes.
    await publisher.tombstone(TOPICS.memberState, `member-${member}`);
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

  it('a rebuild from the topics leaves the same forgeries out (it reads them again from the beginning)', async () => {
    const report = await rebuildReporting(db.pool, { brokers: infraConfig().kafkaBrokers, topicPrefix: prefix });
    const figures = new SqlFiguresReadModel(db.pool);
    const f = await figures.figures(county.id, parsePeriod('2026')!);
    expect([f.get('pledges_made')?.value, f.get('deeds')?.value, f.get('households_helped')?.value]).toEqual([1, 1, 3]);
    expect((await figures.org(village.id))?.name).toBe('伪造测试村党支部');
    expect(report.refused).toBe(7); // the four forged events and the three tombstones off their state topic
  });
});
