import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, type Producer } from 'kafkajs';
import { Pool } from 'pg';
import { EventSigner, developmentEventKey, signWithDevelopmentKey } from '@vanguard/auth';
import { ENVELOPE_HEADERS, deadLetterTopic, type EventEnvelope } from '@vanguard/contracts';
import { infraConfig, serviceDatabaseUrl } from '@vanguard/infra-config';
import { DEAD_LETTER_HEADERS, ensureTopics, headerValue, toKafkaMessage } from '@vanguard/messaging';
import { testProducer, testTopicPrefix, waitUntil } from '@vanguard/testing';
import { EligibilityFactsRunner } from '../src/infrastructure/eligibility/eligibility-facts.runner';
import { SqlEligibilityFacts } from '../src/infrastructure/eligibility/sql-eligibility-facts.read-model';
import { prepareCommendationTestDatabase } from './support/commendation-test-app';

const kafka = new Kafka({
  clientId: `commendation-eligibility-test-${randomUUID().slice(0, 8)}`,
  brokers: [...infraConfig().kafkaBrokers],
  logLevel: logLevel.NOTHING,
});
const branch = '00000000-0000-4000-8000-910425101201';
const decision = (rule: string) => ({
  decidedBy: { sub: 'county.organizer', role: 'organizer', orgId: branch },
  inputs: [],
  rule: { id: rule, version: 1 },
  reason: '',
});

/** On the wire as evaluation's relay sends it: signed with evaluation's (development) key, ADR 0059. */
const asPublished = (e: EventEnvelope) => toKafkaMessage(signWithDevelopmentKey(e));

/** An evaluation event as evaluation's relay publishes it. */
function event(type: string, streamId: string, streamVersion: number, data: unknown, eventId: string = randomUUID()): EventEnvelope {
  const at = new Date().toISOString();
  return {
    eventId,
    type,
    version: 1,
    streamId,
    streamVersion,
    occurredAt: at,
    recordedAt: at,
    actor: { sub: 'county.organizer', roles: ['organizer'], orgId: branch, kind: 'user' },
    orgId: branch,
    correlationId: randomUUID(),
    causationId: null,
    data,
  };
}

describe(EligibilityFactsRunner.name, () => {
  let pool: Pool;
  let producer: Producer;
  let sut: EligibilityFactsRunner;
  const topic = `${testTopicPrefix('commendation-eligibility')}.evaluation.events.v1`;
  const groupId = `commendation.eligibility-test.${randomUUID()}`;

  beforeAll(async () => {
    await prepareCommendationTestDatabase();
    pool = new Pool({ connectionString: serviceDatabaseUrl('commendation', infraConfig().testDatabaseUrl), max: 4 });
    await ensureTopics(kafka, [topic, deadLetterTopic(topic)]);
    producer = testProducer(kafka);
    await producer.connect();
    sut = new EligibilityFactsRunner(pool, {
      enabled: true,
      brokers: infraConfig().kafkaBrokers,
      groupId,
      topic,
    });
    await sut.start();
  });

  afterAll(async () => {
    await sut?.onModuleDestroy();
    await producer?.disconnect();
    await pool?.end();
  });

  it('WhenEvaluationPublishesGradesAssessmentsAndSatisfaction_TheFactsFollowWithTheirStreamsAndVersions_OnceEach_AndNeverBackwards', async () => {
    const member = randomUUID();
    const org = randomUUID();
    const windowId = randomUUID();
    const review = `review-${member}-2010`;
    const approved = event('evaluation.ReviewApproved', review, 4, {
      memberId: member,
      year: 2010,
      grade: 'excellent',
      decision: decision('evaluation.review.approved-above'),
    });
    const assessed = (v: number, tier: string, stars: number, about = org) =>
      event('evaluation.OrganizationAssessed', `assessment-${org}`, v, {
        orgId: about,
        period: '2010',
        scores: { leadership: 18, membership: 18, mechanism: 18, performance: 18, reputation: 18 },
        total: 90,
        tier,
        starRating: stars,
        decision: decision('evaluation.assessment.tier'),
      });
    const window = `mass-evaluation-${windowId}`;
    const opened = event('evaluation.MassEvaluationOpened', window, 1, {
      windowId,
      subject: { kind: 'organization', id: org },
      orgId: org,
      cycleId: null,
      eligibleVoters: 40,
      opensOn: '2010-11-01',
      closesOn: '2010-11-10',
    });
    const closed = event('evaluation.MassEvaluationClosed', window, 3, {
      windowId,
      tally: { satisfied: 30, basicallySatisfied: 6, dissatisfied: 2 },
      ballotsCast: 38,
      satisfactionPermille: 947,
      decision: decision('evaluation.mass-evaluation.satisfaction'),
    });
    await producer.send({ topic, messages: [approved, assessed(2, 'advanced', 5), opened, closed].map(asPublished) });
    const facts = new SqlEligibilityFacts(pool);
    const both = async () =>
      Promise.all([facts.factsFor({ kind: 'member', id: member }), facts.factsFor({ kind: 'organization', id: org })]);
    await waitUntil(
      'the first facts',
      async () => {
        const [m, o] = await both();
        return m.grades.length === 1 && o.assessments.length === 1 && o.satisfaction.length === 1;
      },
      { timeoutMs: 90_000, intervalMs: 200 },
    );

    // Redelivered with other content and a later version (only the inbox can drop it), an older
    // assessment arriving late (the version keeps it out), then a marker on each of the two keys:
    // once a marker is applied, everything before it on its partition was handled.
    const markerMember = randomUUID();
    const markerOrg = randomUUID();
    await producer.send({
      topic,
      messages: [
        { ...approved, streamVersion: 5, data: { ...(approved.data as object), grade: 'unqualified' } },
        assessed(1, 'lagging', 1),
        event('evaluation.ReviewApproved', review, 6, {
          memberId: markerMember,
          year: 2010,
          grade: 'qualified',
          decision: decision('x.y'),
        }),
        assessed(9, 'middle', 3, markerOrg),
      ].map(asPublished),
    });
    await waitUntil(
      'both markers',
      async () => {
        const [m, o] = await Promise.all([
          facts.factsFor({ kind: 'member', id: markerMember }),
          facts.factsFor({ kind: 'organization', id: markerOrg }),
        ]);
        return m.grades.length === 1 && o.assessments.length === 1;
      },
      { timeoutMs: 90_000, intervalMs: 200 },
    );

    const [m, o] = await Promise.all([facts.factsFor({ kind: 'member', id: member }), facts.factsFor({ kind: 'organization', id: org })]);
    expect(m.grades).toEqual([{ year: 2010, grade: 'excellent', orgId: branch, input: { streamId: review, version: 4 } }]);
    expect(o.assessments).toEqual([{ year: 2010, tier: 'advanced', starRating: 5, input: { streamId: `assessment-${org}`, version: 2 } }]);
    expect(o.satisfaction).toEqual([
      { windowId, year: 2010, satisfactionPermille: 947, orgId: org, input: { streamId: window, version: 3 } },
    ]);
  });

  it('WhenAssessmentsArriveInAnyOrderWithRedeliveries_EachOrganisationEndsAtItsHighestVersion', async () => {
    // Seeded (ELIGIBILITY_ORDER_SEED replays): each organisation's versions 1..n shuffled, some
    // delivered twice under the same event id with other content (only the inbox can drop those).
    const seed = Number(process.env['ELIGIBILITY_ORDER_SEED'] ?? Date.now() % 100_000);
    let state = seed || 1;
    const random = (n: number) => (state = (state * 48_271) % 2_147_483_647) % n;
    const tiers = ['advanced', 'middle', 'lagging'] as const;
    const tierOf = (v: number) => tiers[v % 3]!;
    const orgs = Array.from({ length: 6 }, () => ({ org: randomUUID(), versions: 2 + random(6) }));
    const messages: EventEnvelope[] = [];
    for (const { org, versions } of orgs) {
      const own = Array.from({ length: versions }, (_, i) =>
        event('evaluation.OrganizationAssessed', `assessment-${org}`, i + 1, {
          orgId: org,
          period: '2011',
          scores: { leadership: 18, membership: 18, mechanism: 18, performance: 18, reputation: 18 },
          total: 90,
          tier: tierOf(i + 1),
          starRating: 1 + ((i + 1) % 5),
          decision: decision('evaluation.assessment.tier'),
        }),
      );
      for (let i = own.length - 1; i > 0; i--) {
        const j = random(i + 1);
        [own[i], own[j]] = [own[j]!, own[i]!];
      }
      // A redelivery comes after the delivery it repeats, anywhere later in the stream's order.
      const order = [...own];
      for (const e of own.filter(() => random(3) === 0)) {
        const after = order.indexOf(e) + 1;
        order.splice(after + random(order.length - after + 1), 0, {
          ...e,
          data: { ...(e.data as object), tier: 'lagging', starRating: 1 },
        });
      }
      messages.push(...order);
    }
    await producer.send({ topic, messages: messages.map(asPublished) });

    const admin = kafka.admin();
    await admin.connect();
    try {
      // Done when the group has committed every partition's end: everything sent was handled.
      await waitUntil(
        'the eligibility consumer to commit the end of the topic',
        async () => {
          const ends = await admin.fetchTopicOffsets(topic);
          const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
          // A partition nothing was ever written to has no committed offset (-1) and nothing to wait for.
          return ends.every((e) => e.high === e.low || committed!.partitions.find((p) => p.partition === e.partition)?.offset === e.high);
        },
        { timeoutMs: 45_000, intervalMs: 200 },
      );
    } finally {
      await admin.disconnect();
    }
    const facts = new SqlEligibilityFacts(pool);
    const ended = await Promise.all(
      orgs.map(async ({ org }) =>
        (await facts.factsFor({ kind: 'organization', id: org })).assessments.map((a) => [a.tier, a.input.version]),
      ),
    );
    expect({ seed, ended }).toEqual({ seed, ended: orgs.map(({ versions }) => [[tierOf(versions), versions]]) });
  });

  // Anyone who can write to evaluation's topic could otherwise hand a member an 'excellent' grade.
  it('WhenAGradeIsUnsignedOrSignedWithAnotherKey_ItIsDeadLetteredAsForgedAndNoFactChanges', async () => {
    const forgedFor = randomUUID();
    const honestFor = randomUUID();
    const grade = (memberId: string) =>
      event('evaluation.ReviewApproved', `review-${memberId}-2010`, 1, {
        memberId,
        year: 2010,
        grade: 'excellent',
        decision: decision('evaluation.review.approved-above'),
      });
    const unsigned = grade(forgedFor);
    // Commendation's key under evaluation's own kid, and organisation's key under its own kid.
    const wrongKey = new EventSigner('evaluation', developmentEventKey('commendation'), 'evaluation-dev-1').sign(grade(forgedFor));
    const otherContext = new EventSigner('organization', developmentEventKey('organization'), 'organization-dev-1').sign(grade(forgedFor));
    const honest = grade(honestFor);
    const letters: { eventId: string | undefined; reason: string | undefined; error: string | undefined }[] = [];
    const tap = kafka.consumer({ groupId: `dlq-tap-${randomUUID()}`, maxWaitTimeInMs: 100 });
    await tap.connect();
    await tap.subscribe({ topic: deadLetterTopic(topic), fromBeginning: true });
    await tap.run({
      eachMessage: ({ message: m }) =>
        Promise.resolve(
          void letters.push({
            eventId: headerValue(m.headers, ENVELOPE_HEADERS.eventId),
            reason: headerValue(m.headers, DEAD_LETTER_HEADERS.reason),
            error: headerValue(m.headers, DEAD_LETTER_HEADERS.error),
          }),
        ),
    });
    try {
      // One key: one partition, so the honest grade is handled after the three forgeries.
      await producer.send({
        topic,
        messages: [
          { ...toKafkaMessage(unsigned), key: 'forgeries' },
          { ...toKafkaMessage(wrongKey), key: 'forgeries' },
          { ...toKafkaMessage(otherContext), key: 'forgeries' },
          { ...asPublished(honest), key: 'forgeries' },
        ],
      });
      const facts = new SqlEligibilityFacts(pool);
      await waitUntil(
        'the signed grade applied',
        async () => (await facts.factsFor({ kind: 'member', id: honestFor })).grades.length === 1,
        {
          timeoutMs: 90_000,
          intervalMs: 200,
        },
      );
      expect((await facts.factsFor({ kind: 'member', id: forgedFor })).grades).toEqual([]);
      await waitUntil('three forgeries dead-lettered', () => letters.length === 3, { timeoutMs: 30_000 });
      expect(letters).toEqual([
        { eventId: unsigned.eventId, reason: 'forged', error: expect.stringMatching(/\(unsigned\)$/) },
        { eventId: wrongKey.eventId, reason: 'forged', error: expect.stringMatching(/\(bad-signature\)$/) },
        { eventId: otherContext.eventId, reason: 'forged', error: expect.stringMatching(/\(other-context\)$/) },
      ]);
    } finally {
      await tap.disconnect();
    }
  });
});
