// The county decision feed after a crash (8276ec16): the feed's consumer gives up when the
// network is gone past kafkajs's retries; organization's runner, not kafkajs's own timer,
// restarts it, after the start in flight, so that shutdown waits for every restart. Here the
// feed's network is cut (kafkajs socketFactory) until it crashes, then restored.
import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import type { DataSource } from 'typeorm';
import { Logger } from '@nestjs/common';
import { signWithDevelopmentKey } from '@vanguard/auth';
import { infraConfig } from '@vanguard/infra-config';
import { ensureTopics } from '@vanguard/messaging';
import { networkFault, seededRandom, testProducer, testTopicPrefix, waitUntil } from '@vanguard/testing';
import { CountyDecisionFeedRunner } from '../src/infrastructure/county/county-decision-feed.runner';

const COUNTY = 'county-restart-test';
const COUNTY_ORG = randomUUID();
/** The broker's least session timeout (group.min.session.timeout.ms): the crashed member is gone within it. */
const SESSION_MS = 6_000;

describe('the county decision feed restarted after a crash', () => {
  const platform = new Kafka({
    clientId: 'county-feed-restart-test',
    brokers: [...infraConfig().kafkaBrokers],
    logLevel: logLevel.NOTHING,
  });
  const prefix = testTopicPrefix('county-feed-restart');
  // The test's own topics: decisions are made up here, so never the real events or decision topics.
  const source = `${prefix}.events`;
  const target = `${prefix}.decisions`;
  const copied = new Set<string>();
  const tap = platform.consumer({ groupId: `${prefix}.tap`, maxWaitTimeInMs: 100 });

  beforeAll(async () => {
    Logger.overrideLogger(false); // the runner's restart warnings, expected here
    await ensureTopics(platform, [source, target], { numPartitions: 1 });
    await tap.connect();
    await tap.subscribe({ topics: [target], fromBeginning: true });
    await tap.run({
      eachMessage: ({ message }) => {
        copied.add((JSON.parse(String(message.value)) as { eventId: string }).eventId);
        return Promise.resolve();
      },
    });
  });
  afterAll(async () => {
    await tap.disconnect();
    Logger.overrideLogger(['log', 'error', 'warn']);
  });

  function runner(groupId: string) {
    const fault = networkFault();
    const sut = new CountyDecisionFeedRunner({} as DataSource, {
      enabled: true,
      brokers: infraConfig().kafkaBrokers,
      knownCounties: [COUNTY],
      countyOrgs: { [COUNTY]: COUNTY_ORG },
      decisionFeedGroupId: groupId,
      decisionFeedOverrides: {
        sourceTopics: [source],
        topicOf: () => target,
        sessionTimeoutMs: SESSION_MS,
        within: (county, orgId) => county === COUNTY_ORG && orgId === COUNTY_ORG,
        kafka: {
          socketFactory: fault.socketFactory,
          connectionTimeout: 500,
          retry: { retries: 2, initialRetryTime: 50, maxRetryTime: 200 },
        },
      },
    });
    return { sut, fault };
  }

  async function decide(): Promise<string> {
    const eventId = randomUUID();
    // Signed as evaluation's relay signs it: the feed copies only decisions their producer signed (ADR 0062).
    const value = signWithDevelopmentKey({
      eventId,
      type: 'evaluation.TierChanged',
      version: 1,
      streamId: `stream-${eventId}`,
      streamVersion: 1,
      occurredAt: new Date().toISOString(),
      recordedAt: new Date().toISOString(),
      actor: { sub: 'feed-restart-test', roles: [] },
      orgId: COUNTY_ORG,
      correlationId: eventId,
      causationId: null,
      data: { decision: { reason: 'restart test' } },
    });
    const producer = testProducer(platform);
    await producer.connect();
    await producer.send({ topic: source, messages: [{ key: eventId, value: JSON.stringify(value) }] }).finally(() => producer.disconnect());
    return eventId;
  }

  /** Cuts the feed's network until its consumer has crashed and its restarts are being refused. */
  async function crash(fault: ReturnType<typeof networkFault>): Promise<void> {
    fault.cut();
    await waitUntil('the feed to crash and try to start again', () => fault.refused >= 8, { timeoutMs: 30_000 });
    fault.restore();
  }

  it('copies again after the restart', async () => {
    const { sut, fault } = runner(`${prefix}.copies`);
    sut.onApplicationBootstrap();
    try {
      const before = await decide();
      await waitUntil('a decision copied before the crash', () => copied.has(before), { timeoutMs: 30_000 });
      await crash(fault);
      const after = await decide();
      // The crashed member left without LeaveGroup: the restarted one joins once its session (6 s) ends.
      await waitUntil('a decision copied after the restart', () => copied.has(after), { timeoutMs: 60_000 });
    } finally {
      await sut.onApplicationShutdown();
    }
    expect(fault.live).toBe(0);
  }, 120_000);

  it('a shutdown at any point of the restart leaves no connection open', async () => {
    const seed = Number(process.env['COUNTY_FEED_RESTART_SEED'] ?? Date.now() % 100_000);
    console.log(`COUNTY_FEED_RESTART_SEED=${seed}`);
    const random = seededRandom(seed);
    const left: string[] = [];
    for (let i = 0; i < 3; i++) {
      const { sut, fault } = runner(`${prefix}.stop.${i}`);
      sut.onApplicationBootstrap();
      const started = await decide();
      await waitUntil('the feed copying', () => copied.has(started), { timeoutMs: 30_000 });
      await crash(fault);
      const gap = Math.floor(random() * 1_500);
      await new Promise((r) => setTimeout(r, gap));
      await sut.onApplicationShutdown();
      // What a leaked restart would open comes a little after; give it the time kafkajs's own timer takes.
      await new Promise((r) => setTimeout(r, 1_000));
      if (fault.live) left.push(`shutdown ${gap} ms after the network came back: ${fault.live} connection(s) open`);
    }
    expect({ seed, left }).toEqual({ seed, left: [] });
  }, 180_000);
});
