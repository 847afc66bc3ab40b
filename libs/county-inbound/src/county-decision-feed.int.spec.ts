import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { EventVerifier, signWithDevelopmentKey } from '@vanguard/auth';
import type { EventEnvelope } from '@vanguard/contracts';
import { infraConfig } from '@vanguard/infra-config';
import { ensureTopics, toKafkaMessage } from '@vanguard/messaging';
import { readTopicToEnd, testProducer, testTopicPrefix, waitUntil } from '@vanguard/testing';
import { CountyDecisionFeed } from './county-decision-feed';

// The decision feed on the real broker (ADR 0062), on topics of this suite: each county's topic
// gets exactly the decisions about its own organisations, byte for byte, so the producer's
// signature still verifies at the county; other records and other counties' decisions never.

const SONGLING = randomUUID();
const HEKOU = randomUUID();
const village = { songling: randomUUID(), hekou: randomUUID(), elsewhere: randomUUID() };
const inside: Record<string, readonly string[]> = { [SONGLING]: [SONGLING, village.songling], [HEKOU]: [HEKOU, village.hekou] };

function event(type: string, orgId: string, decision: boolean | Record<string, unknown> = true): EventEnvelope {
  return signWithDevelopmentKey({
    eventId: randomUUID(),
    type,
    version: 1,
    streamId: `stream-${randomUUID()}`,
    streamVersion: 1,
    occurredAt: '2026-11-30T08:00:00.000Z',
    recordedAt: '2026-11-30T08:00:00.000Z',
    actor: { sub: 'feed-test', roles: [] },
    orgId,
    correlationId: randomUUID(),
    causationId: null,
    data:
      decision === true
        ? { decision: { decidedBy: { role: 'county_organizer' }, reason: '名单中的人' } }
        : decision === false
          ? { note: '不是决定' }
          : decision,
  });
}

describe('CountyDecisionFeed (real Kafka)', () => {
  const kafka = new Kafka({ clientId: 'county-decision-feed-test', brokers: [...infraConfig().kafkaBrokers], logLevel: logLevel.NOTHING });
  const prefix = testTopicPrefix('county-decision-feed');
  const sources = [`${prefix}.evaluation`, `${prefix}.commendation`, `${prefix}.organization`];
  const topicOf = (clientId: string) => `${prefix}.decisions.${clientId}`;
  let feed: CountyDecisionFeed;

  afterAll(() => feed?.stop());

  it('copies each signed decision, transfer in and 转正 onto the topic of the county it is about, unchanged; no name, no forgery, nothing else, nothing to another county', async () => {
    const songlingDecision = event('evaluation.TierChanged', village.songling);
    const hekouDecision = event('commendation.CommendationDecided', village.hekou);
    const notADecision = event('evaluation.PledgeMade', village.songling, false);
    const outsideEveryCounty = event('commendation.CommendationDecided', village.elsewhere);
    // Anyone who can write to a source topic (a probe did): unsigned, and signed but changed since.
    const unsigned = { ...event('commendation.CommendationDecided', village.songling), metadata: {} };
    const signed = event('evaluation.TierChanged', village.hekou);
    const changed = { ...signed, orgId: village.songling };
    const member = randomUUID();
    const joined = event('organization.MemberJoined', village.songling, { memberId: member, orgId: village.songling, name: '张三' });
    const transferredIn = event('organization.MemberTransferred', village.hekou, {
      transferId: randomUUID(),
      memberId: member,
      fromOrgId: village.songling,
      toOrgId: village.hekou,
      transferredOn: '2026-11-30',
    });
    const madeFull = event('organization.MemberBecameFull', village.songling, {
      memberId: randomUUID(),
      orgId: village.songling,
      fullOn: '2026-11-30',
    });
    await ensureTopics(kafka, sources);
    const producer = testProducer(kafka);
    await producer.connect();
    await producer
      .sendBatch({
        topicMessages: [
          { topic: sources[0]!, messages: [songlingDecision, notADecision].map((e) => ({ key: e.streamId, value: JSON.stringify(e) })) },
          {
            topic: sources[1]!,
            messages: [hekouDecision, outsideEveryCounty, unsigned, changed].map((e) => ({ key: e.streamId, value: JSON.stringify(e) })),
          },
          // As organisation's relay publishes them: with the envelope headers (the feed skips by type).
          { topic: sources[2]!, messages: [joined, transferredIn, madeFull].map(toKafkaMessage) },
        ],
      })
      .finally(() => producer.disconnect());

    feed = new CountyDecisionFeed({
      kafka,
      groupId: `${prefix}.feed`,
      counties: [
        { clientId: 'county-songling', countyOrgId: SONGLING },
        { clientId: 'county-hekou', countyOrgId: HEKOU },
      ],
      within: (county, org) => (inside[county] ?? []).includes(org),
      verifier: EventVerifier.forContexts(['evaluation', 'commendation', 'organization'], {}),
      sourceTopics: sources,
      topicOf,
    });
    await feed.start();

    // The feed commits after it copied: once its group has committed both sources' ends, all is copied.
    const admin = kafka.admin();
    await admin.connect();
    try {
      await waitUntil(
        'the feed to have copied both source topics',
        async () => {
          for (const topic of sources) {
            const ends = await admin.fetchTopicOffsets(topic);
            const [committed] = await admin.fetchOffsets({ groupId: `${prefix}.feed`, topics: [topic] });
            const at = new Map(committed!.partitions.map((p) => [p.partition, p.offset]));
            if (ends.some((e) => e.high !== '0' && at.get(e.partition) !== e.high)) return false;
          }
          return true;
        },
        { timeoutMs: 30_000 },
      );
    } finally {
      await admin.disconnect();
    }

    const songling = await readTopicToEnd(kafka, topicOf('county-songling'));
    const hekou = await readTopicToEnd(kafka, topicOf('county-hekou'));
    // At least once: a batch read again before its commit is copied again (a county keys by event id).
    const distinct = (records: typeof songling) => [...new Set(records.map((r) => r.value))].sort();
    expect(distinct(songling)).toEqual([JSON.stringify(songlingDecision), JSON.stringify(madeFull)].sort());
    expect(distinct(hekou)).toEqual([JSON.stringify(hekouDecision), JSON.stringify(transferredIn)].sort());
    expect(songling.find((r) => r.value === JSON.stringify(songlingDecision))!.key).toBe(songlingDecision.streamId);
    const verifier = EventVerifier.forContexts(['evaluation', 'commendation', 'organization'], {});
    for (const r of [...songling, ...hekou]) expect(verifier.verify(JSON.parse(r.value!) as EventEnvelope)).toMatchObject({ ok: true });
  }, 60_000);
});
