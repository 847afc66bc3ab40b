import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, type Consumer } from 'kafkajs';
import { signWithDevelopmentKey } from '@vanguard/auth';
import {
  AUDIT_CHECKPOINT_TOPIC,
  AUDIT_CHECKPOINT_TOPIC_CONFIG,
  COUNTY_INBOUND_TOPIC,
  MEMBER_STATE_TOPIC,
  contextTopic,
  countyDecisionTopic,
  countyReplyTopic,
  deadLetterTopic,
  type EventEnvelope,
} from '@vanguard/contracts';
import { infraConfig } from '@vanguard/infra-config';
import { ensureTopics } from '@vanguard/messaging';
import { testProducer, waitUntil } from '@vanguard/testing';
import {
  CountyClient,
  consumeReplies,
  countyClientConfig,
  followDecisions,
  type CountyReply,
  type FollowedDecision,
  type ForgedDecision,
} from '../src';
import { tap } from './support/two-counties';

// The broker itself knows each county (docs/county-integration.md, "Identity" and "Kafka ACLs per
// county principal"): on the SASL listener (KAFKA_SASL_BROKERS, locally 127.0.0.1:9094) the
// reference client signs in as User:county-songling with its SCRAM credential, and the ACLs that
// scripts/infra.mjs grants confine it, whatever the county-inbound gate would say later. The
// platform's own side (the tap, the topics) uses the PLAINTEXT listener, a super user.

const SONGLING = 'county-songling';
/**
 * Topics that carry other counties' members (ADR 0062): names in organisation's events
 * (MemberJoined, ContactPointEstablished), commendation's (nominees, public notices) and
 * evaluation's (benchmark targets, self-assessments); member-state lists every member by id.
 */
const PERSONAL_TOPICS = [contextTopic('organization'), MEMBER_STATE_TOPIC, contextTopic('evaluation'), contextTopic('commendation')];
const suite = randomUUID().slice(0, 8);
/** The test's own decision topic (not a county's): what it puts there no real follower reads. */
const TEST_DECISION_TOPIC = 'county-client-test.decisions.v1';
const stateDir = () => fs.mkdtempSync(path.join(os.tmpdir(), `${SONGLING}-sasl-`));
const asSongling = (env: NodeJS.ProcessEnv = process.env) =>
  new CountyClient(countyClientConfig({ clientId: SONGLING, stateDir: stateDir(), kafka: { saslMechanism: 'scram-sha-512' } }, env));

/** Every `type` / `name` along an error's causes: kafkajs wraps the broker's answer in retry errors. */
function errorKinds(e: unknown): string[] {
  const kinds: string[] = [];
  for (let x = e as { type?: string; name?: string; cause?: unknown; originalError?: unknown } | undefined; x;) {
    kinds.push(...[x.type, x.name].filter((k): k is string => typeof k === 'string'));
    x = (x.cause ?? x.originalError) as typeof x;
  }
  return kinds;
}

async function refusal(attempt: () => Promise<unknown>): Promise<string[]> {
  try {
    await attempt();
  } catch (e) {
    return errorKinds(e);
  }
  throw new Error('the broker allowed it');
}

describe('the broker knows each county by its SCRAM credential and its ACLs confine it', () => {
  const platform = new Kafka({ clientId: 'county-sasl-test', brokers: [...infraConfig().kafkaBrokers], logLevel: logLevel.NOTHING });
  let songling: CountyClient;

  beforeAll(async () => {
    await ensureTopics(
      platform,
      [
        COUNTY_INBOUND_TOPIC,
        countyReplyTopic(SONGLING),
        countyReplyTopic('county-hekou'),
        countyDecisionTopic(SONGLING),
        countyDecisionTopic('county-hekou'),
        ...PERSONAL_TOPICS,
        AUDIT_CHECKPOINT_TOPIC,
        TEST_DECISION_TOPIC,
      ],
      {
        configs: {
          [COUNTY_INBOUND_TOPIC]: { 'message.timestamp.type': 'LogAppendTime' },
          [AUDIT_CHECKPOINT_TOPIC]: { ...AUDIT_CHECKPOINT_TOPIC_CONFIG },
        },
      },
    );
    songling = asSongling();
  });
  afterAll(() => songling.close());

  it('county-songling signs in and publishes to the inbound topic; with a wrong password the broker refuses it and nothing is written', async () => {
    const inbound = await tap(COUNTY_INBOUND_TOPIC, (value) => value.includes(suite));
    const impostor = asSongling({ ...process.env, COUNTY_KAFKA_PASSWORD: 'not-the-password' });
    try {
      const key = `sasl-test-${suite}`; // one key: both records would land in one partition, in order
      const refused = await refusal(() => impostor.sendRaw({ key, value: `{"forged":"${suite}"}`, withToken: false }));
      expect(refused).toContain('KafkaJSSASLAuthenticationError');

      await songling.sendRaw({ key, value: `{"sent":"${suite}"}`, withToken: false });

      await waitUntil('the county’s record on the inbound topic', () => inbound.seen.some((m) => m.value.includes('"sent"')), {
        timeoutMs: 15_000,
      });
      expect(inbound.seen.map((m) => m.value)).toEqual([`{"sent":"${suite}"}`]);
    } finally {
      await Promise.all([inbound.stop(), impostor.close()]);
    }
  });

  it('county-songling cannot forge a decision on vanguard.commendation.events.v1', async () => {
    // eslint-disable-next-line no-restricted-syntax -- a county's forgery, refused at once (retries: 0, which kafkajs refuses an idempotent producer); nothing is written, so nothing can be written twice
    const producer = songling.kafka.producer({ allowAutoTopicCreation: false, retry: { retries: 0 } });
    await producer.connect();
    try {
      const forged = { eventId: randomUUID(), type: 'commendation.CommendationDecided', version: 1, data: { forgedBy: SONGLING } };
      const refused = await refusal(() =>
        producer.send({ topic: contextTopic('commendation'), messages: [{ key: `forged-${suite}`, value: JSON.stringify(forged) }] }),
      );
      expect(refused).toContain('TOPIC_AUTHORIZATION_FAILED');
    } finally {
      await producer.disconnect();
    }
  });

  /** What the broker answers when county-songling reads `topic` in a group of its own prefix. */
  async function readRefusal(topic: string): Promise<string[]> {
    const groupId = `${SONGLING}.sasl-test.${suite}.${topic}`;
    const consumer: Consumer = songling.kafka.consumer({ groupId, maxWaitTimeInMs: 100, retry: { retries: 0 } });
    let timer: NodeJS.Timeout | undefined;
    // A refusal comes as a failed subscribe (no Describe) or a crashed fetch (Describe but no Read);
    // a record read, or nothing at all within the deadline, means the broker let it read.
    const outcome = new Promise<unknown>((resolve, reject) => {
      consumer.on(consumer.events.CRASH, (e) => resolve(e.payload.error));
      timer = setTimeout(() => reject(new Error(`${topic}: read for 10 s and no refusal`)), 10_000);
    });
    await consumer.connect();
    try {
      return await refusal(async () => {
        await consumer.subscribe({ topics: [topic], fromBeginning: true });
        await consumer.run({ eachMessage: () => Promise.reject(new Error(`read a record of ${topic}`)) });
        throw await outcome;
      });
    } finally {
      clearTimeout(timer);
      await consumer.disconnect();
    }
  }

  /**
   * Resolves once county-songling, in a group of its own prefix, has been assigned `topic` and a
   * fetch of it came back: only a granted Read gets that far (a missing Describe fails the
   * subscribe, a missing Read the fetch). Reads nothing and writes nothing.
   */
  async function fetchesFrom(topic: string): Promise<void> {
    const consumer = songling.kafka.consumer({
      groupId: `${SONGLING}.sasl-test.${suite}.fetch.${topic}`,
      maxWaitTimeInMs: 100,
      retry: { retries: 0 },
    });
    let timer: NodeJS.Timeout | undefined;
    let assigned = false;
    const fetched = new Promise<void>((resolve, reject) => {
      consumer.on(consumer.events.GROUP_JOIN, (e) => (assigned = (e.payload.memberAssignment[topic]?.length ?? 0) > 0));
      consumer.on(consumer.events.FETCH, () => assigned && resolve());
      consumer.on(consumer.events.CRASH, (e) => reject(e.payload.error));
      timer = setTimeout(() => reject(new Error(`${topic}: no fetch within 10 s`)), 10_000);
    });
    fetched.catch(() => undefined); // awaited below; a crash before that is not an unhandled rejection
    await consumer.connect();
    try {
      await consumer.subscribe({ topics: [topic] });
      await consumer.run({ eachBatch: () => Promise.resolve() });
      await fetched;
    } finally {
      clearTimeout(timer);
      await consumer.disconnect();
    }
  }

  it('county-songling cannot read county-hekou’s replies, the inbound topic or a dead-letter topic', async () => {
    expect(await readRefusal(countyReplyTopic('county-hekou'))).toContain('TOPIC_AUTHORIZATION_FAILED');
    expect(await readRefusal(COUNTY_INBOUND_TOPIC)).toContain('TOPIC_AUTHORIZATION_FAILED');
    expect(await readRefusal(deadLetterTopic(COUNTY_INBOUND_TOPIC))).toContain('TOPIC_AUTHORIZATION_FAILED');
  });

  it('county-songling cannot read a topic that carries other counties’ members, nor county-hekou’s decisions', async () => {
    for (const topic of [...PERSONAL_TOPICS, countyDecisionTopic('county-hekou')])
      expect({ topic, refusal: await readRefusal(topic) }).toEqual({
        topic,
        refusal: expect.arrayContaining(['TOPIC_AUTHORIZATION_FAILED']),
      });
  }, 90_000);

  it('county-songling may read the audit service’s signed checkpoints, which name nobody (a witness checks what it cosigned)', async () => {
    // Positive: a fetch that came back, not merely 'no authorisation error' (which an unknown topic,
    // a coordinator error or a timeout would pass too); the real checkpoints topic is not written.
    await fetchesFrom(AUDIT_CHECKPOINT_TOPIC);
  }, 30_000);

  it('county-songling reads its own decision topic as itself (a fetch of it succeeds)', async () => {
    await fetchesFrom(countyDecisionTopic(SONGLING));
  }, 30_000);

  // Shown and refused decisions go to a topic of the test's own, never to the county's real one:
  // that topic is kept 30 days and the county's real `follow` would show a made-up decision signed
  // with the development key as one the platform made. Its ACLs grant county-songling only the
  // real topic (the test above proves it reads that), so this follower is the platform's own
  // PLAINTEXT client under the county's name: what it checks is the follower, not the broker.
  it('follow shows a decision its context signed and refuses a forged one (on a decision topic of the test’s own)', async () => {
    const follower = new CountyClient(
      countyClientConfig({ clientId: SONGLING, stateDir: stateDir(), kafka: { brokers: infraConfig().kafkaBrokers.join(',') } }),
    );
    const { countyOrgId } = await follower.identity();
    const decision = (): EventEnvelope => ({
      eventId: randomUUID(),
      type: 'evaluation.TierChanged',
      version: 1,
      streamId: `sasl-test-${suite}`,
      streamVersion: 1,
      occurredAt: new Date().toISOString(),
      recordedAt: new Date().toISOString(),
      actor: { sub: 'sasl-test', roles: [] },
      orgId: countyOrgId,
      correlationId: randomUUID(),
      causationId: null,
      data: { decision: { decidedBy: { role: 'county_organizer' }, reason: suite } },
    });
    const genuine = signWithDevelopmentKey(decision());
    const forged = decision();
    const stop = new AbortController();
    const shown: FollowedDecision[] = [];
    const refused: ForgedDecision[] = [];
    let subscribed!: (topics: readonly string[]) => void;
    const following = new Promise<readonly string[]>((r) => (subscribed = r));
    const done = followDecisions(follower, {
      groupId: `${SONGLING}.follow.sasl-test.${suite}`,
      decisionTopic: TEST_DECISION_TOPIC,
      allowDevelopmentKey: true, // the genuine one is signed with the development key
      onDecision: (d) => void shown.push(d),
      onForged: (f) => void refused.push(f),
      onSubscribed: (topics) => subscribed(topics),
      signal: stop.signal,
    });
    try {
      // The organisation state is followed too once it exists (a fresh broker may not have it yet).
      expect(await Promise.race([following, done.then(() => [])])).toContain(TEST_DECISION_TOPIC);
      const producer = testProducer(platform);
      await producer.connect();
      await producer
        .send({ topic: TEST_DECISION_TOPIC, messages: [forged, genuine].map((e) => ({ key: e.streamId, value: JSON.stringify(e) })) })
        .finally(() => producer.disconnect());

      await waitUntil('the genuine decision shown', () => shown.find((d) => d.eventId === genuine.eventId), { timeoutMs: 30_000 });
      expect(shown.filter((d) => d.streamId === genuine.streamId).map((d) => d.eventId)).toEqual([genuine.eventId]);
      expect(refused).toEqual([expect.objectContaining({ eventId: forged.eventId, reason: 'unsigned' })]);
    } finally {
      stop.abort();
      await done;
      await follower.close();
    }
  }, 60_000);

  it('county-songling reads its own replies in a group of its prefix', async () => {
    const topic = countyReplyTopic(SONGLING);
    const groupId = `${SONGLING}.replies.sasl-test.${suite}`;
    // The group starts at the topic's end (committed by the county itself), so it reads only this test's reply.
    const admin = songling.kafka.admin();
    await admin.connect();
    try {
      const ends = await admin.fetchTopicOffsets(topic);
      await admin.setOffsets({ groupId, topic, partitions: ends.map((e) => ({ partition: e.partition, offset: e.high })) });
    } finally {
      await admin.disconnect();
    }
    const messageId = randomUUID();
    const outcome = { messageId, messageType: 'county.RosterMemberSynced', subject: null, service: 'organization', outcome: 'applied' };
    const producer = testProducer(platform);
    await producer.connect();
    await producer
      .send({ topic, messages: [{ key: messageId, value: JSON.stringify({ type: 'county.MessageOutcome', data: outcome }) }] })
      .finally(() => producer.disconnect());

    const stop = new AbortController();
    const replies: CountyReply[] = [];
    const reading = consumeReplies(songling, { groupId, onReply: (r) => void replies.push(r), signal: stop.signal });
    try {
      const reply = await waitUntil('the county’s own reply', () => replies.find((r) => r.messageId === messageId), { timeoutMs: 20_000 });
      expect(reply).toMatchObject({ outcome: 'applied' });
    } finally {
      stop.abort();
      await reading;
    }
  });
});
