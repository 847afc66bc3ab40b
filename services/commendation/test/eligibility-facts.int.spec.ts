import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, type Producer } from 'kafkajs';
import { Pool } from 'pg';
import type { EventEnvelope } from '@vanguard/contracts';
import { infraConfig, serviceDatabaseUrl } from '@vanguard/infra-config';
import { ensureTopics, toKafkaMessage } from '@vanguard/messaging';
import { testTopicPrefix, waitUntil } from '@vanguard/testing';
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

  beforeAll(async () => {
    await prepareCommendationTestDatabase();
    pool = new Pool({ connectionString: serviceDatabaseUrl('commendation', infraConfig().testDatabaseUrl), max: 4 });
    await ensureTopics(kafka, [topic]);
    producer = kafka.producer();
    await producer.connect();
    sut = new EligibilityFactsRunner(pool, {
      enabled: true,
      brokers: infraConfig().kafkaBrokers,
      groupId: `commendation.eligibility-test.${randomUUID()}`,
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
    await producer.send({ topic, messages: [approved, assessed(2, 'advanced', 5), opened, closed].map(toKafkaMessage) });
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
      ].map(toKafkaMessage),
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
});
